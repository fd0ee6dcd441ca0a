#include "sim/postal/internal/linehaul.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

enum What : uint32_t {
  kArrive,      // a transport reached the link's end
  kHubDone,     // sorting centre handling finished
  kRetryRoute,  // no open route: try again
  kClosure,     // lower: closure index * 2 + (1 close, 0 reopen)
};

}  // namespace

LineHaul::LineHaul(Context& ctx, Delivery& delivery)
    : ctx_(ctx),
      delivery_(delivery),
      planner_(ctx.network),
      router_(planner_.router()),
      links_(ctx.network.links().size()),
      by_facility_(ctx.network.facilities().size()) {
  for (uint32_t f = 0; f < ctx.network.facilities().size(); ++f) {
    if (ctx.network.facilities()[f].kind != core::FacilityKind::kDeliveryOffice) hubs_.push_back(f);
  }
  last_count_.resize(hubs_.size());
  handling_.assign(ctx.network.facilities().size(), Time(ctx.s.hub_processing_hours * kHour));
  for (const auto& [code, hours] : ctx.s.hub_processing) {
    if (const std::optional<core::FacilityId> f = ctx.network.Find(code)) handling_[f->value()] = Time(hours * kHour);
  }
}

void LineHaul::ScheduleClosures() {
  for (size_t c = 0; c < ctx_.s.closures.size(); ++c) {
    const Time at = ctx_.start + Time(ctx_.s.closures[c].start_day * kDay);
    ctx_.sim.Schedule(at, this, Payload(kClosure, uint32_t(c * 2 + 1)));
    ctx_.sim.Schedule(at + Time(ctx_.s.closures[c].days * kDay), this, Payload(kClosure, uint32_t(c * 2)));
  }
}

void LineHaul::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  switch (What(payload >> 32)) {
    case kArrive: Arrive(i); break;
    case kHubDone:
      ctx_.Emit(i, core::EventCode::kEDE, sim.now(), ctx_.Code(ctx_.items[i].at));
      Forward(i);
      break;
    case kRetryRoute: Forward(i); break;
    case kClosure: Closure(i / 2, i % 2 == 1); break;
  }
}

ScheduledTransport& LineHaul::Transport(uint32_t link) {
  std::unique_ptr<ScheduledTransport>& t = links_[link];
  if (!t) {
    const Scenario& s = ctx_.s;
    const core::Link& l = ctx_.network.links()[link];
    const bool air = l.mode == core::TransportMode::kAir;
    const bool van = l.mode == core::TransportMode::kVan;
    const std::vector<int>& times = air ? s.air_departures : van ? s.van_departures : s.truck_departures;
    std::function<void(uint64_t)> departed;
    if (l.from.value() == ctx_.exchange) {  // scanned out of the office of exchange as it leaves
      departed = [this](uint64_t payload) {
        ctx_.Emit(uint32_t(payload), core::EventCode::kEMF, ctx_.sim.now(), ctx_.Code(ctx_.exchange));
      };
    }
    t = std::make_unique<ScheduledTransport>(ctx_.sim,
                                             TransportTimetable{std::vector<Time>(times.begin(), times.end()),
                                                                air   ? s.air_capacity
                                                                : van ? s.van_capacity
                                                                      : s.truck_capacity,
                                                                Time(l.minutes) * 60, kDay, &ctx_.uz},
                                             this, std::move(departed));
    std::vector<ScheduledTransport*>& from = by_facility_[l.from.value()].transports;
    if (from.empty()) departing_.push_back(l.from.value());
    from.push_back(t.get());
  }
  return *t;
}

void LineHaul::Forward(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const core::RouteDecision d = router_.RouteTo(core::FacilityId(item.at), core::FacilityId(item.office));
  if (d.outcome == core::RouteOutcome::kUnreachable) {
    ctx_.sim.Schedule(ctx_.sim.now() + 6 * kHour, this, Payload(kRetryRoute, i));  // wait for a reopening
    return;
  }
  if (d.outcome == core::RouteOutcome::kArrived) {
    delivery_.Arrive(i);
    return;
  }
  item.link = d.next.value();
  Transport(item.link).Board(Payload(kArrive, i));
}

void LineHaul::Resume(uint32_t i, const core::TrackingEvent& e, uint32_t at) {
  ItemRecord& item = ctx_.items[i];
  const Time now = ctx_.sim.now(), since = ToTime(e.time);
  item.at = at;
  if (e.code == core::EventCode::kEDD) {
    ctx_.sim.Schedule(std::max(now, since + handling_[at]), this, Payload(kHubDone, i));
    return;
  }
  const core::RouteDecision d = router_.RouteTo(core::FacilityId(at), core::FacilityId(item.office));
  if (d.outcome != core::RouteOutcome::kForward) {
    Forward(i);
    return;
  }
  item.link = d.next.value();
  ScheduledTransport& transport = Transport(item.link);
  // EMF is scanned as the transport leaves; EDE before it does.
  const bool scanned_out = e.code == core::EventCode::kEMF;
  const Time left = scanned_out ? since : transport.NextDeparture(since);
  if (!scanned_out && left >= now) {
    transport.Board(Payload(kArrive, i));
  } else {
    ctx_.sim.Schedule(std::max(now, left + Time(ctx_.network.links()[item.link].minutes) * 60), this,
                      Payload(kArrive, i));
  }
}

void LineHaul::Arrive(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const core::Link& l = ctx_.network.links()[item.link];
  const Time now = ctx_.sim.now();
  item.at = l.to.value();
  const core::FacilityKind kind = ctx_.network.facilities()[item.at].kind;
  if (kind == core::FacilityKind::kSortingCentre) {
    ctx_.Emit(i, core::EventCode::kEDD, now, ctx_.Code(item.at));
    ctx_.sim.Schedule(now + handling_[item.at], this, Payload(kHubDone, i));
  } else if (item.at == item.office) {
    delivery_.Arrive(i);
  } else {
    Forward(i);  // a district head office on the way to a branch
  }
}

void LineHaul::Closure(size_t c, bool close) {
  const Scenario::Closure& closure = ctx_.s.closures[c];
  const std::optional<core::FacilityId> a = ctx_.network.Find(closure.from);
  const std::optional<core::FacilityId> b = ctx_.network.Find(closure.to);
  if (!a || !b) return;  // validated before the run
  const std::vector<core::LinkId> links = ctx_.network.LinksBetween(*a, *b);
  if (close) {
    planner_.CloseLinks(links);
  } else {
    planner_.ReopenLinks(links);
  }
  router_ = planner_.router();
  if (!close) return;
  // Items waiting for a closed link's next departure are sent another way;
  // those already on the road go on.
  for (core::LinkId link : links) {
    if (!links_[link.value()]) continue;
    for (uint64_t payload : links_[link.value()]->TakeWaiting()) Forward(uint32_t(payload));
  }
}

void LineHaul::Names(std::vector<std::string>& out) const {
  for (uint32_t f : hubs_) out.push_back(ctx_.Code(f));
}

void LineHaul::SampleHour(std::vector<FacilityHour>& out) {
  for (size_t k = 0; k < hubs_.size(); ++k) {
    size_t waiting = 0;
    uint64_t carried = 0;
    for (const ScheduledTransport* t : by_facility_[hubs_[k]].transports) {
      waiting += t->waiting();
      carried += t->carried();
    }
    out.push_back({waiting, carried - last_count_[k], 0});
    last_count_[k] = carried;
  }
  for (uint32_t f : departing_) {
    Departures& d = by_facility_[f];
    size_t waiting = 0;
    for (const ScheduledTransport* t : d.transports) waiting += t->waiting();
    d.peak = std::max(d.peak, waiting);
  }
}

void LineHaul::Report(std::vector<FacilityLoad>& out) const {
  std::vector<std::pair<size_t, uint32_t>> peaks;
  for (uint32_t f : departing_) peaks.emplace_back(by_facility_[f].peak, f);
  std::sort(peaks.rbegin(), peaks.rend());
  for (size_t k = 0; k < peaks.size() && k < 8; ++k) {
    out.push_back({"waiting for line-haul at " + ctx_.Code(peaks[k].second), peaks[k].first, 0});
  }
}

}  // namespace pochta::sim::internal
