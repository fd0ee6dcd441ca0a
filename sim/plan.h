// The capacity planner's search: of a grid of settings, each with a cost,
// the cheapest whose figure meets a goal with stated confidence.
//
// Method. Each setting is run with common random numbers (replication r
// of every setting uses the same seed, so the same items arrive) from
// `min_replications`, doubling up to `max_replications` while the decision
// is close: after each batch the one-sided confidence bound on the mean
// decides "meets" (the bound is on the goal's side), "misses" (the opposite
// bound is on the wrong side) or another batch. The bound's level is
// Bonferroni-corrected over the batches a setting may get, so that each
// verdict holds with at least `confidence` however many looks it took. A
// setting still undecided at the most replications is "too close to call"
// and not taken.
//
// The answer is the first setting in order of cost that meets the goal,
// every cheaper one having missed or been too close. With `assume_monotone`
// (more of any varied capacity never makes the figure worse) most settings
// need no runs: a miss implies a miss for every setting with no more of any
// parameter, a meet a meet for every setting with no less. The search runs
// the setting with the most of everything first (if it misses, nothing
// meets), then bisects each line of the first parameter for its fewest that
// meets, and then walks the settings in order of cost, running those not
// yet known (and those only implied to meet) until one meets.
//
// Guarantee: the answer meets the goal with at least `confidence`; each
// cheaper setting reported as missing misses it with at least `confidence`
// (each claim on its own; for implied ones, given monotonicity).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace pochta::sim {

struct Goal {
  std::string figure;
  bool at_least = true;  // figure >= target, else figure <= target
  double target = 0;
};
// "FIGURE >= X" or "FIGURE <= X"; the figure's name is not checked here.
absl::StatusOr<Goal> ParseGoal(std::string_view text);

struct PlanOptions {
  double confidence = 0.95;
  int min_replications = 5;
  int max_replications = 40;  // batches double from min_replications up to this
  bool assume_monotone = true;
};

// The settings: every combination of the varied parameters' values.
// Setting i has the first parameter's value i % n0, and so on.
struct Grid {
  std::vector<std::vector<double>> axes;  // each parameter's values, ascending
  std::vector<double> unit_costs;         // the cost of one unit of each, >= 0

  size_t size() const;
  std::vector<size_t> Indices(size_t setting) const;  // into each axis
  std::vector<double> Values(size_t setting) const;
  double Cost(size_t setting) const;
};

// The figure for replications first, first + 1, ..., first + count - 1 of
// a setting, in that order.
using Evaluate = std::function<std::vector<double>(size_t setting, int first, int count)>;

struct Trial {
  enum class Verdict { kMeets, kMisses, kTooClose, kImpliedMiss, kImpliedMeet };
  size_t setting = 0;
  Verdict verdict = Verdict::kMisses;
  std::vector<double> values;  // the figure by replication; empty when implied
  double mean = 0;
  double margin = 0;      // the half-width the decision used
  size_t implied_by = 0;  // implied verdicts: the setting run
};

struct Plan {
  std::optional<size_t> answer;  // the setting, when one meets the goal
  std::vector<Trial> trials;     // one per setting known, in the order known (run after implied: where run)
  int looks = 0;                 // the batches a setting may get
  double look_level = 0;         // the one-sided level of each look's bound
};

// REQUIRES: every axis not empty; 2 <= min_replications <= max_replications; 0 < confidence < 1.
Plan Search(const Grid& grid, const Goal& goal, const PlanOptions& options, const Evaluate& evaluate);

}  // namespace pochta::sim
