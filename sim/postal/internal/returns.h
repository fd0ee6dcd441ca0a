// Returns: an item returned to its sender (EMH, return to sender) goes back
// the way it came. From its delivery office it travels to Tashkent (customs
// returns are there already) and arrives at the office of exchange (EMB,
// reported by Uzbekiston Pochtasi); it waits for the next return dispatch
// to its flow's office of exchange, which closes on the scenario's return
// weekdays and times: receptacles by mail class up to the maximum weight,
// an S8 dispatch from UZTASA numbered in its series (shared with any other
// flow dispatching there), declared to the store, and each item leaves
// (EMC). A flow through a transit office passes it the other way (EMJ, EMK,
// reported by the operator that runs it; half of transit_hours to it, a
// quarter there, a quarter and flight_hours on); its partner reports it
// received back (EMD, at its office of exchange) the flow's flight and
// transit time after it left. There the model leaves it: the item stays
// returned. Returns have no capacity of their own.
//
// Thread-safety: as its Context.
#pragma once

#include <array>
#include <unordered_map>
#include <vector>

#include "sim/postal/internal/context.h"

namespace pochta::sim::internal {

class Returns final : public EventHandler {
 public:
  explicit Returns(Context& ctx);

  // Item i was returned to its sender just now: at its delivery office, or
  // at the office of exchange (`at_exchange`, a customs refusal).
  void Send(uint32_t i, bool at_exchange);
  // Schedules the first return dispatch; call once before the run.
  void Start();

  void OnEvent(Simulation& sim, uint64_t payload) override;

  const RunSummary::ReturnCounts& counts();

 private:
  Time NextDeparture(Time after) const;
  void Depart();

  Context& ctx_;
  Rng rng_;
  // Items at the office of exchange waiting for a return dispatch, by flow
  // and mail class.
  std::vector<std::array<std::vector<uint32_t>, core::kMailClassCount>> waiting_;
  std::unordered_map<uint32_t, Time> returned_at_;  // item -> its EMH, while on the way back
  std::vector<float> days_;                         // EMH -> back at the origin office, per item
  RunSummary::ReturnCounts counts_;
};

}  // namespace pochta::sim::internal
