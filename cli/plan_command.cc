// pochta plan SCENARIO --goal ... --vary ... --cost ...: the cheapest
// capacity setting that meets a goal with stated confidence (sim/plan.h).
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/runs.h"
#include "core/files.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "sim/plan.h"
#include "sim/postal/replications.h"

namespace pochta::cli {
namespace {

using Verdict = sim::Trial::Verdict;

struct Parameter {
  std::string name;            // "customs.officers"
  std::vector<double> values;  // ascending
  double unit_cost = 1;
};

std::string FormatValue(double v) {
  return v == std::round(v) && std::abs(v) < 1e15 ? fmt::format("{}", int64_t(v)) : fmt::format("{}", v);
}

bool ParseNumber(std::string_view text, double& value) {
  const std::string s(text);
  char* end = nullptr;
  value = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(value);
}

std::string Cost(double cost) {
  return cost == std::round(cost) && cost < 1e15 ? Thousands(uint64_t(cost)) : fmt::format("{:.2f}", cost);
}

// "SECTION.NAME=LO..HI[:STEP]" or "SECTION.NAME=V1,V2,...".
absl::StatusOr<Parameter> ParseVary(const std::string& text) {
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("--vary \"{}\": {}", text, why));
  };
  const size_t eq = text.find('=');
  if (eq == std::string::npos) return bad("write SECTION.NAME=LO..HI[:STEP] or SECTION.NAME=V1,V2,...");
  Parameter p{text.substr(0, eq), {}, 1};
  const std::string range = text.substr(eq + 1);
  if (const size_t dots = range.find(".."); dots != std::string::npos) {
    const size_t colon = range.find(':', dots);
    double lo, hi, step = 1;
    if (!ParseNumber(range.substr(0, dots), lo) ||
        !ParseNumber(range.substr(dots + 2, colon == std::string::npos ? colon : colon - dots - 2), hi) ||
        (colon != std::string::npos && !ParseNumber(range.substr(colon + 1), step))) {
      return bad("LO, HI and STEP must be numbers");
    }
    if (step <= 0 || hi < lo) return bad("needs LO <= HI and a STEP above 0");
    if ((hi - lo) / step > 10000) return bad("more than 10,000 values");
    for (double v = lo; v <= hi + step * 1e-9; v += step) p.values.push_back(std::round(v / step * 1e6) / 1e6 * step);
  } else {
    std::stringstream values(range);
    for (std::string v; std::getline(values, v, ',');) {
      double value;
      if (!ParseNumber(v, value)) return bad(fmt::format("\"{}\" is not a number", v));
      p.values.push_back(value);
    }
    std::sort(p.values.begin(), p.values.end());
    p.values.erase(std::unique(p.values.begin(), p.values.end()), p.values.end());
  }
  if (p.values.empty()) return bad("no values");
  return p;
}

// "on-time share, %" and "on_time_share" name the same figure.
std::string Slug(std::string_view name) {
  std::string slug;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug;
}

std::string SettingName(const std::vector<Parameter>& parameters, const std::vector<double>& values) {
  std::string name;
  for (size_t k = 0; k < parameters.size(); ++k) {
    name += fmt::format("{}{}={}", k ? " " : "", parameters[k].name, FormatValue(values[k]));
  }
  return name;
}

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kMeets: return "meets";
    case Verdict::kMisses: return "misses";
    case Verdict::kTooClose: return "too close to call";
    case Verdict::kImpliedMiss: return "misses (implied)";
    case Verdict::kImpliedMeet: return "meets (implied)";
  }
  return "";
}

}  // namespace

CLI::App* AddPlanCommand(CLI::App& app, PlanOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "plan", "Find the cheapest capacity setting that meets a goal with stated confidence (README, \"Plans\")");
  cmd->add_option("scenario", options.scenario, "Scenario: a built-in name or a file")->required();
  cmd->add_option("--goal", options.goal,
                  "FIGURE >= X or FIGURE <= X, FIGURE a key figure (\"on-time share, %\" or on_time_share, "
                  "\"transit days p90\", \"peak backlog, UZTASA customs inspection\", ...)")
      ->required();
  cmd->add_option("--vary", options.vary, "A capacity to vary: SECTION.NAME=LO..HI[:STEP] or SECTION.NAME=V1,V2,...")
      ->required();
  cmd->add_option("--cost", options.costs,
                  "SECTION.NAME=COST: the cost of one unit of a varied parameter (default 1 with one --vary; "
                  "required for each with several)");
  cmd->add_option("--confidence", options.confidence, "Confidence of each verdict")
      ->check(CLI::Range(0.5, 0.999))
      ->capture_default_str();
  cmd->add_option("--min-replications", options.min_replications, "Replications of a setting at first")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  cmd->add_option("--max-replications", options.max_replications,
                  "Most replications of a setting, doubling from --min-replications while the verdict is close")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  cmd->add_flag("--exhaustive", options.exhaustive,
                "Do not assume that more capacity never makes the figure worse: run every cheaper setting");
  cmd->add_option("--seed", options.seed, "First seed (default: the scenario's)");
  cmd->add_option("--jobs", options.jobs, "Runs in parallel (on each MPI rank)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--json", options.json, "Write every setting tried and the answer as JSON to this file");
  cmd->add_option("--network", options.network_file, "Network file")->capture_default_str();
  cmd->add_option("--operators", options.operators_file, "Operators file")->capture_default_str();
  return cmd;
}

int RunPlan(const PlanOptions& options) {
  const auto fail = [](std::string_view why) {
    fmt::print(stderr, "pochta plan: {}\n", why);
    return kExitBadInput;
  };
  if (options.min_replications > options.max_replications) {
    return fail(fmt::format("--min-replications {} is above --max-replications {}", options.min_replications,
                            options.max_replications));
  }
  absl::StatusOr<sim::Scenario> scenario = LoadScenarioOrReport(options.scenario, options.operators_file, "plan");
  if (!scenario.ok()) return kExitBadInput;
  if (options.seed) scenario->seed = *options.seed;
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "plan");
  if (!network) return kExitBadInput;

  // The goal names a key figure.
  absl::StatusOr<sim::Goal> goal = sim::ParseGoal(options.goal);
  if (!goal.ok()) return fail(std::string(goal.status().message()));
  const std::vector<std::string> names = sim::KeyFigureNames(*scenario, *network);
  const auto figure = std::find_if(names.begin(), names.end(), [&](const std::string& n) {
    return n == goal->figure || Slug(n) == Slug(goal->figure);
  });
  if (figure == names.end()) {
    return fail(fmt::format("goal: \"{}\" is not a key figure; they are: \"{}\"", goal->figure,
                            fmt::join(names, "\", \"")));
  }
  goal->figure = *figure;
  if (figure->ends_with("%") && goal->target > 0 && goal->target <= 1) {
    return fail(fmt::format("goal: \"{}\" is in percent: {} looks like a share; write {} for {}%", *figure,
                            goal->target, FormatValue(goal->target * 100), FormatValue(goal->target * 100)));
  }
  const size_t figure_index = size_t(figure - names.begin());

  // The grid and its costs.
  std::vector<Parameter> parameters;
  for (const std::string& vary : options.vary) {
    absl::StatusOr<Parameter> p = ParseVary(vary);
    if (!p.ok()) return fail(std::string(p.status().message()));
    for (double v : p->values) {
      if (absl::StatusOr<sim::Scenario> s = sim::WithParameter(*scenario, p->name, FormatValue(v)); !s.ok()) {
        return fail(fmt::format("--vary: {}", std::string(s.status().message())));
      }
    }
    parameters.push_back(*std::move(p));
  }
  for (const std::string& cost : options.costs) {
    const size_t eq = cost.find('=');
    const auto p = std::find_if(parameters.begin(), parameters.end(),
                                [&](const Parameter& q) { return q.name == cost.substr(0, eq); });
    double value;
    if (eq == std::string::npos || p == parameters.end() || !ParseNumber(cost.substr(eq + 1), value) || value < 0) {
      return fail(fmt::format("--cost \"{}\" must be SECTION.NAME=COST, a varied parameter and a cost of at least 0",
                              cost));
    }
    p->unit_cost = value;
  }
  if (parameters.size() > 1 && options.costs.size() < parameters.size()) {
    for (const Parameter& p : parameters) {
      const bool given = std::any_of(options.costs.begin(), options.costs.end(),
                                     [&](const std::string& c) { return c.starts_with(p.name + "="); });
      if (!given) return fail(fmt::format("varying several parameters: give --cost {}=COST", p.name));
    }
  }
  sim::Grid grid;
  for (const Parameter& p : parameters) {
    grid.axes.push_back(p.values);
    grid.unit_costs.push_back(p.unit_cost);
  }
  if (grid.size() > 100000) return fail(fmt::format("{} settings: narrow the ranges", grid.size()));

  fmt::print("pochta plan {}: the cheapest setting with {} {} {} at {:g}% confidence\n", scenario->name,
             goal->figure, goal->at_least ? ">=" : "<=", FormatValue(goal->target), 100 * options.confidence);
  for (const Parameter& p : parameters) {
    fmt::print("  varying {} over {} values from {} to {}, cost {} a unit\n", p.name, p.values.size(),
               FormatValue(p.values.front()), FormatValue(p.values.back()), FormatValue(p.unit_cost));
  }
  fmt::print("  {} to {} replications a setting, seeds from {} (the same at every setting)\n",
             options.min_replications, options.max_replications, scenario->seed);

  std::map<size_t, sim::Scenario> settings;  // built when first run
  Progress progress("plan");
  const sim::Evaluate evaluate = [&](size_t setting, int first, int count) {
    auto [at, added] = settings.try_emplace(setting);
    if (added) {
      const std::vector<double> values = grid.Values(setting);
      sim::Scenario s = *scenario;
      for (size_t k = 0; k < parameters.size(); ++k) s = *sim::WithParameter(s, parameters[k].name, FormatValue(values[k]));
      at->second = std::move(s);
    }
    std::vector<sim::Replication> runs;
    for (int r = first; r < first + count; ++r) runs.push_back({&at->second, r});
    std::vector<double> values;
    for (const KeyFigures& f : RunKeyFigures(runs, *network, options.jobs, progress)) {
      values.push_back(f[figure_index].second);
    }
    return values;
  };
  sim::PlanOptions search;
  search.confidence = options.confidence;
  search.min_replications = options.min_replications;
  search.max_replications = options.max_replications;
  search.assume_monotone = !options.exhaustive;
  const sim::Plan plan = sim::Search(grid, *goal, search, evaluate);
  progress.Finish();

  // What was run, in order, and the answer.
  const auto estimate = [&](const sim::Trial& t) {
    return fmt::format("{:.2f} ± {:.2f} over {} replications", t.mean, t.margin, t.values.size());
  };
  fmt::print("\n  {:<40} {:>10} {:>26} {:>12}  {}\n", "setting", "cost", goal->figure, "replications", "verdict");
  size_t implied = 0;
  for (const sim::Trial& t : plan.trials) {
    if (t.values.empty()) {
      ++implied;
      continue;
    }
    fmt::print("  {:<40} {:>10} {:>26} {:>12}  {}\n", SettingName(parameters, grid.Values(t.setting)),
               Cost(grid.Cost(t.setting)), fmt::format("{:.2f} ± {:.2f}", t.mean, t.margin),
               t.values.size(), VerdictName(t.verdict));
  }
  fmt::print("  ({} settings known without running them, by monotonicity; ± is the one-sided margin each "
             "verdict used)\n\n",
             implied);
  const sim::Trial* answer = nullptr;
  const sim::Trial* below = nullptr;  // the dearest setting run that is cheaper than the answer
  const sim::Trial* best = nullptr;   // the closest to the goal, when none meets it
  for (const sim::Trial& t : plan.trials) {
    if (t.values.empty()) continue;
    if (plan.answer == t.setting) answer = &t;
    if (!best || (goal->at_least ? t.mean > best->mean : t.mean < best->mean)) best = &t;
  }
  for (const sim::Trial& t : plan.trials) {
    if (answer && !t.values.empty() && t.setting != answer->setting &&
        grid.Cost(t.setting) <= grid.Cost(answer->setting) &&
        (!below || grid.Cost(t.setting) > grid.Cost(below->setting))) {
      below = &t;
    }
  }
  if (answer) {
    fmt::print("  answer: {} (cost {}): {} {}\n", SettingName(parameters, grid.Values(answer->setting)),
               Cost(grid.Cost(answer->setting)), goal->figure, estimate(*answer));
    if (below) {
      fmt::print("  the next cheaper setting run, {} (cost {}), {}: {}\n",
                 SettingName(parameters, grid.Values(below->setting)), Cost(grid.Cost(below->setting)),
                 VerdictName(below->verdict), estimate(*below));
    } else {
      fmt::print("  it is the cheapest setting in the range\n");
    }
  } else {
    fmt::print("  no setting in the range meets the goal{}\n",
               best ? fmt::format("; the closest, {}: {}", SettingName(parameters, grid.Values(best->setting)),
                                  estimate(*best))
                    : "");
  }

  if (!options.json.empty() && Ranks::leader()) {
    nlohmann::ordered_json json;
    json["scenario"] = scenario->name;
    json["first_seed"] = scenario->seed;
    json["goal"] = {{"figure", goal->figure}, {"at_least", goal->at_least}, {"target", goal->target}};
    json["confidence"] = options.confidence;
    json["look_level"] = plan.look_level;
    for (const Parameter& p : parameters) {
      json["parameters"].push_back({{"name", p.name}, {"values", p.values}, {"unit_cost", p.unit_cost}});
    }
    for (const sim::Trial& t : plan.trials) {
      nlohmann::ordered_json row = {{"setting", grid.Values(t.setting)},
                                    {"cost", grid.Cost(t.setting)},
                                    {"verdict", VerdictName(t.verdict)}};
      if (t.values.empty()) {
        row["implied_by"] = grid.Values(t.implied_by);
      } else {
        row["mean"] = t.mean;
        row["margin"] = t.margin;
        row["values"] = t.values;
      }
      json["trials"].push_back(row);
    }
    json["answer"] = plan.answer ? nlohmann::ordered_json(grid.Values(*plan.answer)) : nlohmann::ordered_json();
    if (absl::Status s = core::WriteFile(options.json, json.dump(2) + "\n"); !s.ok()) return fail(std::string(s.message()));
  }
  return kExitOk;
}

}  // namespace pochta::cli
