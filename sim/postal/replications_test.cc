// Replications: confidence intervals, parameters, and replications run in
// parallel threads (the suite ThreadSanitizer runs: label "concurrent").
#include "sim/postal/replications.h"

#include <cmath>

#include "gtest/gtest.h"
#include "sim/postal/model.h"
#include "sim/testing/shipped.h"

namespace pochta::sim {
namespace {

const core::Network& Network() { return testing::ShippedNetwork(); }
using testing::Builtin;

// Replications 0 .. n - 1 of one scenario.
std::vector<RunSummary> Replicate(const Scenario& scenario, int replications, int jobs) {
  std::vector<Replication> runs;
  for (int r = 0; r < replications; ++r) runs.push_back({&scenario, r});
  return RunReplications(runs, Network(), jobs);
}

TEST(ReplicationsTest, ConfidenceIntervalUsesStudentsT) {
  const Estimate one = EstimateOf({5.0});
  EXPECT_EQ(one.mean, 5.0);
  EXPECT_EQ(one.half_width, 0.0);
  // Mean 2, sample sd 1, n = 3: half width t(2) * 1 / sqrt(3).
  const Estimate e = EstimateOf({1.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(e.mean, 2.0);
  EXPECT_NEAR(e.half_width, 4.303 / std::sqrt(3.0), 1e-9);
  // n = 4: t(3) = 3.182.
  EXPECT_NEAR(EstimateOf({1.0, 2.0, 3.0, 4.0}).half_width, 3.182 * std::sqrt(5.0 / 3.0) / 2.0, 1e-9);
}

TEST(ReplicationsTest, PairedDifferencesCancelWhatTheRunsShare) {
  // Replications that differ a lot from each other, and B always about 1 above A.
  const std::vector<double> a = {10, 20, 30}, b = {11, 21.2, 30.8};
  const Difference paired = DifferenceOf(a, b, true);
  EXPECT_DOUBLE_EQ(paired.mean, 1.0);
  EXPECT_NEAR(paired.half_width, 4.303 * 0.2 / std::sqrt(3.0), 1e-9);  // differences 1, 1.2, 0.8: sd 0.2
  EXPECT_TRUE(paired.significant);
  const Difference independent = DifferenceOf(a, b, false);
  EXPECT_DOUBLE_EQ(independent.mean, 1.0);
  EXPECT_FALSE(independent.significant);
  // Welch: variances 1/3 each over n = 3, df 4, t(4) = 2.776.
  const Difference welch = DifferenceOf({1, 2, 3}, {4, 5, 6}, false);
  EXPECT_DOUBLE_EQ(welch.mean, 3.0);
  EXPECT_NEAR(welch.half_width, 2.776 * std::sqrt(2.0 / 3.0), 1e-9);
  EXPECT_TRUE(welch.significant);
  // One replication gives no interval, so nothing is significant.
  const Difference one = DifferenceOf({1}, {5}, true);
  EXPECT_DOUBLE_EQ(one.mean, 4.0);
  EXPECT_EQ(one.half_width, 0.0);
  EXPECT_FALSE(one.significant);
}

// Common random numbers: two scenarios run with the same seeds get the same
// items, so pairing replications by seed isolates the scenarios' difference.
TEST(ReplicationsTest, TheSameSeedsGiveTheSameItemsInAnotherScenario) {
  Scenario normal = Builtin("h1-2025"), slow = Builtin("customs-slowdown");
  for (Scenario* s : {&normal, &slow}) {
    s->days = 15;
    s->drain_days = 20;
  }
  const std::vector<RunSummary> a = Replicate(normal, 4, 2), b = Replicate(slow, 4, 2);
  std::vector<double> on_time_a, on_time_b;
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(a[r].operators.at("all").posted, b[r].operators.at("all").posted) << r;
    on_time_a.push_back(a[r].operators.at("all").on_time_share);
    on_time_b.push_back(b[r].operators.at("all").on_time_share);
  }
  EXPECT_NE(a[0].operators.at("all").posted, a[1].operators.at("all").posted);
  const Difference paired = DifferenceOf(on_time_a, on_time_b, true);
  EXPECT_LT(paired.mean, 0);
  EXPECT_TRUE(paired.significant);
  EXPECT_LT(paired.half_width, DifferenceOf(on_time_a, on_time_b, false).half_width);
}

TEST(ReplicationsTest, ParallelReplicationsEqualSequentialRuns) {
  Scenario s = Builtin("h1-2025");
  s.days = 15;
  s.drain_days = 20;
  const std::vector<RunSummary> parallel = Replicate(s, 3, 3);
  for (size_t r = 0; r < 3; ++r) {
    Scenario one = s;
    one.seed = s.seed + r;
    const RunSummary sequential = PostalModel(one, Network(), nullptr).Run();
    EXPECT_EQ(parallel[r].tracking_events, sequential.tracking_events) << r;
    EXPECT_EQ(parallel[r].operators.at("all").delivered, sequential.operators.at("all").delivered) << r;
  }
  EXPECT_NE(parallel[0].tracking_events, parallel[1].tracking_events);
}

TEST(ReplicationsTest, KeyFigureNamesAreKnownBeforeTheRun) {
  for (const char* name : {"h1-2025", "customs-slowdown"}) {
    Scenario s = Builtin(name);
    s.days = 5;
    s.drain_days = 10;
    std::vector<std::string> ran;
    for (const auto& [figure, value] : KeyFigures(PostalModel(s, Network(), nullptr).Run())) ran.push_back(figure);
    EXPECT_EQ(KeyFigureNames(s, Network()), ran) << name;
    EXPECT_NE(std::find(ran.begin(), ran.end(), "peak backlog, UZTASA customs inspection"), ran.end());
  }
}

TEST(ReplicationsTest, WithParameterChangesOneParameterAndNamesMistakes) {
  const Scenario base = Builtin("h1-2025");
  absl::StatusOr<Scenario> more = WithParameter(base, "customs.officers", "12");
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_EQ(more->customs.officers, 12);
  EXPECT_EQ(more->operators[0].items_per_day, base.operators[0].items_per_day);
  absl::StatusOr<Scenario> cn = WithParameter(base, "operator CN.items_per_day", "100");
  ASSERT_TRUE(cn.ok()) << cn.status();
  EXPECT_EQ(cn->operators[0].items_per_day, 100);
  EXPECT_EQ(cn->operators.size(), base.operators.size());
  EXPECT_FALSE(WithParameter(base, "inward.officers", "3").ok());
  EXPECT_FALSE(WithParameter(base, "officers", "3").ok());
  EXPECT_NE(
      std::string(WithParameter(base, "customs.officers", "-1").status().message()).find("officers"),
      std::string::npos);
}

}  // namespace
}  // namespace pochta::sim
