// The discrete-event kernel: a Simulation is an ordinary object with its own
// clock and event list (no singleton, no global time). Events run in order
// of (time, sequence): two events at the same time run in the order they
// were scheduled, so a run is deterministic.
//
//   Simulation sim;
//   sim.Schedule(3600, &handler, payload);  // handler.OnEvent(sim, payload) at t = 3600
//   sim.RunUntil(86400);
//
// Time is an integer: seconds, in the postal model.
//
// Thread-safety: none; one simulation per thread. Independent simulations
// (replications) run in parallel freely.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace pochta::sim {

using Time = int64_t;
inline constexpr Time kForever = std::numeric_limits<Time>::max();

class Simulation;

// Receives events. `payload` is whatever the scheduler attached (an item
// index, a departure number...).
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void OnEvent(Simulation& sim, uint64_t payload) = 0;
};

class Simulation {
 public:
  explicit Simulation(Time start = 0) : now_(start), last_(start) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return now_; }

  // REQUIRES: at >= now(); handler outlives the event.
  void Schedule(Time at, EventHandler* handler, uint64_t payload = 0);
  void ScheduleIn(Time delay, EventHandler* handler, uint64_t payload = 0) { Schedule(now_ + delay, handler, payload); }
  // For tests and rare events; slower than a handler (allocates).
  void At(Time at, std::function<void()> action);

  // Runs the next event; false when none is pending.
  bool Step();
  // Runs until no event is pending or Stop() is called.
  void Run();
  // Runs every event at or before `until`, then sets now() to `until`
  // (unless Stop() was called first).
  void RunUntil(Time until);
  // Makes Run/RunUntil return after the current event.
  void Stop() { stopped_ = true; }

  size_t pending() const { return pending_; }
  uint64_t events_run() const { return events_run_; }

 private:
  struct Event {
    Time time;
    uint64_t seq;
    EventHandler* handler;
    uint64_t payload;
  };
  // The event list is a radix heap, which needs only that no event is
  // scheduled before the last one taken (true: nothing runs in the past).
  // Bucket b > 0 holds events whose time differs from `last_` first in bit
  // b - 1; bucket 0 holds events at exactly `last_`, in sequence order.
  static uint64_t Key(Time t) { return uint64_t(t) ^ (uint64_t{1} << 63); }
  size_t Bucket(Time t) const {
    const uint64_t x = Key(t) ^ Key(last_);
    return x == 0 ? 0 : size_t(64 - __builtin_clzll(x));
  }
  // Makes bucket 0 non-empty; false when no event is pending.
  bool Fill();

  Time now_;
  uint64_t next_seq_ = 0;
  uint64_t events_run_ = 0;
  bool stopped_ = false;
  Time last_;  // time of the last event taken
  size_t pending_ = 0;
  std::vector<Event> buckets_[65];
  uint64_t nonempty_ = 0;  // bit b - 1 set when bucket b > 0 holds events
  size_t head_ = 0;        // bucket 0 is consumed from here
  std::vector<std::function<void()>> actions_;
  std::vector<size_t> free_actions_;
  class ActionHandler;
  static EventHandler* ActionRunner();
};

}  // namespace pochta::sim
