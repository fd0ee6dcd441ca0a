#include "services/metrics.h"

#include <filesystem>
#include <thread>

#include "gtest/gtest.h"
#include "services/alert_monitor.h"
#include "services/internal/watch_hub.h"

namespace pochta::services {
namespace {

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(MetricsTest, CountsAndHistogramsAppearInTheExposition) {
  Metrics metrics;
  const core::Operator cn = *core::Operator::Parse("CN");
  metrics.CountEvents(cn, storage::WriteOutcome::kAccepted, 998);
  metrics.CountEvents(cn, storage::WriteOutcome::kAccepted, 2);
  metrics.CountEvents(cn, storage::WriteOutcome::kRejected, 0);  // no series for nothing
  metrics.CountPreAdvice(cn, storage::WriteOutcome::kUpdated, 3);
  metrics.OnSync(5, std::chrono::milliseconds(3));
  metrics.OnSync(1, std::chrono::milliseconds(30));
  const std::string text = metrics.Scrape();
  EXPECT_TRUE(Has(text, R"(pochta_events_total{operator="CN",outcome="accepted"} 1000)")) << text;
  EXPECT_EQ(text.find(R"(outcome="rejected")"), std::string::npos);
  EXPECT_TRUE(Has(text, R"(pochta_preadvice_total{operator="CN",outcome="updated"} 3)"));
  EXPECT_TRUE(Has(text, "pochta_store_sync_batches_sum 6"));
  EXPECT_TRUE(Has(text, R"(pochta_store_sync_batches_bucket{le="4"} 1)"));
  EXPECT_TRUE(Has(text, R"(pochta_store_sync_seconds_bucket{le="0.005"} 1)"));
  EXPECT_TRUE(Has(text, R"(pochta_store_sync_seconds_bucket{le="0.05"} 2)"));
  EXPECT_EQ(text.find("pochta_store_level0_files"), std::string::npos) << "no store watched";
}

TEST(MetricsTest, ForecastsAreCountedTimedAndTheLastOnesItemsKept) {
  Metrics metrics;
  const core::Timestamp start(std::chrono::seconds(1'740'000'000));
  metrics.OnForecast({absl::OkStatus(), std::chrono::seconds(42), 600'000, 590'000, start});
  metrics.OnForecast(
      {absl::UnavailableError("store closed"), std::chrono::seconds(1), 0, 0, start + std::chrono::hours(1)});
  const std::string text = metrics.Scrape();
  EXPECT_TRUE(Has(text, R"(pochta_forecasts_total{outcome="ok"} 1)")) << text;
  EXPECT_TRUE(Has(text, R"(pochta_forecasts_total{outcome="failed"} 1)"));
  EXPECT_TRUE(Has(text, R"(pochta_forecast_seconds_bucket{le="30"} 0)"));
  EXPECT_TRUE(Has(text, R"(pochta_forecast_seconds_bucket{le="60"} 1)"));
  EXPECT_TRUE(Has(text, "pochta_forecast_seconds_count 1"));  // a failed one is not timed
  EXPECT_TRUE(Has(text, R"(pochta_forecast_items{kind="read"} 600000)"));
  EXPECT_TRUE(Has(text, R"(pochta_forecast_items{kind="dated"} 590000)"));
  EXPECT_TRUE(Has(text, "pochta_forecast_start_timestamp_seconds 1740000000"));  // the last that worked
}

TEST(MetricsTest, TheWatchedStoreIsReadAtEachScrapeUntilUnwatched) {
  std::string dir = ::testing::TempDir() + "pochta_metrics_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  {
    Metrics metrics;
    storage::StoreOptions options;
    options.durability = storage::Durability::kGroup;
    options.sync_observer = &metrics;
    options.count_by_status = true;
    std::unique_ptr<storage::TrackingStore> store = *storage::TrackingStore::Open(dir, options);
    WatchHub hub;
    AlertMonitor alerts(*store, core::Clock::Real(), AlertOptions{});
    metrics.Watch(*store, hub, alerts);
    const core::ItemId id = *core::ItemId::TryParse("RR473124829CN");
    const storage::ReportedEvent event{id, {core::EventCode::kEMD, core::Timestamp(std::chrono::hours(480000)),
                                            "UZTASA"}};
    ASSERT_TRUE(store->AppendEvents({&event, 1}).ok());
    std::string text;
    for (int i = 0; i < 1000 && !Has(text, R"(pochta_items{status="in-transit"} 1)"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the count at the open is its own thread's
      text = metrics.Scrape();
    }
    EXPECT_TRUE(Has(text, R"(pochta_items{status="in-transit"} 1)")) << text;
    EXPECT_TRUE(Has(text, R"(pochta_items{status="delivered"} 0)"));
    EXPECT_TRUE(Has(text, "pochta_store_write_batches_total 1"));
    EXPECT_TRUE(Has(text, "pochta_store_sync_batches_sum 1"));
    EXPECT_TRUE(Has(text, "pochta_store_writes_stopped 0"));
    EXPECT_TRUE(Has(text, "pochta_watches 0"));
    // An item of China Post scanned in Tashkent without pre-advice, years
    // after the scan: two alerts, once the monitor has read the feed.
    EXPECT_TRUE(Has(text, "pochta_alerts_evaluated_cursor 0"));
    ASSERT_TRUE(alerts.Poll().ok());
    text = metrics.Scrape();
    EXPECT_TRUE(Has(text, R"(pochta_alerts{kind="no-pre-advice",operator="CN"} 1)")) << text;
    EXPECT_TRUE(Has(text, R"(pochta_alerts{kind="late-event",operator="UZ"} 1)"));
    EXPECT_TRUE(Has(text, "pochta_alerts_evaluated_cursor 1"));
    metrics.Unwatch();
    EXPECT_EQ(metrics.Scrape().find("pochta_items"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pochta::services
