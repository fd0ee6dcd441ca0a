#include "cli/replication_results.h"

#include "cli/commands.h"
#include "cli/reports.h"
#include "cli/runs.h"
#include "core/files.h"
#include "fmt/format.h"
#include "sim/postal/replications.h"

namespace pochta::cli {
namespace {

using Json = nlohmann::ordered_json;

Json FiguresJson(const ReplicationResults::Point& point) {
  Json json;
  for (const auto& [name, values] : point.figures) {
    const sim::Estimate e = sim::EstimateOf(values);
    json[name] = {{"mean", e.mean}, {"ci95_half_width", e.half_width}, {"values", values}};
  }
  return json;
}

}  // namespace

Json ToJson(const ReplicationResults& results) {
  Json json;
  json["scenario"] = results.scenario;
  json["replications"] = results.replications;
  json["first_seed"] = results.first_seed;
  if (results.parameter.empty()) {
    json["key_figures"] = FiguresJson(results.points.front());
    return json;
  }
  json["sweep"]["parameter"] = results.parameter;
  for (const ReplicationResults::Point& p : results.points) {
    json["sweep"]["points"].push_back({{"value", p.value}, {"key_figures", FiguresJson(p)}});
  }
  return json;
}

absl::StatusOr<ReplicationResults> FromJson(const Json& json) {
  ReplicationResults results;
  try {
    results.scenario = json.at("scenario").get<std::string>();
    results.replications = json.at("replications").get<int>();
    results.first_seed = json.at("first_seed").get<uint64_t>();
    const auto point = [&](std::string value, const Json& figures) {
      ReplicationResults::Point p{std::move(value), {}};
      for (const auto& [name, f] : figures.items()) {
        p.figures.emplace_back(name, f.at("values").get<std::vector<double>>());
        if (p.figures.back().second.size() != size_t(results.replications)) {
          throw std::invalid_argument(fmt::format("key figure \"{}\" has {} values for {} replications", name,
                                                  p.figures.back().second.size(), results.replications));
        }
      }
      if (p.figures.empty()) throw std::invalid_argument("no key figures");
      return p;
    };
    if (json.contains("sweep")) {
      results.parameter = json["sweep"].at("parameter").get<std::string>();
      for (const Json& p : json["sweep"].at("points")) {
        results.points.push_back(point(p.at("value").get<std::string>(), p.at("key_figures")));
      }
    } else {
      results.points.push_back(point("", json.at("key_figures")));
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(fmt::format("not replications from pochta simulate --json: {}", e.what()));
  }
  return results;
}

int PrintAndWrite(std::string_view command, const sim::Scenario& scenario, const ReplicationResults& results,
                  const Json& json, const std::string& json_file, const std::string& report_file) {
  for (const ReplicationResults::Point& p : results.points) {
    if (!results.parameter.empty()) fmt::print("\n  {} = {}\n", results.parameter, p.value);
    fmt::print("\n  {:<48} {:>12} {:>12}\n", "key figure", "mean", "95% CI +-");
    for (const auto& [name, values] : p.figures) {
      const sim::Estimate e = sim::EstimateOf(values);
      fmt::print("  {:<48} {:>12.2f} {:>12.2f}\n", name, e.mean, e.half_width);
    }
  }
  if (!Ranks::leader()) return kExitOk;
  const auto write = [&](const std::string& file, const std::string& text) {
    const absl::Status s = core::WriteFile(file, text);
    if (!s.ok()) fmt::print(stderr, "pochta {}: {}\n", command, std::string(s.message()));
    return s.ok();
  };
  if (!json_file.empty() && !write(json_file, json.dump(2) + "\n")) return kExitBadInput;
  if (!report_file.empty() && !write(report_file, ReplicationsReport(scenario, json))) return kExitBadInput;
  return kExitOk;
}

}  // namespace pochta::cli
