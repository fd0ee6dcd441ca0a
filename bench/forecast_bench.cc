// The forecast at scale. h1-2025 with every flow's postings and every
// capacity multiplied by POCHTA_BENCH_SCALE (default 24: about 500,000
// items in flow at day 60) runs to the start of day POCHTA_BENCH_DAY
// (default 60) into a new tracking store; that is set-up, not timed. Then,
// on two threads:
//
//   BM_ForecastFromStore  `pochta forecast`'s work: the items in flow read
//                         from one snapshot of the store, placed, and ten
//                         replications of 14 days forward
//   BM_ForecastFromEmpty  the baseline: the same ten replications of the
//                         same 14 days of postings from an empty network
//
// Run: build/release/bench/forecast_bench. The set-up takes minutes and
// about 11 GB of memory (the run's records are held for the bulk load).
#include <cstdlib>
#include <filesystem>

#include "bench/h1_2025.h"
#include "benchmark/benchmark.h"
#include "cli/in_flow.h"
#include "cli/store_sink.h"
#include "sim/local_time.h"
#include "sim/postal/forecast.h"

namespace pochta {
namespace {

constexpr int kDays = 14, kReplications = 10, kJobs = 2;

// The store at the forecast's start, written once for both cases.
struct Start {
  sim::Scenario scenario;
  sim::Time now = 0;
  std::string db;

  Start() : scenario(bench::H1(bench::FromEnv("POCHTA_BENCH_SCALE", 24))) {
    const sim::LocalTime uz = sim::LocalTime::Load(scenario.time_zone).value();
    now = uz.Midnight(scenario.start / 86400 + bench::FromEnv("POCHTA_BENCH_DAY", 60));
    db = (std::filesystem::temp_directory_path() / "pochta_bench_forecast_XXXXXX").string();
    if (mkdtemp(db.data()) == nullptr) std::abort();
    if (!cli::WriteRunUntil(scenario, bench::Network(), now, db).ok()) std::abort();
    scenario.days = kDays;
    scenario.drain_days = 0;
  }
  ~Start() { std::filesystem::remove_all(db); }
};

const Start& TheStart() {
  static const Start start;
  return start;
}

void BM_ForecastFromStore(benchmark::State& state) {
  const Start& start = TheStart();
  size_t items = 0;
  for (auto _ : state) {
    const absl::StatusOr<cli::StoreInFlow> read = cli::ReadInFlow(start.db);
    if (!read.ok()) state.SkipWithError("reading the store failed");
    items = read->items.size();
    const sim::Forecast f =
        sim::RunForecast(start.scenario, bench::Network(), {start.now, read->items}, kReplications, kJobs);
    benchmark::DoNotOptimize(f.items.data());
  }
  state.counters["items_in_flow"] = double(items);
}
BENCHMARK(BM_ForecastFromStore)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

void BM_ForecastFromEmpty(benchmark::State& state) {
  const Start& start = TheStart();
  for (auto _ : state) {
    const sim::Forecast f = sim::RunForecast(start.scenario, bench::Network(), {start.now, {}}, kReplications, kJobs);
    benchmark::DoNotOptimize(f.hours.data());
  }
}
BENCHMARK(BM_ForecastFromEmpty)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace pochta

BENCHMARK_MAIN();
