// Replications: the same scenario under several seeds, run in parallel, and
// each key figure reported as a mean with a 95% confidence interval.
//
// Thread-safety: RunReplications runs independent models on `jobs` threads; the
// network is only read.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/postal/model.h"

namespace pochta::sim {

struct Estimate {
  double mean = 0;
  double half_width = 0;  // of the 95% confidence interval (Student's t); 0 for one replication
};

// REQUIRES: values not empty.
Estimate EstimateOf(const std::vector<double>& values);

// The two-sided 95% quantile of Student's t with `df` degrees of freedom
// (the normal's past 30). REQUIRES: df >= 1.
double StudentT95(size_t df);

// B minus A for one figure, with the 95% confidence interval of the
// difference. Paired (common random numbers: replication r of both runs
// used the same seed, so the same items arrived) it is the interval of the
// mean of the differences, which cancels the items' own variation;
// otherwise Welch's interval for independent runs. Significant when the
// interval excludes 0; never with one replication on a side (no interval).
struct Difference {
  double mean = 0;
  double half_width = 0;  // 0 when not known
  bool paired = false;
  bool significant = false;
};
// REQUIRES: a and b not empty; paired: the same sizes.
Difference DifferenceOf(const std::vector<double>& a, const std::vector<double>& b, bool paired);

// Replication `index` of a scenario runs seed scenario->seed + index:
// its random streams derive from the scenario, the seed and the index alone.
struct Replication {
  const Scenario* scenario = nullptr;
  int index = 0;
};

// Runs each replication without records on `jobs` threads; `done`, when
// set, is called after each run from the thread that ran it.
std::vector<RunSummary> RunReplications(const std::vector<Replication>& runs, const core::Network& network, int jobs,
                                        const std::function<void()>& done = {});

// The key figures planners compare, by name, in a fixed order.
std::vector<std::pair<std::string, double>> KeyFigures(const RunSummary& run);

// The names KeyFigures gives for a run of `scenario`, known before running it.
std::vector<std::string> KeyFigureNames(const Scenario& scenario, const core::Network& network);

// A copy of `scenario` with one parameter changed: `parameter` is
// "SECTION.NAME" as in a scenario file ("customs.officers",
// "operator CN.items_per_day"); errors name the parameter.
absl::StatusOr<Scenario> WithParameter(const Scenario& scenario, std::string_view parameter, std::string_view value);

}  // namespace pochta::sim
