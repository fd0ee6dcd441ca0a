#include "cli/common.h"

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "core/operators.h"
#include "fmt/format.h"

namespace pochta::cli {

std::string DataDir() {
  namespace fs = std::filesystem;
  static const std::string dir = [] {
    if (const char* env = std::getenv("POCHTA_DATA_DIR"); env != nullptr && *env != '\0') return std::string(env);
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
      const fs::path installed = (executable.parent_path() / "../share/pochta").lexically_normal();
      if (fs::exists(installed / "uz-network.txt")) return installed.string();
      fs::path tree = executable.parent_path();
      for (int up = 0; up < 3 && tree.has_relative_path(); ++up, tree = tree.parent_path()) {
        if (fs::exists(tree / "data" / "uz-network.txt")) return (tree / "data").string();
      }
    }
    return std::string("/usr/share/pochta");
  }();
  return dir;
}

std::string DefaultNetworkFile() { return DataDir() + "/uz-network.txt"; }
std::string DefaultOperatorsFile() { return DataDir() + "/operators.txt"; }

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
  return fmt::format("{}/scenarios/{}.scenario", DataDir(), name);
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
