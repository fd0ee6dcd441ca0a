#include "sim/postal/forecast.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "sim/local_time.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/placement.h"

namespace pochta::sim {
namespace {

// The q-quantile of sorted values, at rank q(n + 1) interpolated between
// neighbours (Hyndman and Fan's definition 6): a new value falls below it
// with probability q, so that a forecast's p10 and p90 bracket 80% of what
// happens even with few replications (the more common rank 1 + q(n - 1)
// brackets 9.1 / 11 - 1.9 / 11 = 65% with ten). kForever when a neighbour
// it needs is.
Time Quantile(const std::vector<Time>& sorted, double q) {
  const double at = std::clamp(q * double(sorted.size() + 1) - 1, 0.0, double(sorted.size() - 1));
  const size_t below = size_t(at);
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double frac = at - double(below);
  if (sorted[below] == kForever || (frac > 0 && sorted[above] == kForever)) return kForever;
  return sorted[below] + Time(frac * double(sorted[above] - sorted[below]));
}

}  // namespace

Forecast RunForecast(const Scenario& scenario, const core::Network& network, const ForecastStart& start,
                     int replications, int jobs, const std::function<void()>& done) {
  replications = std::max(1, replications);
  Forecast out;
  out.replications = replications;
  out.start = start.now;
  const size_t n = start.items.size();
  std::vector<std::optional<uint32_t>> flow(n);  // placed items' flows
  for (size_t k = 0; k < n; ++k) {
    const absl::StatusOr<internal::Placement> p = internal::Place(scenario, network, start.items[k]);
    if (p.ok()) {
      flow[k] = p->flow;
      ++out.placed;
    } else {
      ++out.not_placed[std::string(p.status().message())];
    }
  }

  const size_t runs = size_t(replications);
  std::vector<std::vector<std::optional<InFlowEnd>>> ends(runs);
  std::vector<std::vector<HourlySample>> hourly(runs);
  out.runs.resize(runs);
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int j = 0; j < std::clamp(jobs, 1, replications); ++j) {
    threads.emplace_back([&] {
      for (int r; (r = next++) < replications;) {
        Scenario s = scenario;
        s.seed += uint64_t(r);
        PostalModel model(s, network, nullptr, &start);
        out.runs[size_t(r)] = model.Run();
        ends[size_t(r)] = model.in_flow_ends();
        hourly[size_t(r)] = model.hourly();
        if (r == 0) out.facility_names = model.facility_names();
        if (done) done();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const LocalTime uz = LocalTime::Load(scenario.time_zone).value();
  out.end = internal::WindowEnd(uz, uz.DayOf(start.now), start.now, scenario.days) +
            Time(scenario.drain_days) * internal::kDay;

  // Each item's delivery over the replications, and whether it is late.
  const Time standard = Time(scenario.service_standard_days * double(internal::kDay));
  std::vector<std::map<std::string, double>> late(runs);
  out.items.resize(n);
  std::vector<Time> times(runs);
  for (size_t k = 0; k < n; ++k) {
    if (!flow[k]) continue;
    const Time deadline = internal::ToTime(start.items[k].posted) + standard;
    ItemOutlook& o = out.items[k];
    o.placed = true;
    int delivered = 0, missed = 0;
    for (size_t r = 0; r < runs; ++r) {
      const InFlowEnd end = ends[r][k].value_or(InFlowEnd{});
      const bool by_end = end.delivered && end.at > 0;
      times[r] = by_end ? end.at : kForever;
      delivered += by_end;
      const bool is_late = by_end ? end.at > deadline : end.at == 0 && deadline < out.end;
      if (is_late) {
        ++missed;
        late[r]["all"] += 1;
        late[r][Label(scenario.operators[*flow[k]])] += 1;
      }
    }
    std::sort(times.begin(), times.end());
    o.p10 = Quantile(times, 0.1);
    o.p50 = Quantile(times, 0.5);
    o.p90 = Quantile(times, 0.9);
    o.delivered = float(delivered) / float(replications);
    o.late = float(missed) / float(replications);
  }
  for (const std::map<std::string, double>& run : late) {
    for (const auto& [label, count] : run) out.late[label];
  }
  for (auto& [label, estimate] : out.late) {
    std::vector<double> values;
    for (const std::map<std::string, double>& run : late) {
      const auto it = run.find(label);
      values.push_back(it == run.end() ? 0 : it->second);
    }
    estimate = EstimateOf(values);
  }

  // The hourly series, as long as the shortest run's.
  size_t hours = hourly.empty() ? 0 : hourly[0].size();
  for (const std::vector<HourlySample>& h : hourly) hours = std::min(hours, h.size());
  out.backlog.assign(out.facility_names.size(), {});
  std::vector<double> values(runs);
  for (size_t h = 0; h < hours; ++h) {
    out.hours.push_back(hourly[0][h].time);
    for (size_t r = 0; r < runs; ++r) values[r] = double(hourly[r][h].in_system);
    out.in_system.push_back(EstimateOf(values));
    for (size_t f = 0; f < out.facility_names.size(); ++f) {
      for (size_t r = 0; r < runs; ++r) values[r] = double(hourly[r][h].facilities[f].backlog);
      out.backlog[f].push_back(EstimateOf(values));
    }
  }
  return out;
}

}  // namespace pochta::sim
