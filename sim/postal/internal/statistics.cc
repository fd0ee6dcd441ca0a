#include "sim/postal/internal/statistics.h"

#include <algorithm>

namespace pochta::sim::internal {
namespace {

Percentiles Summarise(std::vector<float> days) {
  Percentiles p;
  p.count = days.size();
  if (days.empty()) return p;
  std::sort(days.begin(), days.end());
  const auto at = [&](double q) { return double(days[std::min(days.size() - 1, size_t(q * double(days.size())))]); };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.cdf.resize(101);
  for (size_t k = 0; k <= 100; ++k) p.cdf[k] = days[std::min(days.size() - 1, k * days.size() / 100)];
  return p;
}

}  // namespace

Statistics::Statistics(Context& ctx)
    : ctx_(ctx),
      by_op_(ctx.s.operators.size() + 1),
      transit_by_op_(ctx.s.operators.size() + 1),
      order_by_op_(ctx.s.operators.size() + 1),
      transit_by_region_(ctx.network.regions().size()),
      on_time_(ctx.s.operators.size() + 1),
      weeks_(size_t((ctx.end - ctx.start) / (7 * kDay)) + 1) {}

bool Statistics::Goods(uint32_t op) const { return ctx_.s.operators[op].kind == OperatorFlow::Kind::kGoods; }

void Statistics::Observe(ObservedStage& stage) {
  stages_.push_back(&stage);
  stage.Names(facility_names_);
}

void Statistics::Start() { ctx_.sim.Schedule(ctx_.sim.now(), this); }

void Statistics::Posted(uint32_t i) {
  const uint32_t op = ctx_.items[i].op;
  ++by_op_[op].posted;
  if (Goods(op)) ++by_op_.back().posted;
}

void Statistics::Finish(uint32_t i, bool delivered) {
  const ItemRecord& item = ctx_.items[i];
  const Time now = ctx_.sim.now();
  const float days = float(double(now - item.posted) / kDay);
  if (i < placed_ends_.size()) placed_ends_[i] = {now, delivered};
  ++finished_;
  sojourn_days_ += double(now - item.ordered) / kDay;
  const bool goods = Goods(item.op);
  for (size_t k : {size_t(item.op), by_op_.size() - 1}) {
    if (k + 1 == by_op_.size() && !goods) break;
    RunSummary::ByOperator& o = by_op_[k];
    if (!delivered) {
      ++o.returned;
      continue;
    }
    ++o.delivered;
    o.delivered_tonnes += item.weight_g / 1e6;
    if (now < ctx_.window_end) o.delivered_tonnes_window += item.weight_g / 1e6;
    transit_by_op_[k].push_back(days);
    order_by_op_[k].push_back(float(double(now - item.ordered) / kDay));
    const bool on_time = days <= ctx_.s.service_standard_days;
    on_time_[k] += on_time;
    if (k + 1 == by_op_.size()) {
      const size_t week = size_t((now - ctx_.start) / (7 * kDay));
      ++weeks_[week].delivered;
      weeks_[week].on_time += on_time;
    }
  }
  if (delivered && !ctx_.Outbound(item.op)) {
    transit_by_region_[item.region].push_back(days);
    ++delivered_this_hour_;
  }
}

void Statistics::OnEvent(Simulation& sim, uint64_t) {
  HourlySample h{sim.now(), ctx_.items.size() - finished_, delivered_this_hour_};
  for (ObservedStage* stage : stages_) stage->SampleHour(h.facilities);
  hourly_.push_back(std::move(h));
  delivered_this_hour_ = 0;
  if (sim.now() + kHour <= ctx_.end) sim.Schedule(sim.now() + kHour, this);
}

RunSummary Statistics::Summary() const {
  RunSummary out;
  out.scenario = ctx_.s.name;
  out.seed = ctx_.s.seed;
  out.kernel_events = ctx_.sim.events_run();
  out.tracking_events = ctx_.tracking_events;
  for (size_t k = 0; k < by_op_.size(); ++k) {
    RunSummary::ByOperator o = by_op_[k];
    const bool all = k + 1 == by_op_.size();
    o.in_flow = o.posted - o.delivered - o.returned;
    o.on_time_share = o.delivered ? double(on_time_[k]) / double(o.delivered) : 0;
    o.transit_days = Summarise(transit_by_op_[k]);
    o.order_to_delivery_days = Summarise(order_by_op_[k]);
    out.operators[all ? "all" : Label(ctx_.s.operators[k])] = o;
  }
  for (size_t r = 0; r < transit_by_region_.size(); ++r) {
    out.by_region[ctx_.network.regions()[r].name] = Summarise(transit_by_region_[r]);
  }
  out.weeks = weeks_;
  for (const ObservedStage* stage : stages_) stage->Report(out.facilities);
  double in_system = 0;
  for (const HourlySample& h : hourly_) in_system += double(h.in_system);
  out.mean_in_system = hourly_.empty() ? 0 : in_system / double(hourly_.size());
  out.mean_days_in_system = finished_ ? sojourn_days_ / double(finished_) : 0;
  out.arrivals_per_day = double(ctx_.items.size()) / (double(ctx_.end - ctx_.start) / kDay);
  return out;
}

}  // namespace pochta::sim::internal
