#include "sim/postal/internal/carriers.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

enum What : uint32_t {
  kAtTransit,   // the flight reached the transit office
  kAtTashkent,  // the flight reached Tashkent
};

}  // namespace

Carriers::Carriers(Context& ctx, Inward& inward) : ctx_(ctx), inward_(inward), rng_(ctx.streams.Stream("transit")) {
  for (const OperatorFlow& f : ctx.s.operators) {
    flights_.push_back(std::make_unique<ScheduledTransport>(
        ctx.sim,
        TransportTimetable{std::vector<Time>(f.dispatch_departures.begin(), f.dispatch_departures.end()),
                           f.flight_capacity, Time(f.flight_hours * kHour)},
        this));
  }
}

void Carriers::Board(uint32_t i) {
  flights_[ctx_.items[i].op]->Board(Payload(ctx_.OperatorOf(i).transit_office.empty() ? kAtTashkent : kAtTransit, i));
}

void Carriers::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  const OperatorFlow& f = ctx_.OperatorOf(i);
  switch (What(payload >> 32)) {
    case kAtTransit: {
      ctx_.Emit(i, core::EventCode::kEMC, sim.now() - Time(f.flight_hours * kHour), f.office_of_exchange);
      ctx_.Emit(i, core::EventCode::kEMJ, sim.now(), f.transit_office);
      const Time onward = std::max<Time>(kHour, Time(rng_.LogNormal(f.transit_hours * kHour, f.transit_cv)));
      ctx_.Emit(i, core::EventCode::kEMK, sim.now() + onward / 2, f.transit_office);
      sim.Schedule(sim.now() + onward, this, Payload(kAtTashkent, i));
      break;
    }
    case kAtTashkent:
      if (f.transit_office.empty()) {
        ctx_.Emit(i, core::EventCode::kEMC, sim.now() - Time(f.flight_hours * kHour), f.office_of_exchange);
      }
      inward_.Arrive(i);
      break;
  }
}

void Carriers::Report(std::vector<FacilityLoad>& out) const {
  for (size_t o = 0; o < flights_.size(); ++o) {
    out.push_back({"flights " + ctx_.s.operators[o].office_of_exchange + " -> " + ctx_.Code(ctx_.exchange),
                   flights_[o]->max_waiting(), 0});
  }
}

}  // namespace pochta::sim::internal
