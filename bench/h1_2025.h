// The benchmarks' workload: the shipped network and the h1-2025 scenario,
// optionally grown, every flow's postings and every capacity multiplied by
// `scale` (the mail and the means to carry it).
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "core/network.h"
#include "core/operators.h"
#include "sim/postal/scenario.h"

namespace pochta::bench {

inline const core::Network& Network() {
  static const core::Network network = *core::Network::Load(POCHTA_NETWORK_FILE);
  return network;
}

inline sim::Scenario H1(int scale = 1) {
  auto operators = std::make_shared<const core::Operators>(*core::Operators::Load(POCHTA_OPERATORS_FILE));
  sim::Scenario s = *sim::LoadScenario(std::string(POCHTA_SCENARIO_DIR) + "/h1-2025.scenario", std::move(operators));
  for (sim::OperatorFlow& f : s.operators) {
    f.items_per_day *= scale;
    f.flight_capacity_kg *= scale;
  }
  s.scan_per_hour *= scale;
  s.sort_per_hour *= scale;
  s.customs.officers *= scale;
  s.truck_capacity *= scale;
  s.air_capacity *= scale;
  s.van_capacity *= scale;
  return s;
}

// An integer from the environment, for a benchmark's size.
inline int FromEnv(const char* name, int otherwise) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : otherwise;
}

}  // namespace pochta::bench
