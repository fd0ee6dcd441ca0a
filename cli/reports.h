// The planners' HTML reports (cli/html_report.h): of one run, of
// replications and sweeps, and of two runs compared. Each is built from
// what the run computed only, so the same inputs give the same bytes.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/postal/forecast.h"
#include "sim/postal/model.h"
#include "sim/postal/replications.h"

namespace pochta::cli {

// One run: the flows, backlog, throughput and utilisation of every stage
// and hub over time, the items in customs, transit-time distributions by
// flow and by region with the service standard, on-time share by week,
// peak backlogs, and the scenario's files, seed and pochta's version.
std::string RunReport(const sim::Scenario& scenario, const sim::RunSummary& summary,
                      const std::vector<sim::HourlySample>& hourly, const std::vector<std::string>& facility_names);

// A forecast from the tracking store `db` (pochta forecast --report): the
// items in flow by where they are, with their median expected delivery;
// the backlog ahead at every stage and hub with its 95% band; the items in
// flow delivered hour by hour by their p10, p50 and p90; the items that
// will be late by flow; the closures; and the scenario's files.
std::string ForecastReport(const sim::Scenario& scenario, const std::string& db, std::span<const sim::ItemInFlow> items,
                           const sim::Forecast& forecast);

// Replications or a sweep, from the results `pochta simulate --replications
// --json` writes: each key figure with its 95% confidence interval, and for
// a sweep each key figure against the swept value with its band.
std::string ReplicationsReport(const sim::Scenario& scenario, const nlohmann::ordered_json& results);

// The key figures of one scenario, read back from the JSON of `pochta
// simulate --json`: one run, or replications (not a sweep).
struct Results {
  std::string file, scenario;
  uint64_t first_seed = 0;
  size_t replications = 1;
  // Each key figure with its value in each replication, in their order.
  std::vector<std::pair<std::string, std::vector<double>>> figures;
  std::vector<double> transit_cdf;  // of all goods, days at each percentile; one run only
};
// InvalidArgument naming the file and what is missing or wrong.
absl::StatusOr<Results> ReadResults(const std::string& path);

// Two scenarios' key figures side by side, B minus A: paired over the
// replications when both ran the same seeds (common random numbers).
struct Comparison {
  struct Row {
    std::string figure;
    sim::Estimate a, b;
    sim::Difference difference;
  };
  std::vector<Row> rows;  // the figures both have, in A's order
  bool paired = false;
};
Comparison Compare(const Results& a, const Results& b);
// How the differences were tested, in a sentence or three.
std::string ComparisonMethod(const Results& a, const Results& b, const Comparison& comparison);
// "95.80 ± 0.40", "226.1 ± 1.5", "452742 ± 1687"; "95.80" without an interval.
std::string PlusMinus(double mean, double half_width);
// B - A as a signed percentage of A ("+3.1%"), "-" when A is 0.
std::string Change(const Comparison::Row& row);
// "yes", "no", or "-" when a side has one replication.
std::string Significance(const Results& a, const Results& b, const sim::Difference& difference);
std::string CompareReport(const Results& a, const Results& b, const Comparison& comparison);

}  // namespace pochta::cli
