// The shipped network and scenarios, loaded once, for the simulator's tests.
// REQUIRES: POCHTA_NETWORK_FILE and POCHTA_SCENARIO_DIR are defined.
#pragma once

#include <string>

#include "core/network.h"
#include "gtest/gtest.h"
#include "sim/postal/scenario.h"

namespace pochta::sim::testing {

inline const core::Network& ShippedNetwork() {
  static const core::Network* network = new core::Network(*core::Network::Load(POCHTA_NETWORK_FILE));
  return *network;
}

inline Scenario Builtin(const std::string& name) {
  absl::StatusOr<Scenario> s = LoadScenario(std::string(POCHTA_SCENARIO_DIR) + "/" + name + ".scenario");
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

}  // namespace pochta::sim::testing
