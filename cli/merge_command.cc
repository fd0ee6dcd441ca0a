// pochta merge PART.json...: the replications a job array ran one by one
// (simulate --replication-index I --json PART.json) combined into the
// summary, JSON and report that simulate --replications gives.
#include <map>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/replication_results.h"
#include "cli/runs.h"
#include "core/files.h"
#include "fmt/format.h"

namespace pochta::cli {

CLI::App* AddMergeCommand(CLI::App& app, MergeOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "merge", "Combine replications run one by one (simulate --replication-index I --json) into one summary");
  cmd->add_option("parts", options.parts, "The parts' JSON files, in any order")->required();
  cmd->add_option("--json", options.json, "Write the merged results as JSON to this file");
  cmd->add_option("--report", options.report, "Write the HTML report to this file (reads the parts' scenario file)");
  cmd->add_option("--operators", options.operators_file, "Operators file, for the scenario")->capture_default_str();
  return cmd;
}

int RunMerge(const MergeOptions& options) {
  const auto fail = [](std::string_view why) {
    fmt::print(stderr, "pochta merge: {}\n", why);
    return kExitBadInput;
  };
  Progress progress("merge");
  progress.Expect(options.parts.size());
  std::map<int, ReplicationResults> parts;  // by replication index
  std::string scenario_file;
  for (const std::string& path : options.parts) {
    absl::StatusOr<std::string> text = core::ReadFile(path, "part");
    if (!text.ok()) return fail(std::string(text.status().message()));
    const nlohmann::ordered_json json = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object() || !json.contains("replication_index") ||
        !json["replication_index"].is_number_integer()) {
      return fail(fmt::format("{}: not a part from pochta simulate --replication-index --json", path));
    }
    absl::StatusOr<ReplicationResults> part = FromJson(json);
    if (!part.ok()) return fail(fmt::format("{}: {}", path, std::string(part.status().message())));
    if (part->replications != 1) return fail(fmt::format("{}: a part holds one replication", path));
    const int index = json["replication_index"].get<int>();
    if (!parts.empty()) {
      const ReplicationResults& first = parts.begin()->second;
      const auto shape = [](const ReplicationResults& r) {
        std::vector<std::string> s = {r.scenario, std::to_string(r.first_seed), r.parameter};
        for (const ReplicationResults::Point& p : r.points) {
          s.push_back(p.value);
          for (const auto& [name, values] : p.figures) s.push_back(name);
        }
        return s;
      };
      if (shape(*part) != shape(first)) {
        return fail(fmt::format("{}: not a part of the same runs as {} (scenario, seed, sweep and figures differ)",
                                path, options.parts.front()));
      }
    }
    if (!parts.try_emplace(index, *std::move(part)).second) {
      return fail(fmt::format("{}: replication {} is in two parts", path, index));
    }
    scenario_file = json.value("scenario_file", "");
    progress.Done();
  }
  ReplicationResults merged = parts.begin()->second;
  merged.replications = int(parts.size());
  for (int r = 0; r < merged.replications; ++r) {
    if (!parts.contains(r)) {
      return fail(fmt::format("replication {} is missing: the parts must be replications 0 to {}", r,
                              merged.replications - 1));
    }
  }
  for (size_t p = 0; p < merged.points.size(); ++p) {
    for (size_t k = 0; k < merged.points[p].figures.size(); ++k) {
      std::vector<double>& values = merged.points[p].figures[k].second;
      values.clear();
      for (const auto& [index, part] : parts) values.push_back(part.points[p].figures[k].second.front());
    }
  }
  sim::Scenario scenario;
  if (!options.report.empty()) {
    absl::StatusOr<sim::Scenario> loaded = LoadScenarioOrReport(scenario_file, options.operators_file, "merge");
    if (!loaded.ok()) return kExitBadInput;
    scenario = *std::move(loaded);
    scenario.seed = merged.first_seed;
  }
  fmt::print("pochta merge: {} replications of {} from seed {}{}\n", merged.replications, merged.scenario,
             merged.first_seed, merged.parameter.empty() ? "" : fmt::format(", sweeping {}", merged.parameter));
  return PrintAndWrite("merge", scenario, merged, ToJson(merged), options.json, options.report);
}

}  // namespace pochta::cli
