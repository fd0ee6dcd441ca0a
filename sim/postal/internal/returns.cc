#include "sim/postal/internal/returns.h"

#include <algorithm>

#include "sim/postal/internal/dispatching.h"

namespace pochta::sim::internal {
namespace {

enum What : uint32_t { kAtExchange, kDeparture, kAtTransit, kHome };

constexpr Time kTransfer = 2 * kHour;  // from customs to the outward side of the office

}  // namespace

Returns::Returns(Context& ctx) : ctx_(ctx), rng_(ctx.streams.Stream("returns")), waiting_(ctx.s.operators.size()) {}

void Returns::Start() { ctx_.sim.Schedule(NextDeparture(ctx_.start), this, Payload(kDeparture, 0)); }

void Returns::Send(uint32_t i, bool at_exchange) {
  ctx_.items[i].returning = true;
  returned_at_[i] = ctx_.sim.now();
  ++counts_.returned;
  const double mean = ctx_.s.returns.to_exchange_days * kDay;
  const Time way = at_exchange ? kTransfer : std::max<Time>(kHour, Time(rng_.LogNormal(mean, 0.5)));
  ctx_.sim.Schedule(ctx_.sim.now() + way, this, Payload(kAtExchange, i));
}

Time Returns::NextDeparture(Time after) const {
  const Scenario::Returns& r = ctx_.s.returns;
  for (int64_t day = ctx_.uz.DayOf(after);; ++day) {
    if (!r.weekdays[size_t(Weekday(day) - 1)]) continue;
    for (int time : r.departures) {
      const Time at = ctx_.uz.At(day, time);
      if (at > after) return at;
    }
  }
}

void Returns::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  switch (What(payload >> 32)) {
    case kAtExchange: {
      ItemRecord& item = ctx_.items[i];
      ctx_.Emit(i, core::EventCode::kEMB, sim.now(), ctx_.Code(ctx_.exchange));
      item.at = ctx_.exchange;
      waiting_[item.op][size_t(item.mail_class)].push_back(i);
      ++counts_.at_exchange;
      break;
    }
    case kDeparture:
      Depart();
      sim.Schedule(NextDeparture(sim.now()), this, Payload(kDeparture, 0));
      break;
    case kAtTransit: {  // the way in backwards: a quarter of transit_hours there, then on
      const OperatorFlow& flow = ctx_.OperatorOf(i);
      const Time dwell = Time(flow.transit_hours * kHour / 4);
      ctx_.Emit(i, core::EventCode::kEMJ, sim.now(), flow.transit_office);
      ctx_.Emit(i, core::EventCode::kEMK, sim.now() + dwell, flow.transit_office);
      sim.Schedule(sim.now() + dwell + Time((flow.transit_hours / 4 + flow.flight_hours) * kHour), this,
                   Payload(kHome, i));
      break;
    }
    case kHome: {
      const OperatorFlow& flow = ctx_.OperatorOf(i);
      ctx_.Emit(i, core::EventCode::kEMD, sim.now(), flow.office_of_exchange);
      ++counts_.home;
      const auto it = returned_at_.find(i);
      days_.push_back(float(double(sim.now() - it->second) / kDay));
      returned_at_.erase(it);
      break;
    }
  }
}

void Returns::Depart() {
  const Scenario::Dispatching& d = ctx_.s.dispatching;
  const uint32_t max_g = uint32_t(d.receptacle_max_kg * 1000), tare_g = uint32_t(d.receptacle_tare_kg * 1000);
  const Time now = ctx_.sim.now();
  for (uint32_t op = 0; op < waiting_.size(); ++op) {
    const OperatorFlow& flow = ctx_.s.operators[op];
    // Straight home, or half of transit_hours to the transit office.
    const bool transit = !flow.transit_office.empty();
    const Time leg = transit ? Time(flow.transit_hours * kHour / 2) : Time(flow.flight_hours * kHour);
    for (size_t series = 0; series < core::kMailClassCount; ++series) {
      std::vector<uint32_t>& items = waiting_[op][series];
      if (items.empty()) continue;
      // Bags filled in arrival order up to the maximum gross weight.
      std::vector<uint32_t> bags;
      for (uint32_t i : items) {
        const uint32_t grams = ctx_.items[i].weight_g;
        if (bags.empty() || ctx_.receptacles[bags.back()].gross_g + grams > max_g) {
          bags.push_back(uint32_t(ctx_.receptacles.size()));
          ctx_.receptacles.push_back(ReceptacleRecord{{}, tare_g, uint8_t(op), false});
        }
        ReceptacleRecord& bag = ctx_.receptacles[bags.back()];
        bag.items.push_back(i);
        bag.gross_g += grams;
        bag.registered |= ctx_.items[i].registered;
      }
      const Dispatch dispatch = MakeDispatch(ctx_, ctx_.Code(ctx_.exchange), flow.office_of_exchange,
                                             core::MailClass(series), bags);
      if (ctx_.sink) ctx_.sink->Declare(dispatch);
      ++counts_.dispatches;
      for (uint32_t i : items) {
        ctx_.Emit(i, core::EventCode::kEMC, now, ctx_.Code(ctx_.exchange));
        ctx_.sim.Schedule(now + leg, this, Payload(transit ? kAtTransit : kHome, i));
      }
      counts_.dispatched += items.size();
      items.clear();
    }
  }
}

const RunSummary::ReturnCounts& Returns::counts() {
  if (!days_.empty()) {
    const auto middle = days_.begin() + ptrdiff_t(days_.size() / 2);
    std::nth_element(days_.begin(), middle, days_.end());
    counts_.days_p50 = *middle;
  }
  return counts_;
}

}  // namespace pochta::sim::internal
