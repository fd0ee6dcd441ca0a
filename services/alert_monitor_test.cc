#include "services/alert_monitor.h"

#include <filesystem>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "storage/testing/histories.h"

namespace pochta::services {
namespace {

using core::EventCode;
using std::chrono::hours;
using storage::testing::kEpoch2025;
using storage::testing::TestItemId;

constexpr core::Operator kCN("CN"), kLV("LV"), kUZ("UZ");
const std::string kDispatch = "CNSHAAUZTASAAUN50042";

class AlertMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pochta_alerts_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    storage::StoreOptions options;
    options.durability = storage::Durability::kBuffered;
    options.clock = &clock_;
    store_ = *storage::TrackingStore::Open(dir_, options);
    options_.check_every = std::chrono::milliseconds(0);  // every Poll checks the time
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Report(core::ItemId id, EventCode code, core::Timestamp at, std::string office,
              core::Operator by = core::kUzbekistanPost, std::optional<core::Timestamp> received = std::nullopt) {
    const storage::ReportedEvent e{id, {code, at, std::move(office)}, by, "", received};
    absl::StatusOr<std::vector<storage::Outcome>> out = store_->AppendEvents({&e, 1});
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ((*out)[0].outcome, storage::WriteOutcome::kAccepted) << (*out)[0].reason;
  }
  void PreAdvise(core::ItemId id, std::string dispatch = "", int receptacle = 1) {
    core::Item item = storage::testing::TestPreAdvice(id, kEpoch2025 - hours(72));
    if (!dispatch.empty()) {
      item.dispatch_id = dispatch;
      item.receptacle_id = fmt::format("{}{:03d}000150", dispatch, receptacle);
    }
    ASSERT_TRUE(store_->PutItems({&item, 1}).ok());
  }

  // Every alert of `kind` about `op`, as "ITEM" or "OPERATOR" lines, in list order.
  std::vector<std::string> Listed(const AlertMonitor& monitor, AlertKind kind, core::Operator op) {
    absl::StatusOr<AlertMonitor::Page> page = monitor.List({.kind = kind, .op = op, .page_size = 1000});
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    for (const Alert& a : page->alerts) out.push_back(a.item ? a.item->ToString() : std::string(core::Code(a.op)));
    return out;
  }
  std::vector<Alert> All(const AlertMonitor& monitor, const AlertMonitor::Query& q = {}) {
    absl::StatusOr<AlertMonitor::Page> page = monitor.List(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->alerts : std::vector<Alert>();
  }
  uint64_t Count(const AlertMonitor& monitor, AlertKind kind, core::Operator op) {
    for (const AlertCount& c : monitor.Counts()) {
      if (c.kind == kind && c.op == op) return c.open;
    }
    return 0;
  }

  std::string dir_;
  core::ManualClock clock_{kEpoch2025};
  std::unique_ptr<storage::TrackingStore> store_;
  AlertOptions options_;
};

TEST_F(AlertMonitorTest, AnItemScannedWithoutPreAdviceIsAlertedUntilItsPreAdviceArrives) {
  AlertMonitor monitor(*store_, clock_, options_);
  PreAdvise(TestItemId(1));
  Report(TestItemId(1), EventCode::kEMD, kEpoch2025 - hours(1), "UZTASA");
  Report(TestItemId(2), EventCode::kEMC, kEpoch2025 - hours(2), "CNSHAA", kCN);  // origin side: not yet
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kNoPreAdvice, kCN).empty());

  Report(TestItemId(2), EventCode::kEMD, kEpoch2025 - hours(1), "UZTASA");
  Report(TestItemId(3, "UZ"), EventCode::kEMD, kEpoch2025 - hours(1), "UZTASA");  // Uzbek mail: not a partner's
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_EQ(Listed(monitor, AlertKind::kNoPreAdvice, kCN), std::vector<std::string>{TestItemId(2).ToString()});
  EXPECT_EQ(Count(monitor, AlertKind::kNoPreAdvice, kCN), 1u);
  absl::StatusOr<AlertMonitor::Page> page = monitor.List({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->alerts.size(), 1u);
  EXPECT_EQ(page->alerts[0].event->event.code, EventCode::kEMD);
  EXPECT_EQ(page->alerts[0].raised_at, kEpoch2025);  // when the store received the scan

  PreAdvise(TestItemId(2));
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kNoPreAdvice, kCN).empty());
  EXPECT_EQ(Count(monitor, AlertKind::kNoPreAdvice, kCN), 0u);
}

TEST_F(AlertMonitorTest, ItemsOfAnArrivedDispatchNotScannedInTimeAreAlertedUntilScanned) {
  AlertMonitor monitor(*store_, clock_, options_);
  for (uint32_t i = 1; i <= 4; ++i) PreAdvise(TestItemId(i), kDispatch, int(i));
  PreAdvise(TestItemId(5), "CNSHAAUZTASAAUN50043");  // another dispatch, not arrived
  Report(TestItemId(1), EventCode::kEMD, kEpoch2025, "UZTASA");
  clock_.Advance(hours(23));
  Report(TestItemId(2), EventCode::kEMD, kEpoch2025 + hours(23), "UZTASA");
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kUnscannedOnArrival, kCN).empty()) << "not 24 hours yet";

  clock_.Advance(hours(1));
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_EQ(Listed(monitor, AlertKind::kUnscannedOnArrival, kCN),
            (std::vector<std::string>{TestItemId(3).ToString(), TestItemId(4).ToString()}));
  const Alert first = All(monitor).at(0);
  EXPECT_EQ(first.dispatch_id, kDispatch);
  EXPECT_EQ(first.raised_at, kEpoch2025 + hours(24));

  // A late scan resolves its item.
  Report(TestItemId(4), EventCode::kEMD, kEpoch2025 + hours(25), "UZTASA");
  clock_.Advance(hours(2));
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_EQ(Listed(monitor, AlertKind::kUnscannedOnArrival, kCN), std::vector<std::string>{TestItemId(3).ToString()});
  EXPECT_EQ(Count(monitor, AlertKind::kUnscannedOnArrival, kCN), 1u);

  // Unresolved, it is listed for `keep`, then left to the enquiry process.
  clock_.Advance(options_.keep);
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kUnscannedOnArrival, kCN).empty());
}

TEST_F(AlertMonitorTest, LateEventsAreListedNewestAndCountedByTheirReporter) {
  options_.max_late_listed = 2;
  AlertMonitor monitor(*store_, clock_, options_);
  for (uint32_t i = 1; i <= 3; ++i) {  // received 27 to 29 hours after they happened
    Report(TestItemId(i), EventCode::kEMC, kEpoch2025 - hours(30), "CNSHAA", kCN, kEpoch2025 - hours(3 - i));
  }
  Report(TestItemId(4), EventCode::kEMC, kEpoch2025 - hours(23), "CNSHAA", kCN);        // in time
  Report(TestItemId(5, "LV"), EventCode::kEMC, kEpoch2025 - hours(24), "LVRIXA", kLV);  // exactly 24 hours: in time
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_EQ(Listed(monitor, AlertKind::kLateEvent, kCN),
            (std::vector<std::string>{TestItemId(2).ToString(), TestItemId(3).ToString()}));
  EXPECT_EQ(Count(monitor, AlertKind::kLateEvent, kCN), 3u);
  EXPECT_EQ(Count(monitor, AlertKind::kLateEvent, kLV), 0u);
  EXPECT_TRUE(Listed(monitor, AlertKind::kLateEvent, kUZ).empty());

  clock_.Advance(options_.keep + hours(1));
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kLateEvent, kCN).empty());
  EXPECT_EQ(Count(monitor, AlertKind::kLateEvent, kCN), 0u);
}

TEST_F(AlertMonitorTest, AQuietDayAgainstTheTrailingWeekIsLowVolume) {
  // China Post reports 200 events a day for a week, Latvia Post 50 (too
  // few to judge); then China Post 80 in the last 24 hours: the hour now
  // begun and the 23 before.
  const core::Timestamp week_start = kEpoch2025 - hours(24 * 8 - 1);
  uint32_t serial = 1;
  const auto report_day = [&](core::Operator op, const char* country, const char* office, core::Timestamp day, int n) {
    for (int i = 0; i < n; ++i) {
      const core::Timestamp at = day + std::chrono::minutes(i * 24 * 60 / n);
      Report(TestItemId(serial++, country), EventCode::kEMB, std::min(at, kEpoch2025), office, op,
             std::min(at, kEpoch2025));
    }
  };
  for (int d = 0; d < 7; ++d) {
    report_day(kCN, "CN", "CNSHAA", week_start + hours(24 * d), 200);
    report_day(kLV, "LV", "LVRIXA", week_start + hours(24 * d), 50);
  }
  report_day(kCN, "CN", "CNSHAA", kEpoch2025 - hours(23), 80);
  report_day(kLV, "LV", "LVRIXA", kEpoch2025 - hours(23), 1);

  AlertMonitor monitor(*store_, clock_, options_);
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_EQ(Listed(monitor, AlertKind::kLowVolume, kCN), std::vector<std::string>{"CN"});
  EXPECT_TRUE(Listed(monitor, AlertKind::kLowVolume, kLV).empty());
  const Alert low = All(monitor, {.kind = AlertKind::kLowVolume}).at(0);
  EXPECT_EQ(low.last_day_events, 80u);
  EXPECT_DOUBLE_EQ(low.trailing_daily_mean, 200.0);
  EXPECT_EQ(low.raised_at, kEpoch2025);

  report_day(kCN, "CN", "CNSHAA", kEpoch2025 - hours(12), 30);  // 110 of 200: above half
  EXPECT_EQ(All(monitor).at(0).last_day_events, 80u) << "as of the last check";
  ASSERT_TRUE(monitor.Poll().ok());
  EXPECT_TRUE(Listed(monitor, AlertKind::kLowVolume, kCN).empty());
  EXPECT_EQ(Count(monitor, AlertKind::kLowVolume, kCN), 0u);
}

TEST_F(AlertMonitorTest, ANewMonitorRebuildsTheAlertsFromTheFeed) {
  for (uint32_t i = 1; i <= 3; ++i) PreAdvise(TestItemId(i), kDispatch, int(i));
  Report(TestItemId(1), EventCode::kEMD, kEpoch2025, "UZTASA");
  Report(TestItemId(9), EventCode::kEMD, kEpoch2025, "UZTASA");
  Report(TestItemId(10), EventCode::kEMC, kEpoch2025 - hours(48), "CNSHAA", kCN);
  clock_.Advance(hours(25));
  std::vector<std::string> before;
  {
    AlertMonitor monitor(*store_, clock_, options_);
    ASSERT_TRUE(monitor.Poll().ok());
    for (const Alert& a : All(monitor)) before.push_back(a.item->ToString());
    EXPECT_EQ(monitor.cursor(), store_->Feed().newest);
  }
  EXPECT_EQ(before, (std::vector<std::string>{TestItemId(2).ToString(), TestItemId(3).ToString(),
                                              TestItemId(9).ToString(), TestItemId(10).ToString()}));
  AlertMonitor again(*store_, clock_, options_);
  ASSERT_TRUE(again.Poll().ok());
  std::vector<std::string> after;
  for (const Alert& a : All(again)) after.push_back(a.item->ToString());
  EXPECT_EQ(after, before);
}

TEST_F(AlertMonitorTest, PagesResumeAfterTheirTokenAndBadQueriesAreRefused) {
  AlertMonitor monitor(*store_, clock_, options_);
  for (uint32_t i = 1; i <= 5; ++i) Report(TestItemId(i), EventCode::kEMD, kEpoch2025, "UZTASA");
  Report(TestItemId(6, "LV"), EventCode::kEMD, kEpoch2025, "UZTASA");
  ASSERT_TRUE(monitor.Poll().ok());
  std::vector<std::string> paged;
  AlertMonitor::Query q{.op = kCN, .page_size = 2};
  do {
    absl::StatusOr<AlertMonitor::Page> page = monitor.List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->alerts.size(), 2u);
    for (const Alert& a : page->alerts) paged.push_back(a.item->ToString());
    q.page_token = page->next_page_token;
  } while (!q.page_token.empty());
  EXPECT_EQ(paged, Listed(monitor, AlertKind::kNoPreAdvice, kCN));
  EXPECT_EQ(paged.size(), 5u);

  EXPECT_EQ(monitor.List({.page_size = 0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(monitor.List({.page_size = 1001}).status().code(), absl::StatusCode::kInvalidArgument);
  const absl::Status bad = monitor.List({.page_token = "zz"}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("page_token \"zz\""), std::string_view::npos) << bad;
}

TEST(AlertKindTest, NamesParseBack) {
  for (AlertKind kind : kAlertKinds) EXPECT_EQ(ParseAlertKind(Name(kind)), kind);
  EXPECT_EQ(ParseAlertKind("late"), std::nullopt);
}

}  // namespace
}  // namespace pochta::services
