#include "sim/postal/replications.h"

#include <atomic>
#include <cmath>
#include <numeric>
#include <thread>

#include "fmt/format.h"

namespace pochta::sim {

double StudentT95(size_t df) {
  static constexpr double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return df <= 30 ? kT[df - 1] : 1.960;
}

namespace {

double SampleVariance(const std::vector<double>& values, double mean) {
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return ss / double(values.size() - 1);
}

}  // namespace

Estimate EstimateOf(const std::vector<double>& values) {
  const size_t n = values.size();
  Estimate e;
  e.mean = std::accumulate(values.begin(), values.end(), 0.0) / double(n);
  if (n < 2) return e;
  e.half_width = StudentT95(n - 1) * std::sqrt(SampleVariance(values, e.mean) / double(n));
  return e;
}

Difference DifferenceOf(const std::vector<double>& a, const std::vector<double>& b, bool paired) {
  Difference d;
  d.paired = paired;
  if (paired) {
    std::vector<double> differences;
    for (size_t r = 0; r < a.size(); ++r) differences.push_back(b[r] - a[r]);
    const Estimate e = EstimateOf(differences);
    d.mean = e.mean;
    d.half_width = e.half_width;
  } else {
    const Estimate ea = EstimateOf(a), eb = EstimateOf(b);
    d.mean = eb.mean - ea.mean;
    if (a.size() >= 2 && b.size() >= 2) {
      const double va = SampleVariance(a, ea.mean) / double(a.size());
      const double vb = SampleVariance(b, eb.mean) / double(b.size());
      // Welch-Satterthwaite degrees of freedom, rounded down (conservative).
      const double df = (va + vb) * (va + vb) /
                        (va * va / double(a.size() - 1) + vb * vb / double(b.size() - 1));
      d.half_width = va + vb > 0 ? StudentT95(size_t(std::max(1.0, std::floor(df)))) * std::sqrt(va + vb) : 0;
    }
  }
  const bool known = std::min(a.size(), b.size()) >= 2;
  d.significant = known && std::abs(d.mean) > d.half_width;
  return d;
}

std::vector<RunSummary> RunReplications(const std::vector<Replication>& runs, const core::Network& network, int jobs,
                                        const std::function<void()>& done) {
  std::vector<RunSummary> summaries(runs.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int j = 0; j < std::max(1, jobs); ++j) {
    threads.emplace_back([&] {
      for (size_t r; (r = next++) < runs.size();) {
        Scenario s = *runs[r].scenario;
        s.seed += uint64_t(runs[r].index);
        summaries[r] = PostalModel(s, network, nullptr).Run();
        if (done) done();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return summaries;
}

std::vector<std::pair<std::string, double>> KeyFigures(const RunSummary& run) {
  const RunSummary::ByOperator& all = run.operators.at("all");
  std::vector<std::pair<std::string, double>> figures = {
      {"items posted", double(all.posted)},
      {"tonnes delivered by the end of postings", all.delivered_tonnes_window},
      {"items delivered", double(all.delivered)},
      {"transit days p50", all.transit_days.p50},
      {"transit days p90", all.transit_days.p90},
      {"on-time share, %", 100 * all.on_time_share},
  };
  for (const FacilityLoad& f : run.facilities) {
    if (f.name.starts_with("UZTASA")) figures.emplace_back("peak backlog, " + f.name, double(f.peak_backlog));
  }
  // Correspondence exchanged at Tashkent, both ways, when the scenario has any.
  double kg = 0, registered = 0;
  for (const auto& [name, flow] : run.operators) {
    if (!name.ends_with(" letters")) continue;
    kg += flow.exchanged_kg;
    registered += double(flow.exchanged_registered);
  }
  if (kg > 0) {
    figures.emplace_back("correspondence exchanged, kg", kg);
    figures.emplace_back("registered letters exchanged", registered);
  }
  return figures;
}

std::vector<std::string> KeyFigureNames(const Scenario& scenario, const core::Network& network) {
  // A run of no days has the scenario's facilities; what it exchanged is
  // set so that the correspondence figures are named when it has any.
  Scenario none = scenario;
  none.days = 0;
  none.drain_days = 0;
  RunSummary empty = PostalModel(none, network, nullptr).Run();
  for (const OperatorFlow& flow : scenario.operators) empty.operators[Label(flow)].exchanged_kg = 1;
  std::vector<std::string> names;
  for (const auto& [name, value] : KeyFigures(empty)) names.push_back(name);
  return names;
}

absl::StatusOr<Scenario> WithParameter(const Scenario& scenario, std::string_view parameter, std::string_view value) {
  const size_t dot = parameter.rfind('.');
  if (dot == std::string_view::npos) {
    return absl::InvalidArgumentError(
        fmt::format("parameter \"{}\" must be SECTION.NAME, like customs.officers", parameter));
  }
  const std::string text = fmt::format("[{}]\n{} = {}\n", parameter.substr(0, dot), parameter.substr(dot + 1), value);
  return ParseScenario(text, fmt::format("{}={}", parameter, value), scenario);
}

}  // namespace pochta::sim
