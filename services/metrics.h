// Metrics: what `pochta serve` tells Prometheus, kept with Debian's
// prometheus-cpp and served by its Exposer at http://ADDRESS/metrics.
//
// The gRPC families carry the names and labels go-grpc-prometheus made
// common, so existing dashboards and alerting rules apply unchanged:
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handled_total{...,grpc_code}   grpc_code as "OK", "NotFound"...
//   grpc_server_handling_seconds{...}          histogram, call start to status
//   grpc_server_open_streams{...}              streaming calls open now
// pochta's own:
//   pochta_events_total{operator,outcome}      accepted, duplicate, rejected
//   pochta_preadvice_total{operator,outcome}   accepted, duplicate, updated, rejected
//   pochta_report_batch_seconds                a ReportEvents batch, read to answer
//   pochta_store_sync_batches, _sync_seconds   write batches per acknowledging fsync, its time
//   pochta_http_requests_total{route,code}     the JSON gateway and the pages, by HTTP status
//   pochta_http_request_seconds{route}         histogram, request read to answer
//   pochta_watches                             WatchItem subscriptions now
//   pochta_feed_newest_cursor, _trimmed_cursor the event feed's bounds
//   pochta_alerts{kind,operator}               open feed-quality alerts (ListAlerts)
//   pochta_alerts_evaluated_cursor             the feed cursor the alerts are as of
//   pochta_items{status}                       items by status (kept by the store)
//   pochta_forecasts_total{outcome}            the server's forecasts: ok, failed
//   pochta_forecast_seconds                    histogram, one forecast's time
//   pochta_forecast_items{kind}                items the last forecast read, and dated
//   pochta_forecast_start_timestamp_seconds    the start of the forecast served
//   pochta_store_*                             RocksDB: stalls, compaction debt,
//                                              level-0 files, block cache, memtables
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "core/operators.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/forecaster.h"
#include "storage/tracking_store.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace pochta::services {

class AlertMonitor;
class WatchHub;

class Metrics final : public storage::SyncObserver, public ForecastObserver {
 public:
  Metrics();
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves /metrics on `listen` (host:port; port 0 picks a free one).
  // Without it the figures are kept and not served.
  absl::Status Serve(const std::string& listen);
  int port() const;  // 0 when not serving

  // Counts, times and open streams of every gRPC call, for
  // ServerBuilder::experimental().SetInterceptorCreators.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> Interceptors();

  // Reads the store's, the hub's and the alerts' figures at every scrape,
  // until Unwatch. REQUIRES: all three outlive the watch.
  void Watch(const storage::TrackingStore& store, const WatchHub& hub, const AlertMonitor& alerts);
  void Unwatch();

  void CountEvents(core::Operator by, storage::WriteOutcome outcome, uint64_t n);
  void CountPreAdvice(core::Operator by, storage::WriteOutcome outcome, uint64_t n);
  void ObserveReportBatch(std::chrono::nanoseconds took);
  // `route`: one of the gateway's few fixed route names ("item", "worklist"...).
  void ObserveHttp(const char* route, int status, std::chrono::nanoseconds took);
  void OnSync(uint64_t batches, std::chrono::nanoseconds took) override;
  void OnForecast(const Run& run) override;

  // The exposition text, as a scrape gets it. For tests.
  std::string Scrape() const;

 private:
  struct Families;
  class StoreCollector;
  class InterceptorFactory;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::shared_ptr<StoreCollector> store_collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace pochta::services
