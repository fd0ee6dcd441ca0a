// Discrete-event kernel speed, one core.
//
//   BM_HoldModel/10000   the classic hold model: 10,000 pending events, each
//                        of which, when it runs, schedules one more at an
//                        exponentially distributed time later. events/s.
//   BM_Mmc               an M/M/3 queue at 80% load: customers/s (3 events each).
//
// bench/sim_vs_simpy.sh runs the same two models on SimPy for a ratio.
#include "benchmark/benchmark.h"
#include "sim/kernel.h"
#include "sim/random.h"
#include "sim/testing/mmc.h"

namespace pochta::sim {
namespace {

struct Hold final : EventHandler {
  Rng rng{1};
  void OnEvent(Simulation& sim, uint64_t payload) override {
    sim.Schedule(sim.now() + 1 + Time(rng.Exponential(1'000'000)), this, payload);
  }
};

void BM_HoldModel(benchmark::State& state) {
  Simulation sim;
  Hold hold;
  for (int64_t i = 0; i < state.range(0); ++i) sim.Schedule(Time(hold.rng.Exponential(1'000'000)), &hold, uint64_t(i));
  for (int i = 0; i < 100'000; ++i) sim.Step();  // reach the steady state
  const uint64_t before = sim.events_run();
  for (auto _ : state) {
    for (int i = 0; i < 10'000; ++i) sim.Step();
  }
  state.SetItemsProcessed(int64_t(sim.events_run() - before));
}
BENCHMARK(BM_HoldModel)->Arg(10'000);

void BM_Mmc(benchmark::State& state) {
  uint64_t customers = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    const testing::MmcResult r = testing::RunMmc(2.4, 1.0, 3, 100'000, 0, seed++);
    benchmark::DoNotOptimize(r.mean_wait);
    customers += 100'000;
  }
  state.SetItemsProcessed(int64_t(customers));
}
BENCHMARK(BM_Mmc)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pochta::sim

BENCHMARK_MAIN();
