// Carriers: receptacles from a flow's outward office of exchange to its
// inward one: Tashkent's, or the partner's for letters sent abroad. Each
// flow's flights
// leave on its timetable with a capacity in kilograms; a receptacle that
// does not fit waits, with all its items, for the next flight. Flights go
// directly (EMC on departure) or through a transit office (EMJ, EMK).
// Landed receptacles reach the office of exchange after the ground
// handling; a share of them is missent or left behind and turns up days
// later. The mail exchanged at Tashkent is counted: received (opened) for
// flows to Uzbekistan, dispatched (departed) for letters sent abroad.
//
// Thread-safety: as its Context.
#pragma once

#include <memory>

#include "sim/postal/internal/abroad.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/inward.h"
#include "sim/transport.h"

namespace pochta::sim::internal {

class Carriers final : public EventHandler, public ObservedStage {
 public:
  Carriers(Context& ctx, Inward& inward, Abroad& abroad);

  // Receptacle r waits at its outward office of exchange for the next flight.
  void Board(uint32_t r);
  // Receptacle r of a forecast's placed items, whose latest event was
  // `code` (EMC, EMJ or EMK) at `since`: it goes on from there, after what
  // is left of the flight, the transit or the ground handling.
  void Resume(uint32_t r, core::EventCode code, Time since);
  // The first departure of operator op's flights at or after t.
  Time NextDeparture(uint32_t op, Time t) const;

  // The gross kilograms of receptacles and the registered items in them
  // exchanged at Tashkent before the posting window ended, by flow.
  struct Exchange {
    uint64_t registered = 0;
    double kg = 0;
  };
  const Exchange& exchanged(uint32_t op) const { return exchanged_[op]; }

  void OnEvent(Simulation& sim, uint64_t payload) override;
  // Nothing hourly; the summary has each operator's longest queue for a flight.
  void Names(std::vector<std::string>&) const override {}
  void SampleHour(std::vector<FacilityHour>&) override {}
  void Report(std::vector<FacilityLoad>& out) const override;

 private:
  // Its items' departure scans (EMC) at `at`.
  void Departed(uint32_t r, Time at);
  // Receptacle r is exchanged at Tashkent at `at`.
  void Exchanged(uint32_t r, Time at);

  Context& ctx_;
  Inward& inward_;
  Abroad& abroad_;
  std::vector<std::unique_ptr<ScheduledTransport>> flights_;  // by operator
  Rng rng_;
  std::vector<Exchange> exchanged_;  // by flow
};

}  // namespace pochta::sim::internal
