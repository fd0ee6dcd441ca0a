// The simulator end to end, on the built-in h1-2025 scenario and the shipped
// network, one core:
//
//   BM_ScenarioInMemory   the whole run with no sink: tracking events/s, and
//                         the time of one run (the README's "in memory")
//   BM_ScenarioIntoStore  the run's records bulk-loaded into a new tracking
//                         store: events written/s (the simulation itself is
//                         not timed)
//
// POCHTA_BENCH_DAYS shortens the days of postings (default: the scenario's).
#include <cstdlib>
#include <filesystem>

#include "bench/h1_2025.h"
#include "benchmark/benchmark.h"
#include "cli/store_sink.h"
#include "sim/postal/model.h"

namespace pochta {
namespace {

sim::Scenario H1() {
  sim::Scenario s = bench::H1();
  s.days = bench::FromEnv("POCHTA_BENCH_DAYS", s.days);
  return s;
}

void BM_ScenarioInMemory(benchmark::State& state) {
  const sim::Scenario s = H1();
  uint64_t events = 0;
  for (auto _ : state) {
    sim::PostalModel model(s, bench::Network(), nullptr);
    events += model.Run().tracking_events;
  }
  state.SetItemsProcessed(int64_t(events));
}
BENCHMARK(BM_ScenarioInMemory)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScenarioIntoStore(benchmark::State& state) {
  const sim::Scenario s = H1();
  uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = (std::filesystem::temp_directory_path() / "pochta_bench_sim_XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    storage::StoreOptions options;
    options.durability = storage::Durability::kBuffered;
    std::unique_ptr<storage::TrackingStore> store = *storage::TrackingStore::Open(dir, options);
    cli::StoreSink sink;
    sim::PostalModel(s, bench::Network(), &sink).Run();
    state.ResumeTiming();
    const absl::StatusOr<cli::StoreSink::Written> written = sink.WriteTo(*store);
    if (!written.ok() || !written->bulk) state.SkipWithError("the bulk load failed");
    state.PauseTiming();
    events += sink.events();
    store.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(int64_t(events));
}
BENCHMARK(BM_ScenarioIntoStore)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace
}  // namespace pochta

BENCHMARK_MAIN();
