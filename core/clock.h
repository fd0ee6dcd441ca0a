// Clock: where pochta reads the time. Code below cli/ never asks the system
// for the time; it is handed a Clock (as leveldb hands its code an Env), so a
// simulation writes a byte-reproducible store and a test decides what "now"
// is.
//
//   const core::Clock& clock = core::Clock::Real();   // the default
//   core::ManualClock clock(start);                    // simulations, tests
//   clock.Advance(std::chrono::hours(2));
//
// Thread-safety: Now() may be called concurrently, on both kinds, also while
// a ManualClock is set or advanced.
#pragma once

#include <atomic>
#include <chrono>

#include "core/tracking.h"

namespace pochta::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC, whole seconds.
  virtual Timestamp Now() const = 0;
  // The system's real-time clock. Lives as long as the program.
  static const Clock& Real();
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = Timestamp{}) : seconds_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(std::chrono::seconds(seconds_.load(std::memory_order_relaxed))); }
  void Set(Timestamp t) { seconds_.store(t.time_since_epoch().count(), std::memory_order_relaxed); }
  void Advance(std::chrono::seconds by) { seconds_.fetch_add(by.count(), std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> seconds_;
};

}  // namespace pochta::core
