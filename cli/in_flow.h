// The items in flow of a tracking store, as `pochta forecast` and
// `pochta backtest` read them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/tracking.h"
#include "sim/local_time.h"
#include "sim/postal/forecast.h"

namespace pochta::cli {

struct StoreInFlow {
  std::vector<sim::ItemInFlow> items;
  // Each item's expected delivery as the store holds it (the route-sum of
  // its RoutePredictor), when it holds one.
  std::vector<std::optional<core::Timestamp>> expected_delivery;
  sim::Time newest = 0;  // the newest latest event among them
};

// Every item not delivered or returned, from one snapshot of the store at
// `db`, opened read-only: a running server goes on writing undisturbed.
absl::StatusOr<StoreInFlow> ReadInFlow(const std::string& db);

// Where an item is, by the stage its latest event puts it in: "in customs".
std::string Where(const sim::ItemInFlow& item);

sim::Time Seconds(core::Timestamp t);

// "2025-03-02 14:05" on the clock's zone; "-" for kForever.
std::string Date(const sim::LocalTime& clock, sim::Time t);

}  // namespace pochta::cli
