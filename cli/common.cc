#include "cli/common.h"

#include <filesystem>

#include "cli/commands.h"
#include "core/operators.h"
#include "fmt/format.h"

namespace pochta::cli {

std::string DefaultNetworkFile() { return POCHTA_NETWORK_FILE; }
std::string DefaultOperatorsFile() { return POCHTA_OPERATORS_FILE; }

std::optional<core::Network> LoadNetworkOrReport(const std::string& path, std::string_view command) {
  absl::StatusOr<core::Network> network = core::Network::Load(path);
  if (!network.ok()) {
    fmt::print(stderr, "pochta {}: {}\n", command, std::string(network.status().message()));
    return std::nullopt;
  }
  return *std::move(network);
}

std::string ScenarioPath(const std::string& name) {
  if (std::filesystem::exists(name)) return name;
  return fmt::format("{}/{}.scenario", POCHTA_SCENARIO_DIR, name);
}

absl::StatusOr<sim::Scenario> LoadScenarioOrReport(const std::string& scenario, const std::string& operators_file,
                                                   std::string_view command) {
  absl::StatusOr<core::Operators> operators = core::Operators::Load(operators_file);
  absl::StatusOr<sim::Scenario> loaded =
      operators.ok() ? sim::LoadScenario(ScenarioPath(scenario),
                                         std::make_shared<const core::Operators>(*std::move(operators)))
                     : absl::StatusOr<sim::Scenario>(operators.status());
  if (!loaded.ok()) fmt::print(stderr, "pochta {}: {}\n", command, std::string(loaded.status().message()));
  return loaded;
}

std::string FormatMinutes(uint32_t minutes) {
  const uint32_t days = minutes / (24 * 60);
  const uint32_t hours = minutes / 60 % 24;
  const uint32_t mins = minutes % 60;
  if (days > 0) return fmt::format("{} d {} h {:02d} min", days, hours, mins);
  if (hours > 0) return fmt::format("{} h {:02d} min", hours, mins);
  return fmt::format("{} min", mins);
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace pochta::cli
