// Carriers: from the designated operator's outward office of exchange to
// Tashkent. Each operator's flights leave on its timetable with a capacity
// per departure (what does not fit waits for the next flight), directly
// (EMC on departure) or through a transit office (EMJ, EMK).
//
// Thread-safety: as its Context.
#pragma once

#include <memory>

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/inward.h"
#include "sim/transport.h"

namespace pochta::sim::internal {

class Carriers final : public EventHandler, public ObservedStage {
 public:
  Carriers(Context& ctx, Inward& inward);

  // Item i waits at its outward office of exchange for the next flight.
  void Board(uint32_t i);

  void OnEvent(Simulation& sim, uint64_t payload) override;
  // Nothing hourly; the summary has each operator's longest queue for a flight.
  void Names(std::vector<std::string>&) const override {}
  void SampleHour(std::vector<FacilityHour>&) override {}
  void Report(std::vector<FacilityLoad>& out) const override;

 private:
  Context& ctx_;
  Inward& inward_;
  std::vector<std::unique_ptr<ScheduledTransport>> flights_;  // by operator
  Rng rng_;
};

}  // namespace pochta::sim::internal
