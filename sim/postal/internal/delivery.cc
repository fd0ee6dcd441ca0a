#include "sim/postal/internal/delivery.h"

namespace pochta::sim::internal {
namespace {

enum What : uint32_t { kRound, kDelivered, kReturnAfterHold };

}  // namespace

Delivery::Delivery(Context& ctx, Statistics& statistics)
    : ctx_(ctx), statistics_(statistics), rng_(ctx.streams.Stream("delivery")) {}

void Delivery::Arrive(uint32_t i) {
  ctx_.Emit(i, core::EventCode::kEMG, ctx_.sim.now(), ctx_.Code(ctx_.items[i].office));
  ctx_.sim.Schedule(NextRound(ctx_.sim.now()), this, Payload(kRound, i));
}

void Delivery::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  switch (What(payload >> 32)) {
    case kRound: Round(i); break;
    case kDelivered:
      ctx_.Emit(i, core::EventCode::kEMI, sim.now(), ctx_.Code(ctx_.items[i].office));
      statistics_.Finish(i, true);
      break;
    case kReturnAfterHold:
      ctx_.Emit(i, core::EventCode::kEMH, sim.now(), ctx_.Code(ctx_.items[i].office),
                core::NonDeliveryMeasure::kReturnToSender);
      statistics_.Finish(i, false);
      break;
  }
}

Time Delivery::NextRound(Time t) const {
  const Time today = t / kDay * kDay + ctx_.s.delivery_hour * kHour;
  return t <= today ? today : today + kDay;
}

void Delivery::Round(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const std::string& office = ctx_.Code(item.office);
  const Scenario& s = ctx_.s;
  const Time now = ctx_.sim.now();
  ctx_.Emit(i, core::EventCode::kEDG, now, office);
  const Time done = now + kHour + Time(rng_.Below(5 * kHour));
  if (rng_.Chance(s.delivery_success)) {
    ctx_.sim.Schedule(done, this, Payload(kDelivered, i));
    return;
  }
  if (++item.attempts < s.delivery_attempts) {
    ctx_.Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kRedeliver);
    ctx_.sim.Schedule(NextRound(done), this, Payload(kRound, i));
    return;
  }
  ctx_.Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kHoldForCollection);
  ctx_.Emit(i, core::EventCode::kEDH, done + 60, office);
  const Time hold = Time(s.holding_days) * kDay;
  if (rng_.Chance(s.collection_share)) {
    ctx_.sim.Schedule(done + 60 + Time(rng_.Below(uint64_t(hold))), this, Payload(kDelivered, i));
  } else {
    ctx_.sim.Schedule(done + 60 + hold, this, Payload(kReturnAfterHold, i));
  }
}

}  // namespace pochta::sim::internal
