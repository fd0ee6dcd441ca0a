#include "sim/postal/internal/delivery.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

enum What : uint32_t {
  kReceived,
  kRound,
  kDelivered,
  kCollected,
  kReturnAfterHold,
  kPickupRound,
  kAtPickup,
  kCollectedAtPickup,
  kPickupExpired
};

constexpr Time kLongestRound = 6 * kHour;  // ParseScenario keeps rounds within office hours
// The van's way to a pickup point, the longest; and what is taken back reaches the office this much after the round.
constexpr Time kToPickup = 3 * kHour;
constexpr Time kBackFromPickup = 4 * kHour;

}  // namespace

Delivery::Delivery(Context& ctx, Statistics& statistics, Returns& returns)
    : ctx_(ctx),
      statistics_(statistics),
      returns_(returns),
      rng_(ctx.streams.Stream("delivery")),
      occupied_(ctx.network.pickup_points().size()),
      was_full_(ctx.network.pickup_points().size()) {}

RunSummary::PickupCounts Delivery::pickup() const {
  RunSummary::PickupCounts counts = pickup_;
  counts.points_full = uint64_t(std::count(was_full_.begin(), was_full_.end(), true));
  return counts;
}

Time Delivery::NextRound(Time t) const {
  for (int64_t day = ctx_.uz.DayOf(t);; ++day) {
    if (!ctx_.WorkingDay(day)) continue;
    const Time round = ctx_.uz.At(day, ctx_.s.delivery_hour * 3600);
    if (round >= t) return round;
  }
}

void Delivery::Arrive(uint32_t i) {
  const Time open = ctx_.NextOpen(ctx_.sim.now());
  if (open == ctx_.sim.now()) {
    Received(i);
  } else {
    ctx_.sim.Schedule(open, this, Payload(kReceived, i));
  }
}

void Delivery::Received(uint32_t i) {
  ctx_.Emit(i, core::EventCode::kEMG, ctx_.sim.now(), ctx_.Code(ctx_.items[i].office));
  Decide(i, true);
}

void Delivery::Decide(uint32_t i, bool counter) {
  const Time now = ctx_.sim.now();
  const ItemRecord& item = ctx_.items[i];
  // No draw where no item goes to a pickup point, so runs without them stay as they were.
  const std::span<const core::PickupPointId> points = ctx_.network.PickupPointsOf(core::FacilityId(item.office));
  const double pickup_share = ctx_.s.pickup_share[size_t(item.mail_class)];
  if (!points.empty() && pickup_share > 0 && rng_.Chance(pickup_share)) {
    ++pickup_.addressed;
    pickup_of_.emplace(i, points[rng_.Below(points.size())]);
    ctx_.sim.Schedule(NextRound(now), this, Payload(kPickupRound, i));
    return;
  }
  if (rng_.Chance(ctx_.s.home_delivery[size_t(item.mail_class)]) || !counter) {
    ctx_.sim.Schedule(NextRound(now), this, Payload(kRound, i));
    return;
  }
  ctx_.Emit(i, core::EventCode::kEDH, now + 60, ctx_.Code(item.office));  // the notice
  AwaitCollection(i, now + 60, ctx_.s.holding_days);
}

void Delivery::Resume(uint32_t i, const core::TrackingEvent& e) {
  const Time now = ctx_.sim.now(), since = ToTime(e.time);
  switch (e.code) {
    case core::EventCode::kEMG: Decide(i, now - since <= 60); return;  // the notice follows within a minute
    case core::EventCode::kEDG:  // out on a round: it ends after what is left of it
      Attempt(i, std::max(now, since + kHour + Time(rng_.Below(kLongestRound - kHour))));
      return;
    case core::EventCode::kEMH:
      if (e.measure == core::NonDeliveryMeasure::kRedeliver) {
        ctx_.items[i].attempts = 1;
        ctx_.sim.Schedule(NextRound(std::max(now, since)), this, Payload(kRound, i));
      } else {  // held for collection: the notice follows
        AwaitCollection(i, since + 60, ctx_.s.holding_days);
      }
      return;
    default: break;  // EDH, EDF: waiting for the addressee
  }
  for (const core::PickupPointId p : ctx_.network.PickupPointsOf(core::FacilityId(ctx_.items[i].office))) {
    if (ctx_.network.pickup_point(p).code != e.office) continue;
    pickup_of_.emplace(i, p);
    ++occupied_[p.value()];
    AwaitAtPickup(i, since);
    return;
  }
  AwaitCollection(i, since, ctx_.s.holding_days);
}

void Delivery::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  switch (What(payload >> 32)) {
    case kReceived: Received(i); break;
    case kRound: Round(i); break;
    case kDelivered:
    case kCollected:
      ctx_.Emit(i, core::EventCode::kEMI, sim.now(), ctx_.Code(ctx_.items[i].office));
      ++(What(payload >> 32) == kDelivered ? door_ : collected_);
      statistics_.Finish(i, true);
      break;
    case kReturnAfterHold:
      ++uncollected_;
      ctx_.Emit(i, core::EventCode::kEMH, sim.now(), ctx_.Code(ctx_.items[i].office),
                core::NonDeliveryMeasure::kReturnToSender, core::EventReason::kUnclaimed);
      statistics_.Finish(i, false);
      returns_.Send(i, false);
      break;
    case kPickupRound: ToPickup(i); break;
    case kAtPickup: AtPickup(i); break;
    case kCollectedAtPickup: LeavePickup(i, true); break;
    case kPickupExpired: LeavePickup(i, false); break;
  }
}

void Delivery::ToPickup(uint32_t i) {
  const Time now = ctx_.sim.now();
  const std::string& office = ctx_.Code(ctx_.items[i].office);
  const core::PickupPointId p = pickup_of_.at(i);
  if (occupied_[p.value()] >= ctx_.network.pickup_point(p).capacity) {
    ++pickup_.full;
    was_full_[p.value()] = true;
    pickup_of_.erase(i);
    ctx_.Emit(i, core::EventCode::kEDH, now, office);  // a notice: collect it at the counter
    AwaitCollection(i, now, ctx_.s.holding_days);
    return;
  }
  ++occupied_[p.value()];
  ctx_.Emit(i, core::EventCode::kEDG, now, office);
  ctx_.sim.Schedule(now + 30 * 60 + Time(rng_.Below(kToPickup - 30 * 60)), this, Payload(kAtPickup, i));
}

void Delivery::AtPickup(uint32_t i) {
  ++pickup_.left;
  const std::string& point = ctx_.network.pickup_point(pickup_of_.at(i)).code;
  ctx_.Emit(i, core::EventCode::kEDH, ctx_.sim.now(), point);  // and the addressee gets a code by SMS
  AwaitAtPickup(i, ctx_.sim.now());
}

void Delivery::AwaitAtPickup(uint32_t i, Time since) {
  const Scenario& s = ctx_.s;
  const core::PickupPoint& point = ctx_.network.pickup_point(pickup_of_.at(i));
  // Placed by a forecast, the addressee has not come while the point was
  // open: a locker always is, a counter by the offices' hours.
  const Time open_until = point.kind == core::PickupKind::kLocker ? ctx_.sim.now() : ctx_.LastOpen(ctx_.sim.now());
  const auto [days, collects] =
      Collection(double(std::max<Time>(0, open_until - since)) / kDay, s.pickup_collection_days);
  if (collects && days < s.pickup_holding_days) {
    const Time at = std::max(ctx_.sim.now(), since + std::max<Time>(60, Time(days * double(kDay))));
    ctx_.sim.Schedule(point.kind == core::PickupKind::kLocker ? at : ctx_.NextOpen(at), this,
                      Payload(kCollectedAtPickup, i));
  } else {
    ctx_.sim.Schedule(NextRound(std::max(ctx_.sim.now(), since + Time(s.pickup_holding_days) * kDay)), this,
                      Payload(kPickupExpired, i));
  }
}

void Delivery::LeavePickup(uint32_t i, bool collected) {
  const Time now = ctx_.sim.now();
  const core::PickupPointId p = pickup_of_.at(i);
  const std::string& point = ctx_.network.pickup_point(p).code;
  --occupied_[p.value()];
  pickup_of_.erase(i);
  if (collected) {
    ++pickup_.collected;
    ctx_.Emit(i, core::EventCode::kEMI, now, point);
    statistics_.Finish(i, true);
    return;
  }
  ++pickup_.taken_back;
  ctx_.Emit(i, core::EventCode::kEMH, now + 30 * 60, point, core::NonDeliveryMeasure::kHoldForCollection,
            core::EventReason::kUnclaimed);
  const Time back = now + kBackFromPickup;
  ctx_.Emit(i, core::EventCode::kEDH, back, ctx_.Code(ctx_.items[i].office));
  AwaitCollection(i, back, ctx_.s.holding_days - ctx_.s.pickup_holding_days);
}

void Delivery::Round(uint32_t i) {
  const Time now = ctx_.sim.now();
  ctx_.Emit(i, core::EventCode::kEDG, now, ctx_.Code(ctx_.items[i].office));
  Attempt(i, now + kHour + Time(rng_.Below(kLongestRound - kHour)));
}

void Delivery::Attempt(uint32_t i, Time done) {
  ItemRecord& item = ctx_.items[i];
  const std::string& office = ctx_.Code(item.office);
  const Scenario& s = ctx_.s;
  if (rng_.Chance(s.delivery_success)) {
    ctx_.sim.Schedule(done, this, Payload(kDelivered, i));
    return;
  }
  if (++item.attempts < s.delivery_attempts) {
    ctx_.Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kRedeliver,
              core::EventReason::kAddresseeAbsent);
    ctx_.sim.Schedule(NextRound(done), this, Payload(kRound, i));
    return;
  }
  ctx_.Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kHoldForCollection,
            core::EventReason::kAddresseeAbsent);
  ctx_.Emit(i, core::EventCode::kEDH, done + 60, office);
  AwaitCollection(i, done + 60, s.holding_days);
}

std::pair<double, bool> Delivery::Collection(double waited, double mean_days) {
  double days = rng_.Exponential(mean_days);
  double share = ctx_.s.collection_share;
  if (waited > 0) {
    // Of the addressees who have not come in `waited` days, the share who
    // will; the wait is memoryless.
    const double coming = share * std::exp(-waited / mean_days);
    share = coming / (coming + 1 - share);
    days += waited;
  }
  return {days, rng_.Chance(share)};
}

void Delivery::AwaitCollection(uint32_t i, Time since, int holding_days) {
  const Scenario& s = ctx_.s;
  // Collected on a day of the wait (below): placed by a forecast, the
  // addressee has not come on the working days gone by. One who chose a day
  // the office was shut comes when it opens, so those days are still ahead.
  const int64_t first = ctx_.uz.DayOf(since);
  int64_t waited = 0;
  if (ctx_.sim.now() > since) {
    for (int64_t day = ctx_.uz.DayOf(ctx_.sim.now()) - 1; day >= first; --day) {
      if (ctx_.WorkingDay(day)) {
        waited = day + 1 - first;
        break;
      }
    }
  }
  const auto [days, collects] = Collection(double(waited), s.collection_days);
  if (collects && days < holding_days) {
    // On that day of the holding period, at a time the office is open.
    const int open_seconds = s.office_close - s.office_open;
    const Time at = ctx_.uz.At(first + int64_t(days), s.office_open + int(rng_.Below(uint64_t(open_seconds))));
    ctx_.sim.Schedule(ctx_.NextOpen(std::max({at, since + 60, ctx_.sim.now()})), this, Payload(kCollected, i));
  } else {
    ctx_.sim.Schedule(ctx_.NextOpen(std::max(ctx_.sim.now(), ctx_.uz.Midnight(first + holding_days))), this,
                      Payload(kReturnAfterHold, i));
  }
}

}  // namespace pochta::sim::internal
