#include "sim/postal/internal/inward.h"

#include <algorithm>

#include "sim/postal/internal/contents.h"

namespace pochta::sim::internal {
namespace {

constexpr int kStageServers = 20;  // scanning and sorting lines

enum What : uint32_t {
  kScanStart,  // a scanning line took the item
  kScanDone,
  kInspectionStart,  // an officer took a red item
  kInspected,        // the officer is done; the hold for documents starts
  kCleared,          // customs has no more objection
  kDutyPaid,
  kUnpaidReturn,  // the holding period ended without payment
  kSortStart,
  kSortDone,
  kShift,  // lower: 1 shift starts, 0 it ends
};

enum Channel : int { kGreen, kYellow, kRed };

// Service time of one item on one of the stage's lines.
Time StageTime(int per_hour) { return std::max<Time>(1, Time(kHour) * kStageServers / per_hour); }

}  // namespace

Inward::Inward(Context& ctx, LineHaul& linehaul, Statistics& statistics, Returns& returns)
    : ctx_(ctx),
      linehaul_(linehaul),
      statistics_(statistics),
      returns_(returns),
      scan_(ctx.sim, 0),
      customs_(ctx.sim, ctx.s.customs.officers),
      sort_(ctx.sim, 0),
      rng_(ctx.streams.Stream("customs")) {}

void Inward::Open(uint32_t r) {
  for (uint32_t i : ctx_.receptacles[r].items) {
    ctx_.Emit(i, core::EventCode::kEMD, ctx_.sim.now(), ctx_.Code(ctx_.exchange));
    ctx_.items[i].at = ctx_.exchange;
    scan_.Request(this, Payload(kScanStart, i));
  }
}

void Inward::ScheduleShifts(int64_t day) {
  const Time start = ctx_.uz.At(day, ctx_.s.shift_start_hour * 3600);
  const Time end = ctx_.uz.At(day, ctx_.s.shift_end_hour * 3600);
  if (start >= ctx_.sim.now()) ctx_.sim.Schedule(start, this, Payload(kShift, 1));
  if (end >= ctx_.sim.now()) ctx_.sim.Schedule(end, this, Payload(kShift, 0));
}

void Inward::Start() {
  const int second = ctx_.uz.SecondOfDay(ctx_.sim.now());
  if (second > ctx_.s.shift_start_hour * 3600 && second < ctx_.s.shift_end_hour * 3600) {
    OnEvent(ctx_.sim, Payload(kShift, 1));
  }
}

void Inward::Resume(uint32_t i, const core::TrackingEvent& e) {
  const Scenario::Customs& c = ctx_.s.customs;
  const Time now = ctx_.sim.now(), since = ToTime(e.time);
  const double elapsed = double(std::max<Time>(0, now - since));
  ctx_.items[i].at = ctx_.exchange;
  // What is left of a log-normal hold of `mean` seconds that has lasted until now.
  const auto hold = [&](double mean, What then) {
    ctx_.sim.Schedule(std::max(now, since + Time(rng_.LogNormalAbove(mean, 0.8, elapsed))), this, Payload(then, i));
  };
  switch (e.code) {
    case core::EventCode::kEDC: sort_.Request(this, Payload(kSortStart, i)); return;
    case core::EventCode::kEDB:
    case core::EventCode::kEME: break;
    default: scan_.Request(this, Payload(kScanStart, i)); return;  // EMD, EDA
  }
  peak_in_customs_ = std::max(peak_in_customs_, ++in_customs_);
  if (e.code == core::EventCode::kEDB) {  // presented, no hold: the green channel
    ctx_.sim.Schedule(now + 1 + Time(rng_.Exponential(c.green_minutes * 60)), this, Payload(kCleared, i));
    return;
  }
  switch (e.reason) {
    case core::EventReason::kInspection:
      // Waiting for an officer, unless held longer than the wait ever is
      // before a stage starts: inspected, then held for documents.
      if (elapsed < kHour) {
        customs_.Request(this, Payload(kInspectionStart, i));
      } else {
        hold(c.red_hold_hours * kHour, kCleared);
      }
      break;
    case core::EventReason::kDutyPayment: {
      // Of the addressees who have not paid yet, those who never will.
      const double paying = (1 - c.unpaid_share) * LogNormalSurvival(c.duty_days * kDay, 0.8, elapsed);
      if (rng_.Chance(c.unpaid_share / (c.unpaid_share + paying))) {
        ctx_.sim.Schedule(std::max(now, since + Time(ctx_.s.holding_days) * kDay), this, Payload(kUnpaidReturn, i));
      } else {
        hold(c.duty_days * kDay, kDutyPaid);
      }
      break;
    }
    default: hold(c.yellow_hours * kHour, kCleared); break;  // documents checked
  }
}

void Inward::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  const Scenario::Customs& c = ctx_.s.customs;
  switch (What(payload >> 32)) {
    case kScanStart:
      sim.Schedule(sim.now() + StageTime(ctx_.s.scan_per_hour), this, Payload(kScanDone, i));
      break;
    case kScanDone:
      scan_.Release();
      Present(i);
      break;
    case kInspectionStart:
      sim.Schedule(sim.now() + 1 + Time(rng_.Exponential(c.inspection_minutes * 60)), this, Payload(kInspected, i));
      break;
    case kInspected:
      customs_.Release();
      if (rng_.Chance(c.refusal_share)) {
        ++counts_.refused;
        Refuse(i, core::EventReason::kProhibited);
        break;
      }
      sim.Schedule(sim.now() + Time(rng_.LogNormal(c.red_hold_hours * kHour, 0.8)), this, Payload(kCleared, i));
      break;
    case kCleared:
      if (ctx_.items[i].value_cents <= c.duty_free_usd * 100) {
        Release(i);
        break;
      }
      // Held until the addressee pays.
      ctx_.Emit(i, core::EventCode::kEME, sim.now(), ctx_.Code(ctx_.exchange), core::NonDeliveryMeasure::kNone,
                core::EventReason::kDutyPayment);
      if (rng_.Chance(c.unpaid_share)) {
        ++counts_.unpaid;
        sim.Schedule(sim.now() + Time(ctx_.s.holding_days) * kDay, this, Payload(kUnpaidReturn, i));
      } else {
        sim.Schedule(sim.now() + Time(rng_.LogNormal(c.duty_days * kDay, 0.8)), this, Payload(kDutyPaid, i));
      }
      break;
    case kDutyPaid: Release(i); break;
    case kUnpaidReturn: Refuse(i, core::EventReason::kDutyUnpaid); break;
    case kSortStart:
      sim.Schedule(sim.now() + StageTime(ctx_.s.sort_per_hour), this, Payload(kSortDone, i));
      break;
    case kSortDone:
      sort_.Release();
      linehaul_.Forward(i);
      break;
    case kShift:
      scan_.SetCapacity(i == 1 ? kStageServers : 0);
      sort_.SetCapacity(i == 1 ? kStageServers : 0);
      break;
  }
}

void Inward::Present(uint32_t i) {
  const Scenario::Customs& c = ctx_.s.customs;
  const Time now = ctx_.sim.now();
  const std::string& office = ctx_.Code(ctx_.exchange);
  ctx_.Emit(i, core::EventCode::kEDB, now, office);
  peak_in_customs_ = std::max(peak_in_customs_, ++in_customs_);
  ++counts_.presented;
  counts_.dutiable += ctx_.items[i].value_cents > c.duty_free_usd * 100;
  // Documents are released on sight; goods go to a channel by risk.
  const double u = ctx_.items[i].contents == kDocuments ? 0 : rng_.Uniform();
  const Channel channel = u < c.channels[kGreen] ? kGreen : u < c.channels[kGreen] + c.channels[kYellow] ? kYellow : kRed;
  switch (channel) {
    case kGreen:
      ++counts_.green;
      ctx_.sim.Schedule(now + 1 + Time(rng_.Exponential(c.green_minutes * 60)), this, Payload(kCleared, i));
      break;
    case kYellow:
      ++counts_.yellow;
      ctx_.Emit(i, core::EventCode::kEME, now, office, core::NonDeliveryMeasure::kNone, core::EventReason::kDocuments);
      ctx_.sim.Schedule(now + Time(rng_.LogNormal(c.yellow_hours * kHour, 0.8)), this, Payload(kCleared, i));
      break;
    case kRed:
      ++counts_.red;
      ctx_.Emit(i, core::EventCode::kEME, now, office, core::NonDeliveryMeasure::kNone, core::EventReason::kInspection);
      customs_.Request(this, Payload(kInspectionStart, i));
      break;
  }
}

void Inward::Release(uint32_t i) {
  --in_customs_;
  ++left_customs_;
  ctx_.Emit(i, core::EventCode::kEDC, ctx_.sim.now(), ctx_.Code(ctx_.exchange));
  sort_.Request(this, Payload(kSortStart, i));
}

void Inward::Refuse(uint32_t i, core::EventReason reason) {
  --in_customs_;
  ++left_customs_;
  const std::string& office = ctx_.Code(ctx_.exchange);
  ctx_.Emit(i, core::EventCode::kEDX, ctx_.sim.now(), office, core::NonDeliveryMeasure::kNone, reason);
  // Not delivered, and going back: the store derives "returned", as the
  // summary counts it.
  ctx_.Emit(i, core::EventCode::kEMH, ctx_.sim.now() + 1, office, core::NonDeliveryMeasure::kReturnToSender, reason);
  statistics_.Finish(i, false);
  returns_.Send(i, true);
}

void Inward::Names(std::vector<std::string>& out) const {
  const std::string& office = ctx_.Code(ctx_.exchange);
  for (const char* stage : {" arrival scan", " in customs, all channels", " customs inspection", " sorting"}) {
    out.push_back(office + stage);
  }
}

void Inward::SampleHour(std::vector<FacilityHour>& out) {
  const Resource* stages[] = {&scan_, &customs_, &sort_};
  for (size_t k = 0; k < 3; ++k) {
    if (k == 1) {
      out.push_back({size_t(in_customs_), left_customs_ - left_customs_sampled_, 0});
      left_customs_sampled_ = left_customs_;
    }
    const Resource& r = *stages[k];
    Last& last = last_[k];
    const double capacity = r.CapacityArea() - last.capacity_area;
    out.push_back({r.queued() + size_t(r.busy()), r.served() - last.count,
                   capacity > 0 ? (r.BusyArea() - last.busy_area) / capacity : 0, capacity / kHour});
    last = {r.served(), r.BusyArea(), r.CapacityArea()};
  }
}

void Inward::Report(std::vector<FacilityLoad>& out) const {
  std::vector<std::string> names;
  Names(names);
  out.push_back({names[0], scan_.max_queued(), scan_.Utilisation()});
  out.push_back({names[1], size_t(peak_in_customs_), 0});
  out.push_back({names[2], customs_.max_queued(), customs_.Utilisation()});
  out.push_back({names[3], sort_.max_queued(), sort_.Utilisation()});
}

}  // namespace pochta::sim::internal
