// Delivery: from the item's arrival at its delivery office (EMG) to its
// end. Rounds start at the scenario's hour; an attempt succeeds with a
// probability, fails (EMH, redeliver) and is tried on the next round, and
// after the last attempt the item waits for collection (EMH hold, EDH):
// collected (EMI) within the holding period or returned to sender (EMH
// return) at its end.
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Delivery final : public EventHandler {
 public:
  Delivery(Context& ctx, Statistics& statistics);

  // Item i has reached its delivery office.
  void Arrive(uint32_t i);

  void OnEvent(Simulation& sim, uint64_t payload) override;

 private:
  Time NextRound(Time t) const;
  void Round(uint32_t i);

  Context& ctx_;
  Statistics& statistics_;
  Rng rng_;
};

}  // namespace pochta::sim::internal
