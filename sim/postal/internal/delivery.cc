#include "sim/postal/internal/delivery.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

enum What : uint32_t { kReceived, kRound, kDelivered, kCollected, kReturnAfterHold };

constexpr Time kLongestRound = 6 * kHour;  // ParseScenario keeps rounds within office hours

}  // namespace

Delivery::Delivery(Context& ctx, Statistics& statistics, Returns& returns)
    : ctx_(ctx), statistics_(statistics), returns_(returns), rng_(ctx.streams.Stream("delivery")) {}

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
  const Time now = ctx_.sim.now();
  const ItemRecord& item = ctx_.items[i];
  ctx_.Emit(i, core::EventCode::kEMG, now, ctx_.Code(item.office));
  if (rng_.Chance(ctx_.s.home_delivery[size_t(item.mail_class)])) {
    ctx_.sim.Schedule(NextRound(now), this, Payload(kRound, i));
    return;
  }
  ctx_.Emit(i, core::EventCode::kEDH, now + 60, ctx_.Code(item.office));  // the notice
  AwaitCollection(i, now + 60);
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
  }
}

void Delivery::Round(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const std::string& office = ctx_.Code(item.office);
  const Scenario& s = ctx_.s;
  const Time now = ctx_.sim.now();
  ctx_.Emit(i, core::EventCode::kEDG, now, office);
  const Time done = now + kHour + Time(rng_.Below(kLongestRound - kHour));
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
  AwaitCollection(i, done + 60);
}

void Delivery::AwaitCollection(uint32_t i, Time since) {
  const Scenario& s = ctx_.s;
  const int64_t first = ctx_.uz.DayOf(since);
  const double days = rng_.Exponential(s.collection_days);
  if (rng_.Chance(s.collection_share) && days < s.holding_days) {
    // On that day of the holding period, at a time the office is open.
    const int open_seconds = s.office_close - s.office_open;
    const Time at = ctx_.uz.At(first + int64_t(days), s.office_open + int(rng_.Below(uint64_t(open_seconds))));
    ctx_.sim.Schedule(ctx_.NextOpen(std::max(at, since + 60)), this, Payload(kCollected, i));
  } else {
    ctx_.sim.Schedule(ctx_.NextOpen(ctx_.uz.Midnight(first + s.holding_days)), this, Payload(kReturnAfterHold, i));
  }
}

}  // namespace pochta::sim::internal
