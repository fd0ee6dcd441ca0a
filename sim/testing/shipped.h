// The shipped network and scenarios, loaded once, for the simulator's tests.
// REQUIRES: POCHTA_NETWORK_FILE, POCHTA_OPERATORS_FILE and POCHTA_SCENARIO_DIR are defined.
#pragma once

#include <memory>
#include <string>

#include "core/network.h"
#include "gtest/gtest.h"
#include "sim/postal/scenario.h"

namespace pochta::sim::testing {

inline const core::Network& ShippedNetwork() {
  static const core::Network* network = new core::Network(*core::Network::Load(POCHTA_NETWORK_FILE));
  return *network;
}

inline std::shared_ptr<const core::Operators> ShippedOperators() {
  static const auto operators = std::make_shared<const core::Operators>(*core::Operators::Load(POCHTA_OPERATORS_FILE));
  return operators;
}

inline Scenario Builtin(const std::string& name) {
  absl::StatusOr<Scenario> s =
      LoadScenario(std::string(POCHTA_SCENARIO_DIR) + "/" + name + ".scenario", ShippedOperators());
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

}  // namespace pochta::sim::testing
