#include "sim/plan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "boost/math/distributions/students_t.hpp"
#include "fmt/format.h"

namespace pochta::sim {

namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  return first == std::string_view::npos ? "" : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

absl::StatusOr<Goal> ParseGoal(std::string_view text) {
  for (const auto& [op, at_least] : {std::pair{">=", true}, std::pair{"<=", false}}) {
    const size_t at = text.find(op);
    if (at == std::string_view::npos) continue;
    Goal goal;
    goal.figure = std::string(Trim(text.substr(0, at)));
    goal.at_least = at_least;
    const std::string_view target = Trim(text.substr(at + 2));
    const auto [end, error] = std::from_chars(target.data(), target.data() + target.size(), goal.target);
    if (goal.figure.empty() || target.empty() || error != std::errc() || end != target.data() + target.size() ||
        !std::isfinite(goal.target)) {
      return absl::InvalidArgumentError(
          fmt::format("goal \"{}\" must be FIGURE >= NUMBER or FIGURE <= NUMBER", text));
    }
    return goal;
  }
  return absl::InvalidArgumentError(
      fmt::format("goal \"{}\" has no >= or <=: write FIGURE >= NUMBER or FIGURE <= NUMBER", text));
}

size_t Grid::size() const {
  size_t n = 1;
  for (const std::vector<double>& axis : axes) n *= axis.size();
  return n;
}

std::vector<size_t> Grid::Indices(size_t setting) const {
  std::vector<size_t> indices;
  for (const std::vector<double>& axis : axes) {
    indices.push_back(setting % axis.size());
    setting /= axis.size();
  }
  return indices;
}

std::vector<double> Grid::Values(size_t setting) const {
  std::vector<double> values;
  const std::vector<size_t> indices = Indices(setting);
  for (size_t k = 0; k < axes.size(); ++k) values.push_back(axes[k][indices[k]]);
  return values;
}

double Grid::Cost(size_t setting) const {
  const std::vector<double> values = Values(setting);
  double cost = 0;
  for (size_t k = 0; k < values.size(); ++k) cost += unit_costs[k] * values[k];
  return cost;
}

namespace {

bool Dominates(const std::vector<size_t>& a, const std::vector<size_t>& b) {  // a has no less of anything
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] < b[k]) return false;
  }
  return true;
}

}  // namespace

Plan Search(const Grid& grid, const Goal& goal, const PlanOptions& options, const Evaluate& evaluate) {
  Plan plan;
  for (int n = options.min_replications; n < options.max_replications; n *= 2) ++plan.looks;
  ++plan.looks;  // the last, at max_replications
  plan.look_level = 1 - (1 - options.confidence) / plan.looks;

  using Verdict = Trial::Verdict;
  const size_t size = grid.size();
  std::vector<std::vector<size_t>> indices;
  for (size_t s = 0; s < size; ++s) indices.push_back(grid.Indices(s));
  std::vector<std::optional<Verdict>> known(size);
  auto record = [&](Trial trial) {
    if (known[trial.setting]) {
      std::erase_if(plan.trials, [&](const Trial& t) { return t.setting == trial.setting; });
    }
    known[trial.setting] = trial.verdict;
    plan.trials.push_back(std::move(trial));
  };

  // Runs a setting to its verdict, and records what it implies.
  auto run = [&](size_t setting) {
    Trial trial;
    trial.setting = setting;
    for (int n = options.min_replications;; n = std::min(2 * n, options.max_replications)) {
      const int have = int(trial.values.size());
      const std::vector<double> more = evaluate(setting, have, n - have);
      trial.values.insert(trial.values.end(), more.begin(), more.end());
      trial.mean = std::accumulate(trial.values.begin(), trial.values.end(), 0.0) / n;
      double ss = 0;
      for (double v : trial.values) ss += (v - trial.mean) * (v - trial.mean);
      const boost::math::students_t t(n - 1);
      trial.margin = boost::math::quantile(t, plan.look_level) * std::sqrt(ss / (n - 1) / n);
      const double worst = goal.at_least ? trial.mean - trial.margin : trial.mean + trial.margin;
      const double best = goal.at_least ? trial.mean + trial.margin : trial.mean - trial.margin;
      if (goal.at_least ? worst >= goal.target : worst <= goal.target) {
        trial.verdict = Verdict::kMeets;
      } else if (goal.at_least ? best < goal.target : best > goal.target) {
        trial.verdict = Verdict::kMisses;
      } else if (n == options.max_replications) {
        trial.verdict = Verdict::kTooClose;
      } else {
        continue;
      }
      break;
    }
    const Verdict verdict = trial.verdict;
    record(std::move(trial));
    if (!options.assume_monotone || verdict == Verdict::kTooClose) return verdict;
    for (size_t other = 0; other < size; ++other) {
      if (known[other]) continue;
      const bool implied = verdict == Verdict::kMisses ? Dominates(indices[setting], indices[other])
                                                       : Dominates(indices[other], indices[setting]);
      if (!implied) continue;
      Trial by;
      by.setting = other;
      by.verdict = verdict == Verdict::kMisses ? Verdict::kImpliedMiss : Verdict::kImpliedMeet;
      by.implied_by = setting;
      record(std::move(by));
    }
    return verdict;
  };
  auto meets = [&](size_t setting) {
    if (!known[setting]) run(setting);
    return *known[setting] == Verdict::kMeets || *known[setting] == Verdict::kImpliedMeet;
  };

  if (options.assume_monotone) {
    run(size - 1);  // the most of everything
    // Each line of the first parameter (the others fixed): bisect for the
    // fewest that meets.
    const size_t n0 = grid.axes.front().size();
    for (size_t line = 0; line < size; line += n0) {
      size_t lo = 0, hi = n0;
      while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (meets(line + mid)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
    }
  }
  std::vector<size_t> order(size);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return grid.Cost(a) < grid.Cost(b); });
  for (size_t setting : order) {
    if (known[setting] == Verdict::kImpliedMeet) run(setting);  // its own figure, and a check of the assumption
    if (meets(setting)) {
      plan.answer = setting;
      break;
    }
  }
  return plan;
}

}  // namespace pochta::sim
