#include "sim/postal/internal/carriers.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

enum What : uint32_t {
  kAtTransit,   // the flight reached the transit office
  kLanded,      // the flight reached the destination (Tashkent, or the partner's for letters sent abroad)
  kAtExchange,  // the receptacle reached the destination office of exchange
};

}  // namespace

Carriers::Carriers(Context& ctx, Inward& inward, Abroad& abroad)
    : ctx_(ctx), inward_(inward), abroad_(abroad), rng_(ctx.streams.Stream("transit")), exchanged_(ctx.s.operators.size()) {
  for (size_t o = 0; o < ctx.s.operators.size(); ++o) {
    const OperatorFlow& f = ctx.s.operators[o];
    flights_.push_back(std::make_unique<ScheduledTransport>(
        ctx.sim,
        TransportTimetable{std::vector<Time>(f.dispatch_departures.begin(), f.dispatch_departures.end()),
                           f.flight_capacity_kg, Time(f.flight_hours * kHour), kDay, &ctx.origin[o]},
        this));
  }
}

void Carriers::Board(uint32_t r) {
  const ReceptacleRecord& receptacle = ctx_.receptacles[r];
  const uint32_t kg = (receptacle.gross_g + 999) / 1000;
  flights_[receptacle.op]->Board(
      Payload(ctx_.s.operators[receptacle.op].transit_office.empty() ? kLanded : kAtTransit, r), kg);
}

void Carriers::Resume(uint32_t r, core::EventCode code, Time since) {
  const OperatorFlow& f = ctx_.s.operators[ctx_.receptacles[r].op];
  const Time now = ctx_.sim.now();
  const bool transit = !f.transit_office.empty();
  // Draws the time from `from` to the end of a log-normal wait of `mean`
  // seconds that has lasted until now, and schedules `what` then.
  const auto after = [&](Time from, double mean, double cv, What what) {
    const Time left = Time(rng_.LogNormalAbove(mean, cv, double(std::max<Time>(0, now - from))));
    ctx_.sim.Schedule(std::max(now, from + left), this, Payload(what, r));
  };
  switch (code) {
    case core::EventCode::kEMC: {
      const Time arrives = since + Time(f.flight_hours * kHour);
      if (arrives >= now) {
        ctx_.sim.Schedule(arrives, this, Payload(transit ? kAtTransit : kLanded, r));
      } else if (transit) {
        after(arrives, f.transit_hours * kHour, f.transit_cv, kLanded);
      } else {
        // Landed; past the ground handling it was missent or left behind.
        const Time handled = arrives + Time(ctx_.s.dispatching.ground_hours * kHour);
        if (handled >= now) {
          ctx_.sim.Schedule(handled, this, Payload(kAtExchange, r));
        } else {
          after(handled, ctx_.s.dispatching.missent_days * kDay, 0.5, kAtExchange);
        }
      }
      break;
    }
    case core::EventCode::kEMJ: after(since, f.transit_hours * kHour, f.transit_cv, kLanded); break;
    // Reported half-way through the time at the transit office.
    case core::EventCode::kEMK: after(since, f.transit_hours * kHour / 2, f.transit_cv, kLanded); break;
    default: Board(r); break;
  }
}

Time Carriers::NextDeparture(uint32_t op, Time t) const { return flights_[op]->NextDeparture(t); }

void Carriers::Departed(uint32_t r, Time at) {
  const ReceptacleRecord& receptacle = ctx_.receptacles[r];
  const std::string& office = ctx_.s.operators[receptacle.op].office_of_exchange;
  for (uint32_t i : receptacle.items) ctx_.Emit(i, core::EventCode::kEMC, at, office);
  if (ctx_.Outbound(receptacle.op)) Exchanged(r, at);
}

void Carriers::Exchanged(uint32_t r, Time at) {
  if (at >= ctx_.window_end) return;
  const ReceptacleRecord& receptacle = ctx_.receptacles[r];
  Exchange& e = exchanged_[receptacle.op];
  e.kg += receptacle.gross_g / 1000.0;
  for (uint32_t i : receptacle.items) e.registered += ctx_.items[i].registered;
}

void Carriers::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t r = uint32_t(payload);
  const ReceptacleRecord& receptacle = ctx_.receptacles[r];
  const OperatorFlow& f = ctx_.s.operators[receptacle.op];
  switch (What(payload >> 32)) {
    case kAtTransit: {
      Departed(r, sim.now() - Time(f.flight_hours * kHour));
      const Time onward = std::max<Time>(kHour, Time(rng_.LogNormal(f.transit_hours * kHour, f.transit_cv)));
      for (uint32_t i : receptacle.items) {
        ctx_.Emit(i, core::EventCode::kEMJ, sim.now(), f.transit_office);
        ctx_.Emit(i, core::EventCode::kEMK, sim.now() + onward / 2, f.transit_office);
      }
      sim.Schedule(sim.now() + onward, this, Payload(kLanded, r));
      break;
    }
    case kLanded: {
      if (f.transit_office.empty()) Departed(r, sim.now() - Time(f.flight_hours * kHour));
      const Scenario::Dispatching& d = ctx_.s.dispatching;
      Time handling = Time(d.ground_hours * kHour);
      if (rng_.Chance(d.missent_share)) {
        handling += Time(rng_.LogNormal(d.missent_days * kDay, 0.5));
      }
      sim.Schedule(sim.now() + handling, this, Payload(kAtExchange, r));
      break;
    }
    case kAtExchange:
      if (ctx_.Outbound(receptacle.op)) {
        abroad_.Open(r);
      } else {
        Exchanged(r, sim.now());
        inward_.Open(r);
      }
      break;
  }
}

void Carriers::Report(std::vector<FacilityLoad>& out) const {
  for (size_t o = 0; o < flights_.size(); ++o) {
    out.push_back({"flights " + ctx_.s.operators[o].office_of_exchange + " -> " + ctx_.InwardOffice(uint32_t(o)) +
                       " (receptacles)",
                   flights_[o]->max_waiting(), 0});
  }
}

}  // namespace pochta::sim::internal
