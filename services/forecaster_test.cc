#include "services/forecaster.h"

#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "sim/local_time.h"
#include "sim/postal/model.h"
#include "sim/testing/shipped.h"

namespace pochta::services {
namespace {

using sim::testing::Builtin;
using sim::testing::ShippedNetwork;

sim::Time Seconds(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// A run's records, as far as they were reported by `until`.
struct Records final : sim::EventSink {
  explicit Records(core::Timestamp until) : until(until) {}
  void PreAdvice(const core::Item& item) override { bulk.items.push_back(item); }
  void Declare(const sim::Dispatch&) override {}
  void Event(core::ItemId item, const core::TrackingEvent& e, core::Operator by, core::Timestamp at) override {
    if (at <= until) bulk.events.push_back(storage::ReportedEvent{item, e, by, "", at});
  }
  core::Timestamp until;
  storage::BulkRecords bulk;
};

// A store as h1-2025 left it at the start of day 20, and a forecaster on it.
class ForecasterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::Scenario s = Builtin("h1-2025");
    const sim::LocalTime uz = sim::LocalTime::Load(s.time_zone).value();
    now_ = uz.Midnight(s.start / 86400 + 20);
    clock_.Set(core::Timestamp(std::chrono::seconds(now_)));
    dir_ = ::testing::TempDir() + "pochta_forecaster_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    storage::StoreOptions options;
    options.durability = storage::Durability::kBuffered;
    options.clock = &clock_;
    store_ = *storage::TrackingStore::Open(dir_, options);
    Records records(clock_.Now());
    sim::PostalModel(s, ShippedNetwork(), &records).Run({}, now_);
    ASSERT_TRUE(store_->BulkLoad(records.bulk).ok());
    options_.scenario = s;
    options_.days = 10;
    options_.replications = 3;
    options_.jobs = 2;
    options_.notify = std::chrono::hours(1);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<storage::ItemState> InFlow() {
    std::vector<storage::ItemState> states;
    EXPECT_TRUE(
        ForEachItemInFlow(*store_, [&](const storage::ItemState& s, sim::ItemInFlow) { states.push_back(s); }).ok());
    return states;
  }

  core::ManualClock clock_{core::Timestamp{}};
  sim::Time now_ = 0;
  std::string dir_;
  std::unique_ptr<storage::TrackingStore> store_;
  ForecastOptions options_;
};

struct LastRun final : ForecastObserver {
  void OnForecast(const Run& r) override { run = r; }
  std::optional<Run> run;
};

TEST_F(ForecasterTest, EveryItemInFlowGetsALoadAwareDate) {
  LastRun observer;
  Forecaster forecaster(*store_, ShippedNetwork(), clock_, options_, &observer);
  const std::vector<storage::ItemState> states = InFlow();
  ASSERT_GT(states.size(), 5000u);
  EXPECT_FALSE(forecaster.ExpectedFor(states[0]));  // before the first forecast
  ASSERT_TRUE(forecaster.RunOnce().ok());
  size_t dated = 0, with_p90 = 0;
  for (const storage::ItemState& s : states) {
    const std::optional<Forecaster::Expected> e = forecaster.ExpectedFor(s);
    if (!e) continue;
    ++dated;
    EXPECT_GE(Seconds(e->p50), now_) << s.id.ToString();
    EXPECT_EQ(Seconds(e->forecast_at), now_);
    if (e->p90) {
      ++with_p90;
      EXPECT_GE(*e->p90, e->p50) << s.id.ToString();
    }
  }
  EXPECT_GT(dated, states.size() * 8 / 10);
  EXPECT_GT(with_p90, dated / 2);
  // The observer (the server's metrics) is told what the run did.
  ASSERT_TRUE(observer.run);
  EXPECT_TRUE(observer.run->status.ok());
  EXPECT_EQ(observer.run->in_flow, states.size());
  EXPECT_EQ(observer.run->dated, dated);
  EXPECT_EQ(Seconds(observer.run->start), now_);
  EXPECT_GT(observer.run->took, std::chrono::nanoseconds(0));
}

TEST_F(ForecasterTest, ANewEventMovesTheEstimateAndADeliveryEndsIt) {
  Forecaster forecaster(*store_, ShippedNetwork(), clock_, options_);
  ASSERT_TRUE(forecaster.RunOnce().ok());
  // An item waiting at its delivery office is delivered: no estimate.
  // One in customs is released to sorting an hour from now: its estimate
  // is then counted from that event, as the forecast's sorting queue
  // left it, and not the one it had in customs.
  std::optional<storage::ItemState> at_office, in_customs;
  for (const storage::ItemState& s : InFlow()) {
    if (!s.latest || !forecaster.ExpectedFor(s)) continue;
    if (s.latest->code == core::EventCode::kEDH && !at_office) at_office = s;
    if (s.latest->code == core::EventCode::kEME && !in_customs) in_customs = s;
  }
  ASSERT_TRUE(at_office && in_customs);
  const core::Timestamp later = clock_.Now() + std::chrono::hours(1);
  const storage::ReportedEvent events[] = {{at_office->id, {core::EventCode::kEMI, later, at_office->latest->office}},
                                           {in_customs->id, {core::EventCode::kEDC, later, "UZTASA"}}};
  ASSERT_TRUE(store_->AppendEvents(events).ok());
  EXPECT_FALSE(forecaster.ExpectedFor(*store_->GetState(at_office->id)));
  const std::optional<Forecaster::Expected> before = forecaster.ExpectedFor(*in_customs);
  const std::optional<Forecaster::Expected> after = forecaster.ExpectedFor(*store_->GetState(in_customs->id));
  ASSERT_TRUE(before && after);
  EXPECT_GT(after->p50, later);
  EXPECT_NE(after->p50, before->p50);
  EXPECT_EQ(after->forecast_at, before->forecast_at);
}

TEST_F(ForecasterTest, ARefreshTellsWhichEstimatesMoved) {
  options_.every = std::chrono::hours(1);
  Forecaster forecaster(*store_, ShippedNetwork(), clock_, options_);
  std::mutex mu;
  std::vector<core::ItemId> moved;
  forecaster.Start([&](const std::vector<core::ItemId>& items) {
    std::lock_guard lock(mu);
    moved = items;
  });
  const auto wait_for = [&](uint64_t runs) {
    for (int i = 0; i < 6000 && forecaster.runs() < runs; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return forecaster.runs() >= runs;
  };
  ASSERT_TRUE(wait_for(1));
  // The same items, forecast again two days later: their dates move.
  clock_.Set(clock_.Now() + std::chrono::hours(48));
  forecaster.Refresh();
  ASSERT_TRUE(wait_for(2));
  forecaster.Stop();
  std::lock_guard lock(mu);
  EXPECT_GT(moved.size(), 1000u);
  const std::vector<storage::ItemState> states = InFlow();
  std::set<uint64_t> in_flow;
  for (const storage::ItemState& s : states) in_flow.insert(s.id.Pack());
  for (core::ItemId id : moved) EXPECT_TRUE(in_flow.contains(id.Pack())) << id.ToString();
}

}  // namespace
}  // namespace pochta::services
