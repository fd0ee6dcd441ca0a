#include "sim/postal/internal/inward.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

constexpr int kStageServers = 20;  // scanning and sorting lines

enum What : uint32_t {
  kScanStart,  // a scanning line took the item
  kScanDone,
  kCustomsStart,  // an officer took the item
  kInspected,     // the officer is done; the hold starts
  kCustomsDone,   // the hold is over
  kSortStart,
  kSortDone,
  kShift,  // lower: 1 shift starts, 0 it ends
};

// Service time of one item on one of the stage's lines.
Time StageTime(int per_hour) { return std::max<Time>(1, Time(kHour) * kStageServers / per_hour); }

}  // namespace

Inward::Inward(Context& ctx, LineHaul& linehaul, Statistics& statistics)
    : ctx_(ctx),
      linehaul_(linehaul),
      statistics_(statistics),
      scan_(ctx.sim, 0),
      customs_(ctx.sim, ctx.s.customs_officers),
      sort_(ctx.sim, 0),
      rng_(ctx.streams.Stream("customs")) {}

void Inward::Open(uint32_t r) {
  for (uint32_t i : ctx_.receptacles[r].items) {
    ctx_.Emit(i, core::EventCode::kEMD, ctx_.sim.now(), ctx_.Code(ctx_.exchange));
    ctx_.items[i].at = ctx_.exchange;
    scan_.Request(this, Payload(kScanStart, i));
  }
}

void Inward::ScheduleShifts(Time midnight) {
  ctx_.sim.Schedule(midnight + ctx_.s.shift_start_hour * kHour, this, Payload(kShift, 1));
  ctx_.sim.Schedule(midnight + ctx_.s.shift_end_hour * kHour, this, Payload(kShift, 0));
}

void Inward::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  const Scenario& s = ctx_.s;
  const std::string& office = ctx_.Code(ctx_.exchange);
  switch (What(payload >> 32)) {
    case kScanStart: sim.Schedule(sim.now() + StageTime(s.scan_per_hour), this, Payload(kScanDone, i)); break;
    case kScanDone:
      scan_.Release();
      if (rng_.Chance(s.customs_share)) {
        ctx_.Emit(i, core::EventCode::kEDB, sim.now(), office);
        ++in_customs_;
        customs_.Request(this, Payload(kCustomsStart, i));
      } else {
        sort_.Request(this, Payload(kSortStart, i));
      }
      break;
    case kCustomsStart:
      sim.Schedule(sim.now() + 1 + Time(rng_.Exponential(s.customs_inspection_minutes * 60)), this,
                   Payload(kInspected, i));
      break;
    case kInspected: {
      customs_.Release();
      Time hold = Time(rng_.LogNormal(s.customs_hold_hours * kHour, 0.8));
      if (rng_.Chance(s.customs_duty_share)) {
        hold += Time(rng_.LogNormal(s.customs_duty_days * kDay, 0.8));  // until the duty is paid
      }
      sim.Schedule(sim.now() + hold, this, Payload(kCustomsDone, i));
      break;
    }
    case kCustomsDone:
      --in_customs_;
      if (rng_.Chance(s.customs_return_share)) {
        ctx_.Emit(i, core::EventCode::kEDX, sim.now(), office);
        ++customs_returned_;
        statistics_.Finish(i, false);
      } else {
        ctx_.Emit(i, core::EventCode::kEDC, sim.now(), office);
        sort_.Request(this, Payload(kSortStart, i));
      }
      break;
    case kSortStart: sim.Schedule(sim.now() + StageTime(s.sort_per_hour), this, Payload(kSortDone, i)); break;
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

void Inward::Names(std::vector<std::string>& out) const {
  const std::string& office = ctx_.Code(ctx_.exchange);
  for (const char* stage : {" arrival scan", " customs inspection", " sorting"}) out.push_back(office + stage);
}

void Inward::SampleHour(std::vector<FacilityHour>& out) {
  const Resource* stages[] = {&scan_, &customs_, &sort_};
  for (size_t k = 0; k < 3; ++k) {
    const Resource& r = *stages[k];
    Last& last = last_[k];
    const double capacity = r.CapacityArea() - last.capacity_area;
    out.push_back({r.queued() + size_t(r.busy()), r.served() - last.count,
                   capacity > 0 ? (r.BusyArea() - last.busy_area) / capacity : 0});
    last = {r.served(), r.BusyArea(), r.CapacityArea()};
  }
}

void Inward::Report(std::vector<FacilityLoad>& out) const {
  std::vector<std::string> names;
  Names(names);
  const Resource* stages[] = {&scan_, &customs_, &sort_};
  for (size_t k = 0; k < 3; ++k) out.push_back({names[k], stages[k]->max_queued(), stages[k]->Utilisation()});
}

}  // namespace pochta::sim::internal
