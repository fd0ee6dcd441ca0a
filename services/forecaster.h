// Forecaster: `pochta forecast` inside the server, so that every item's
// expected delivery knows the network's load.
//
// A background thread reads the items in flow from one snapshot of the
// store, runs the forecast (sim::RunForecast) and publishes each placed
// item's p50 and p90 as one immutable table; then again every `every`, or
// at once when Refresh is called. Between refreshes a new event moves its
// item's estimate without a run: the event's time plus what was left, in
// the last forecast, to the items whose latest event had the same code
// (the medians over them of p50 - start and p90 - start).
//
// After each refresh, the items whose p50 moved by more than `notify` are
// handed to `moved`, on the forecaster's thread.
//
// Thread-safety: Expected may be called from any thread while the
// forecaster runs; Start, Refresh and Stop from one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "core/clock.h"
#include "core/network.h"
#include "sim/postal/forecast.h"
#include "sim/postal/scenario.h"
#include "storage/tracking_store.h"

namespace pochta::services {

struct ForecastOptions {
  sim::Scenario scenario;  // its network parameters and future demand
  int days = 14;
  int replications = 10;
  int jobs = 1;
  std::chrono::seconds every{3600};
  std::chrono::seconds notify{6 * 3600};  // a p50 moving more than this is told to watchers
};

// The items in flow of an open store, as a forecast places them: every item
// neither delivered nor returned, from one snapshot, with its pre-advice.
absl::Status ForEachItemInFlow(const storage::TrackingStore& store,
                               const std::function<void(const storage::ItemState&, sim::ItemInFlow)>& visit);

// Told of each forecast the server runs, on the forecaster's thread.
class ForecastObserver {
 public:
  struct Run {
    absl::Status status;
    std::chrono::nanoseconds took{};
    uint64_t in_flow = 0, dated = 0;  // items read from the store; those given an expected delivery
    core::Timestamp start{};          // the forecast's start
  };
  virtual ~ForecastObserver() = default;
  virtual void OnForecast(const Run& run) = 0;
};

class Forecaster {
 public:
  struct Expected {
    core::Timestamp p50;
    std::optional<core::Timestamp> p90;  // none: not delivered within the forecast in one replication in ten
    core::Timestamp forecast_at;         // the start of the forecast it comes from
  };

  // `observer`, when given, must outlive the forecaster.
  Forecaster(const storage::TrackingStore& store, const core::Network& network, const core::Clock& clock,
             ForecastOptions options, ForecastObserver* observer = nullptr);
  ~Forecaster();  // stops
  Forecaster(const Forecaster&) = delete;
  Forecaster& operator=(const Forecaster&) = delete;

  // Runs the first forecast on its own thread at once, then every `every`.
  void Start(std::function<void(const std::vector<core::ItemId>&)> moved = {});
  // Runs a forecast now; with a scenario, with it from now on (its closures
  // changed, say).
  void Refresh(std::optional<sim::Scenario> scenario = std::nullopt);
  void Stop();

  // The estimate for an item in this state: the last forecast's, moved by
  // the events since; none before the first forecast, for an item delivered
  // or returned, or one no forecast could place.
  std::optional<Expected> ExpectedFor(const storage::ItemState& state) const;

  // Forecasts completed; for tests and metrics.
  uint64_t runs() const { return runs_.load(); }
  // Runs one forecast on the calling thread, and tells the observer. For tests.
  absl::Status RunOnce();

 private:
  struct Table;
  void Loop();
  absl::Status Run(ForecastObserver::Run& run);

  const storage::TrackingStore& store_;
  const core::Network& network_;
  const core::Clock& clock_;
  ForecastOptions options_;  // its scenario under mu_
  ForecastObserver* const observer_;
  std::function<void(const std::vector<core::ItemId>&)> moved_;

  mutable std::mutex mu_;
  std::shared_ptr<const Table> table_;  // under mu_
  std::condition_variable cv_;
  bool refresh_ = false, stopping_ = false;  // under mu_
  std::atomic<uint64_t> runs_{0};
  std::thread thread_;
};

}  // namespace pochta::services
