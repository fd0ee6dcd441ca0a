// Delivery: from the item's arrival at its delivery office to its end, on
// the office's calendar: it is open on working days that are not public
// holidays, within office hours, in local time. An item reaching a closed
// office is received (EMG) when it opens. A share of items, by mail class,
// goes to the door: rounds go out at the scenario's hour on working days
// (EDG); an attempt succeeds with a probability, fails (EMH, redeliver) and
// is tried on the next round, and after the last attempt the item waits for
// collection (EMH hold, EDH). The others, most small packets, wait for
// collection at once: the addressee gets a notice (EDH). A waiting item is
// collected (EMI) during opening hours within the holding period, or
// returned to sender (EMH return) when the office opens after it.
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/returns.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Delivery final : public EventHandler {
 public:
  Delivery(Context& ctx, Statistics& statistics, Returns& returns);

  // Item i has reached its delivery office.
  void Arrive(uint32_t i);

  // Items delivered at the door, collected, and returned uncollected.
  uint64_t delivered_to_door() const { return door_; }
  uint64_t collected() const { return collected_; }
  uint64_t uncollected() const { return uncollected_; }

  void OnEvent(Simulation& sim, uint64_t payload) override;

 private:
  // The next round at or after t.
  Time NextRound(Time t) const;
  void Received(uint32_t i);
  void Round(uint32_t i);
  // The item waits at the office from `since` (a notice, EDH, was issued).
  void AwaitCollection(uint32_t i, Time since);

  Context& ctx_;
  Statistics& statistics_;
  Returns& returns_;
  Rng rng_;
  uint64_t door_ = 0, collected_ = 0, uncollected_ = 0;
};

}  // namespace pochta::sim::internal
