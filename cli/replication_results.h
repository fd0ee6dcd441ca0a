// The key figures of replications, or of a sweep with replications at each
// value: what `simulate --replications`, `simulate --replication-index` and
// `merge` print and write, as JSON, text and report.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/postal/scenario.h"

namespace pochta::cli {

struct ReplicationResults {
  std::string scenario;
  uint64_t first_seed = 0;
  int replications = 0;
  std::string parameter;  // swept; empty for replications alone
  struct Point {
    std::string value;  // of the parameter; empty for replications alone
    std::vector<std::pair<std::string, std::vector<double>>> figures;  // by replication
  };
  std::vector<Point> points;
};

// {"scenario", "replications", "first_seed", then "key_figures" or
// "sweep": {"parameter", "points": [{"value", "key_figures"}]}}, each figure
// {"mean", "ci95_half_width", "values"}.
nlohmann::ordered_json ToJson(const ReplicationResults& results);
// The reverse; errors say what is missing or wrong.
absl::StatusOr<ReplicationResults> FromJson(const nlohmann::ordered_json& json);

// Prints each point's figures (mean, 95% CI) and writes the JSON and the
// HTML report where asked (rank 0 only). Returns the exit code.
int PrintAndWrite(std::string_view command, const sim::Scenario& scenario, const ReplicationResults& results,
                  const nlohmann::ordered_json& json, const std::string& json_file, const std::string& report_file);

}  // namespace pochta::cli
