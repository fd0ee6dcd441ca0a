#include "sim/kernel.h"

#include <numeric>
#include <string>

#include "gtest/gtest.h"
#include "sim/random.h"
#include "sim/resource.h"
#include "sim/testing/mmc.h"
#include "sim/transport.h"

namespace pochta::sim {
namespace {

// Records which payloads ran, and when.
struct Recorder : EventHandler {
  std::vector<std::pair<Time, uint64_t>> seen;
  void OnEvent(Simulation& sim, uint64_t payload) override { seen.emplace_back(sim.now(), payload); }
};

TEST(KernelTest, EventsRunByTimeThenInTheOrderScheduled) {
  Simulation sim;
  Recorder r;
  sim.Schedule(30, &r, 1);
  sim.Schedule(10, &r, 2);
  sim.Schedule(30, &r, 3);
  sim.Schedule(10, &r, 4);
  sim.Schedule(20, &r, 5);
  sim.Run();
  EXPECT_EQ(r.seen, (std::vector<std::pair<Time, uint64_t>>{{10, 2}, {10, 4}, {20, 5}, {30, 1}, {30, 3}}));
  EXPECT_EQ(sim.now(), 30);
  EXPECT_EQ(sim.events_run(), 5u);
}

TEST(KernelTest, RunUntilStopsAtTheTimeAndKeepsLaterEvents) {
  Simulation sim(100);
  Recorder r;
  sim.Schedule(150, &r, 1);
  sim.Schedule(200, &r, 2);
  sim.Schedule(250, &r, 3);
  sim.RunUntil(200);
  EXPECT_EQ(r.seen.size(), 2u);
  EXPECT_EQ(sim.now(), 200);
  EXPECT_EQ(sim.pending(), 1u);
  sim.RunUntil(1000);
  EXPECT_EQ(sim.now(), 1000);
  EXPECT_EQ(r.seen.back(), (std::pair<Time, uint64_t>{250, 3}));
}

TEST(KernelTest, StopEndsTheRunAfterTheCurrentEvent) {
  Simulation sim;
  int ran = 0;
  for (int i = 0; i < 10; ++i)
    sim.At(i, [&] {
      if (++ran == 3) sim.Stop();
    });
  sim.Run();
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(sim.pending(), 7u);
}

TEST(KernelTest, ActionsScheduleActions) {
  Simulation sim;
  std::vector<Time> times;
  std::function<void()> tick = [&] {
    times.push_back(sim.now());
    if (times.size() < 4) sim.At(sim.now() + 7, tick);
  };
  sim.At(0, tick);
  sim.Run();
  EXPECT_EQ(times, (std::vector<Time>{0, 7, 14, 21}));
}

TEST(RandomTest, StreamsAreReproducibleAndIndependentOfEachOther) {
  const RandomStreams streams(42);
  Rng a = streams.Stream("arrivals/CN");
  Rng b = streams.Stream("customs");
  Rng a_again = RandomStreams(42).Stream("arrivals/CN");
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, a_again.Next());
    EXPECT_NE(x, b.Next());
  }
  EXPECT_NE(RandomStreams(43).Stream("customs").Next(), RandomStreams(42).Stream("customs").Next());
}

// The ziggurat's output against the exponential distribution: moments and
// the probabilities of ten intervals, tail included.
TEST(RandomTest, ExponentialHasTheExponentialDistribution) {
  Rng rng(11);
  constexpr int kN = 2'000'000;
  const double edges[] = {0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8};
  std::vector<int> below(std::size(edges), 0);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = rng.Exponential(1.0);
    ASSERT_GE(x, 0.0);
    sum += x;
    sum2 += x * x;
    for (size_t e = 0; e < std::size(edges); ++e) below[e] += x < edges[e];
  }
  EXPECT_NEAR(sum / kN, 1.0, 0.003);
  EXPECT_NEAR(sum2 / kN, 2.0, 0.02);  // E[X^2] = 2 mean^2
  for (size_t e = 0; e < std::size(edges); ++e) {
    const double expected = 1 - std::exp(-edges[e]);
    const double sd = std::sqrt(expected * (1 - expected) / kN);
    EXPECT_NEAR(double(below[e]) / kN, expected, 5 * sd + 1e-7) << "P(X < " << edges[e] << ")";
  }
}

TEST(RandomTest, DistributionsHaveTheirMeans) {
  Rng rng(7);
  double exp_sum = 0, uni_sum = 0, ln_sum = 0;
  uint64_t below_max = 0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    exp_sum += rng.Exponential(3.0);
    uni_sum += rng.Uniform();
    ln_sum += rng.LogNormal(850, 0.6);
    below_max = std::max(below_max, rng.Below(10));
  }
  EXPECT_NEAR(exp_sum / kN, 3.0, 0.03);
  EXPECT_NEAR(uni_sum / kN, 0.5, 0.005);
  EXPECT_NEAR(ln_sum / kN, 850, 8);
  EXPECT_EQ(below_max, 9u);
}

// Grants are served first come, first served, never more than capacity at once.
struct Job : EventHandler {
  Resource* resource;
  Time service;
  std::vector<std::pair<Time, uint64_t>> started;
  void OnEvent(Simulation& sim, uint64_t payload) override {
    if (payload >= 1000) {
      resource->Release();
      return;
    }
    started.emplace_back(sim.now(), payload);
    sim.Schedule(sim.now() + service, this, payload + 1000);
  }
};

TEST(ResourceTest, ServesInArrivalOrderWithinCapacity) {
  Simulation sim;
  Resource desk(sim, 2);
  Job job;
  job.resource = &desk;
  job.service = 10;
  for (uint64_t i = 0; i < 5; ++i) desk.Request(&job, i);
  EXPECT_EQ(desk.queued(), 3u);
  sim.Run();
  EXPECT_EQ(job.started, (std::vector<std::pair<Time, uint64_t>>{{0, 0}, {0, 1}, {10, 2}, {10, 3}, {20, 4}}));
  EXPECT_EQ(desk.served(), 5u);
  EXPECT_EQ(desk.max_queued(), 3u);
  EXPECT_NEAR(desk.Utilisation(), 5.0 * 10 / (2 * 30), 1e-9);
}

TEST(ResourceTest, ShiftsChangeCapacity) {
  Simulation sim;
  Resource desk(sim, 0);  // closed until the shift starts
  Job job;
  job.resource = &desk;
  job.service = 10;
  for (uint64_t i = 0; i < 3; ++i) desk.Request(&job, i);
  sim.At(100, [&] { desk.SetCapacity(3); });
  sim.Run();
  EXPECT_EQ(job.started.front().first, 100);
  EXPECT_EQ(job.started.size(), 3u);
}

TEST(TransportTest, LeavesOnTimetableWithCapacityAndArrivesAfterTransit) {
  Simulation sim;
  Recorder arrivals;
  std::vector<std::pair<Time, uint64_t>> departed;
  ScheduledTransport truck(sim, TransportTimetable{{8 * 3600, 20 * 3600}, 2, 5 * 3600}, &arrivals,
                           [&](uint64_t payload) { departed.emplace_back(sim.now(), payload); });
  for (uint64_t i = 0; i < 5; ++i) truck.Board(i);
  sim.Run();
  const std::vector<std::pair<Time, uint64_t>> expected = {
      {13 * 3600, 0}, {13 * 3600, 1}, {25 * 3600, 2}, {25 * 3600, 3}, {(24 + 13) * 3600, 4}};
  EXPECT_EQ(arrivals.seen, expected);
  const std::vector<std::pair<Time, uint64_t>> left = {
      {8 * 3600, 0}, {8 * 3600, 1}, {20 * 3600, 2}, {20 * 3600, 3}, {(24 + 8) * 3600, 4}};
  EXPECT_EQ(departed, left);
  EXPECT_EQ(truck.departures(), 3u);
  EXPECT_EQ(truck.max_waiting(), 5u);
  EXPECT_EQ(truck.NextDeparture(20 * 3600 + 1), (24 + 8) * 3600);
}

// A flight of 100 kg: loads go in order until the next does not fit; it
// and all behind it wait, and a load heavier than the flight goes alone.
TEST(TransportTest, LoadsBySizeInOrderAndAnOversizeLoadLeavesAlone) {
  Simulation sim;
  Recorder arrivals;
  ScheduledTransport flight(sim, TransportTimetable{{3 * 3600}, 100, 3600}, &arrivals);
  const uint32_t kilograms[] = {40, 50, 30, 5, 150, 60};
  for (uint64_t i = 0; i < 6; ++i) flight.Board(i, kilograms[i]);
  sim.Run();
  constexpr Time kDay = 24 * 3600;
  const std::vector<std::pair<Time, uint64_t>> expected = {
      {4 * 3600, 0}, {4 * 3600, 1},                  // 90 kg; 30 more would not fit, nor may 5 kg jump the queue
      {kDay + 4 * 3600, 2}, {kDay + 4 * 3600, 3},    // 35 kg; 150 kg waits for an empty flight
      {2 * kDay + 4 * 3600, 4},                      // alone
      {3 * kDay + 4 * 3600, 5}};
  EXPECT_EQ(arrivals.seen, expected);
}

TEST(TransportTest, WaitingItemsCanBeTakenOff) {
  Simulation sim;
  Recorder arrivals;
  ScheduledTransport truck(sim, TransportTimetable{{8 * 3600}, 10, 3600}, &arrivals);
  for (uint64_t i = 0; i < 3; ++i) truck.Board(i);
  EXPECT_EQ(truck.TakeWaiting(), (std::vector<uint64_t>{0, 1, 2}));
  sim.Run();
  EXPECT_TRUE(arrivals.seen.empty());
  EXPECT_EQ(sim.now(), 8 * 3600);  // the departure left empty
  truck.Board(7);                  // in time for a departure at this very second
  sim.Run();
  EXPECT_EQ(arrivals.seen, (std::vector<std::pair<Time, uint64_t>>{{9 * 3600, 7}}));
}

TEST(QueueingTest, SameSeedGivesTheSameRun) {
  const testing::MmcResult a = testing::RunMmc(2.4, 1.0, 3, 20000, 1000, 99);
  const testing::MmcResult b = testing::RunMmc(2.4, 1.0, 3, 20000, 1000, 99);
  EXPECT_EQ(a.mean_wait, b.mean_wait);
  EXPECT_EQ(a.events, b.events);
  EXPECT_NE(testing::RunMmc(2.4, 1.0, 3, 20000, 1000, 100).mean_wait, a.mean_wait);
}

// The mean wait of an M/M/3 queue at 80% load against Erlang C: the formula
// lies within the 95% confidence interval of ten replications.
TEST(QueueingTest, MmcWaitMatchesErlangC) {
  constexpr double kLambda = 2.4, kMu = 1.0;
  constexpr int kServers = 3;
  std::vector<double> waits;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    waits.push_back(testing::RunMmc(kLambda, kMu, kServers, 200000, 20000, seed).mean_wait);
  }
  const double mean = std::accumulate(waits.begin(), waits.end(), 0.0) / double(waits.size());
  double var = 0;
  for (double w : waits) var += (w - mean) * (w - mean);
  const double half_width = 2.262 * std::sqrt(var / double(waits.size() - 1) / double(waits.size()));  // t(9)
  const double expected = testing::ErlangCWait(kLambda, kMu, kServers);
  EXPECT_NEAR(expected, 1.0787, 1e-3);  // Erlang C for a = 2.4, c = 3
  EXPECT_NEAR(mean, expected, half_width) << "simulated " << mean << " +- " << half_width;
  EXPECT_LT(half_width, 0.05 * expected);
}

// Little's law: the time-average number in the system equals the arrival
// rate times the mean time in the system.
TEST(QueueingTest, LittlesLawHolds) {
  const testing::MmcResult r = testing::RunMmc(2.4, 1.0, 3, 300000, 10000, 5);
  EXPECT_NEAR(r.mean_number_in_system, r.arrival_rate * r.mean_in_system, 0.01 * r.mean_number_in_system);
}

}  // namespace
}  // namespace pochta::sim
