#include "sim/plan.h"

#include <random>

#include "gtest/gtest.h"
#include "sim/testing/mmc.h"

namespace pochta::sim {
namespace {

using Verdict = Trial::Verdict;

// One M/M/c stage: arrivals at lambda = 4 an hour; the goal is a mean wait
// in queue of at most `goal_hours`. Replication r runs seed 100 + r at
// every setting (common random numbers).
struct MmcGrid {
  static constexpr double kLambda = 4;
  Grid grid;  // servers, service rate
  int runs = 0;

  std::vector<double> Run(size_t setting, int first, int count) {
    const std::vector<double> v = grid.Values(setting);
    std::vector<double> waits;
    for (int r = first; r < first + count; ++r, ++runs) {
      waits.push_back(testing::RunMmc(kLambda, v[1], int(v[0]), 20000, 2000, 100 + uint64_t(r)).mean_wait);
    }
    return waits;
  }
  Evaluate Evaluator() {
    return [this](size_t setting, int first, int count) { return Run(setting, first, count); };
  }
  double ExactWait(size_t setting) const {
    const std::vector<double> v = grid.Values(setting);
    return v[0] * v[1] > kLambda ? testing::ErlangCWait(kLambda, v[1], int(v[0])) : 1e9;
  }
  // Erlang C's answer: the cheapest setting whose exact mean wait meets the goal.
  std::optional<size_t> Cheapest(double goal_hours) const {
    std::optional<size_t> best;
    for (size_t s = 0; s < grid.size(); ++s) {
      if (ExactWait(s) <= goal_hours && (!best || grid.Cost(s) < grid.Cost(*best))) best = s;
    }
    return best;
  }
};

const Trial& TrialOf(const Plan& plan, size_t setting) {
  for (const Trial& t : plan.trials) {
    if (t.setting == setting) return t;
  }
  ADD_FAILURE() << "setting " << setting << " was not tried";
  return plan.trials.front();
}

TEST(PlanTest, FindsTheFewestServersThatErlangCSays) {
  MmcGrid mmc;
  mmc.grid = {{{5, 6, 7, 8, 9, 10, 11, 12}, {1.0}}, {1, 0}};
  const Goal goal{"mean wait", false, 0.1};
  const std::optional<size_t> expected = mmc.Cheapest(goal.target);
  ASSERT_TRUE(expected.has_value());
  ASSERT_EQ(mmc.grid.Values(*expected)[0], 7);  // Wq = 0.045 h; 6 servers: 0.142 h

  const Plan plan = Search(mmc.grid, goal, PlanOptions{}, mmc.Evaluator());
  ASSERT_TRUE(plan.answer.has_value());
  EXPECT_EQ(*plan.answer, *expected);
  const Trial& answer = TrialOf(plan, *expected);
  EXPECT_EQ(answer.verdict, Verdict::kMeets);
  EXPECT_NEAR(answer.mean, mmc.ExactWait(*expected), answer.margin);
  const Trial& six = TrialOf(plan, *expected - 1);
  EXPECT_EQ(six.verdict, Verdict::kMisses);
  EXPECT_NEAR(six.mean, mmc.ExactWait(*expected - 1), six.margin);
  // 12 servers first, then the bisection: 9, 7, 6 (6 misses, so 5 do).
  std::vector<double> run;
  for (const Trial& t : plan.trials) {
    if (t.verdict != Verdict::kImpliedMiss && t.verdict != Verdict::kImpliedMeet) run.push_back(mmc.grid.Values(t.setting)[0]);
  }
  EXPECT_EQ(run, (std::vector<double>{12, 9, 7, 6}));
  EXPECT_EQ(TrialOf(plan, 0).verdict, Verdict::kImpliedMiss);
  EXPECT_EQ(TrialOf(plan, 0).implied_by, *expected - 1);
}

TEST(PlanTest, FindsTheCheapestOfTwoParametersThatErlangCSays) {
  MmcGrid mmc;
  mmc.grid = {{{4, 5, 6, 7, 8, 9, 10}, {1.0, 1.25, 1.5, 1.75, 2.0}}, {5, 25}};
  const Goal goal{"mean wait", false, 0.08};
  const std::optional<size_t> expected = mmc.Cheapest(goal.target);
  ASSERT_TRUE(expected.has_value());
  // A clear case: the answer waits well under the goal, every cheaper
  // setting well over it.
  EXPECT_LT(mmc.ExactWait(*expected), 0.6 * goal.target);
  for (size_t s = 0; s < mmc.grid.size(); ++s) {
    if (mmc.grid.Cost(s) < mmc.grid.Cost(*expected)) {
      EXPECT_GT(mmc.ExactWait(s), 1.5 * goal.target) << s;
    }
  }

  const Plan plan = Search(mmc.grid, goal, PlanOptions{}, mmc.Evaluator());
  ASSERT_TRUE(plan.answer.has_value());
  EXPECT_EQ(*plan.answer, *expected);
  // Monotonicity spares settings: a miss at (c, mu) implies misses at every
  // setting with no more servers and no faster service.
  size_t implied = 0;
  for (const Trial& t : plan.trials) {
    if (t.verdict != Verdict::kImpliedMiss) continue;
    ++implied;
    const std::vector<double> setting = mmc.grid.Values(t.setting), by = mmc.grid.Values(t.implied_by);
    EXPECT_LE(setting[0], by[0]);
    EXPECT_LE(setting[1], by[1]);
    EXPECT_TRUE(t.values.empty());
  }
  EXPECT_GT(implied, 0u);

  // Without the assumption every cheaper setting is run, to the same answer.
  MmcGrid every = mmc;
  PlanOptions cost_order;
  cost_order.assume_monotone = false;
  const Plan checked = Search(every.grid, goal, cost_order, every.Evaluator());
  ASSERT_TRUE(checked.answer.has_value());
  EXPECT_EQ(*checked.answer, *expected);
  for (const Trial& t : checked.trials) {
    EXPECT_TRUE(t.verdict == Verdict::kMisses || t.setting == *expected) << t.setting;
    EXPECT_LE(every.grid.Cost(t.setting), every.grid.Cost(*expected));
  }
}

TEST(PlanTest, BisectsALineInsteadOfRunningEveryCheaperSetting) {
  // 64 settings, the figure is the setting's number (plus noise); the
  // fewest that meets ">= 49.5" is 50.
  Grid grid{{{}}, {1}};
  for (int v = 0; v < 64; ++v) grid.axes[0].push_back(v);
  int settings_run = 0;
  const Evaluate evaluate = [&](size_t setting, int first, int count) {
    if (first == 0) ++settings_run;
    std::vector<double> values;
    for (int r = first; r < first + count; ++r) values.push_back(double(setting) + 0.01 * (r % 3 - 1));
    return values;
  };
  const Goal goal{"figure", true, 49.5};
  const Plan plan = Search(grid, goal, PlanOptions{}, evaluate);
  ASSERT_TRUE(plan.answer.has_value());
  EXPECT_EQ(*plan.answer, 50u);
  EXPECT_EQ(settings_run, 7);  // 63, then 32, 48, 56, 52, 50, 49
  EXPECT_EQ(TrialOf(plan, 49).verdict, Verdict::kMisses);
  EXPECT_EQ(TrialOf(plan, 10).verdict, Verdict::kImpliedMiss);

  settings_run = 0;
  PlanOptions cost_order;
  cost_order.assume_monotone = false;
  EXPECT_EQ(Search(grid, goal, cost_order, evaluate).answer, 50u);
  EXPECT_EQ(settings_run, 51);
}

TEST(PlanTest, SaysWhenNoSettingMeetsTheGoalAfterTheMostCapableOne) {
  MmcGrid mmc;
  mmc.grid = {{{5, 6}, {1.0}}, {1, 0}};
  const Plan plan = Search(mmc.grid, Goal{"mean wait", false, 0.1}, PlanOptions{}, mmc.Evaluator());
  EXPECT_FALSE(plan.answer.has_value());
  ASSERT_EQ(plan.trials.size(), 2u);
  EXPECT_EQ(plan.trials[0].setting, 1u);
  EXPECT_EQ(plan.trials[0].verdict, Verdict::kMisses);
  EXPECT_EQ(plan.trials[1].verdict, Verdict::kImpliedMiss);
  EXPECT_EQ(mmc.runs, 5);
}

TEST(PlanTest, RunsMoreReplicationsOnlyWhereTheDecisionIsClose) {
  // Setting s's figure: its mean plus noise that depends on the replication
  // alone (common random numbers); the goal is >= 20.
  const std::vector<double> means = {10, 20.05, 30};
  const Grid grid{{{0, 1, 2}}, {1}};
  std::vector<std::pair<size_t, int>> calls;  // setting, first
  const Evaluate evaluate = [&](size_t setting, int first, int count) {
    calls.emplace_back(setting, first);
    std::vector<double> values;
    for (int r = first; r < first + count; ++r) {
      std::mt19937_64 noise{uint64_t(r)};
      values.push_back(means[setting] + std::normal_distribution<double>(0, 1)(noise));
    }
    return values;
  };
  PlanOptions cost_order;  // no bisection: the settings in order of cost
  cost_order.assume_monotone = false;
  const Plan plan = Search(grid, Goal{"figure", true, 20}, cost_order, evaluate);
  ASSERT_TRUE(plan.answer.has_value());
  EXPECT_EQ(*plan.answer, 2u);
  EXPECT_EQ(plan.looks, 4);  // 5, 10, 20, 40 replications
  EXPECT_NEAR(plan.look_level, 1 - 0.05 / 4, 1e-12);
  EXPECT_EQ(TrialOf(plan, 0).values.size(), 5u);
  EXPECT_EQ(TrialOf(plan, 0).verdict, Verdict::kMisses);
  EXPECT_EQ(TrialOf(plan, 2).values.size(), 5u);
  const Trial& close = TrialOf(plan, 1);
  EXPECT_EQ(close.verdict, Verdict::kTooClose);
  EXPECT_EQ(close.values.size(), 40u);
  // Each batch continues the replications where the last one stopped.
  const std::vector<std::pair<size_t, int>> expected = {{0, 0}, {1, 0}, {1, 5}, {1, 10}, {1, 20}, {2, 0}};
  EXPECT_EQ(calls, expected);
}

TEST(PlanTest, ParsesGoalsAndNamesWhatIsWrong) {
  absl::StatusOr<Goal> goal = ParseGoal(" on-time share, % >= 95 ");
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->figure, "on-time share, %");
  EXPECT_TRUE(goal->at_least);
  EXPECT_EQ(goal->target, 95);
  goal = ParseGoal("transit days p90<=12.5");
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_FALSE(goal->at_least);
  EXPECT_EQ(goal->target, 12.5);
  EXPECT_EQ(ParseGoal("transit days p90 < 12").status().message(),
            "goal \"transit days p90 < 12\" has no >= or <=: write FIGURE >= NUMBER or FIGURE <= NUMBER");
  EXPECT_EQ(ParseGoal(">= 12").status().message(),
            "goal \">= 12\" must be FIGURE >= NUMBER or FIGURE <= NUMBER");
  EXPECT_EQ(ParseGoal("on time >= most").status().message(),
            "goal \"on time >= most\" must be FIGURE >= NUMBER or FIGURE <= NUMBER");
}

}  // namespace
}  // namespace pochta::sim
