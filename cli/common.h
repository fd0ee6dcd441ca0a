// Helpers shared by the subcommands.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/network.h"
#include "sim/postal/scenario.h"

namespace pochta::cli {

// Loads and validates the network file; on failure prints
// "pochta <command>: <reason>" to stderr and returns nothing.
std::optional<core::Network> LoadNetworkOrReport(const std::string& path, std::string_view command);

// A scenario: a built-in name or a file.
std::string ScenarioPath(const std::string& name);
// Loads the scenario with the operators file; on failure prints
// "pochta <command>: <reason>" to stderr and returns the error.
absl::StatusOr<sim::Scenario> LoadScenarioOrReport(const std::string& scenario, const std::string& operators_file,
                                                   std::string_view command);

// "40 min", "5 h 04 min", "2 d 3 h 10 min".
std::string FormatMinutes(uint32_t minutes);

// "1,234,567".
std::string Thousands(uint64_t n);

}  // namespace pochta::cli
