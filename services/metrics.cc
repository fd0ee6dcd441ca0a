#include "services/metrics.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "fmt/format.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "services/alert_monitor.h"
#include "services/internal/http_server.h"
#include "services/internal/watch_hub.h"

namespace pochta::services {
namespace {

namespace gx = grpc::experimental;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Seconds, 0.5 ms to 60 s: unary reads take well under a millisecond, a
// group commit a few, a stream minutes (past the last bucket).
const prometheus::Histogram::BucketBoundaries kSecondsBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60};
const prometheus::Histogram::BucketBoundaries kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256};
// A forecast in the server: seconds on a small store, minutes on a large one.
const prometheus::Histogram::BucketBoundaries kForecastBuckets = {1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};

// go-grpc-prometheus's names of the status codes (Go's codes.Code.String()).
constexpr std::array<const char*, 17> kCodeNames = {
    "OK",       "Canceled",           "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
    "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};

const char* TypeName(gx::ServerRpcInfo::Type type) {
  switch (type) {
    case gx::ServerRpcInfo::Type::UNARY: return "unary";
    case gx::ServerRpcInfo::Type::CLIENT_STREAMING: return "client_stream";
    case gx::ServerRpcInfo::Type::SERVER_STREAMING: return "server_stream";
    case gx::ServerRpcInfo::Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unknown";
}

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

ClientMetric Sample(double value, MetricType type, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  return m;
}

MetricFamily Family(std::string name, std::string help, MetricType type, std::vector<ClientMetric> samples) {
  return MetricFamily{std::move(name), std::move(help), type, std::move(samples)};
}

}  // namespace

struct Metrics::Families {
  explicit Families(prometheus::Registry& r)
      : started(prometheus::BuildCounter()
                    .Name("grpc_server_started_total")
                    .Help("gRPC calls started on the server")
                    .Register(r)),
        handled(prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("gRPC calls completed on the server, by status code")
                    .Register(r)),
        handling(prometheus::BuildHistogram()
                     .Name("grpc_server_handling_seconds")
                     .Help("Time from the start of a gRPC call to its status")
                     .Register(r)),
        open_streams(prometheus::BuildGauge()
                         .Name("grpc_server_open_streams")
                         .Help("Streaming gRPC calls open now")
                         .Register(r)),
        events(prometheus::BuildCounter()
                   .Name("pochta_events_total")
                   .Help("Tracking events received, by reporting operator and outcome")
                   .Register(r)),
        preadvice(prometheus::BuildCounter()
                      .Name("pochta_preadvice_total")
                      .Help("Pre-advised items received, by sending operator and outcome")
                      .Register(r)),
        report_batch(prometheus::BuildHistogram()
                         .Name("pochta_report_batch_seconds")
                         .Help("A ReportEvents batch, from its arrival to its answer (durable)")
                         .Register(r)
                         .Add({}, kSecondsBuckets)),
        sync_batches(prometheus::BuildHistogram()
                         .Name("pochta_store_sync_batches")
                         .Help("Write batches made durable by one fsync of the write-ahead log")
                         .Register(r)
                         .Add({}, kBatchBuckets)),
        sync_seconds(prometheus::BuildHistogram()
                         .Name("pochta_store_sync_seconds")
                         .Help("Time of one acknowledging fsync of the write-ahead log")
                         .Register(r)
                         .Add({}, kSecondsBuckets)),
        http_requests(prometheus::BuildCounter()
                          .Name("pochta_http_requests_total")
                          .Help("Requests to the JSON gateway and the pages, by route and HTTP status")
                          .Register(r)),
        http_seconds(prometheus::BuildHistogram()
                         .Name("pochta_http_request_seconds")
                         .Help("Time to answer a request to the JSON gateway or a page, by route")
                         .Register(r)),
        forecasts(prometheus::BuildCounter()
                      .Name("pochta_forecasts_total")
                      .Help("Forecasts of the items in flow run by the server, by outcome (ok, failed)")
                      .Register(r)),
        forecast_seconds(prometheus::BuildHistogram()
                             .Name("pochta_forecast_seconds")
                             .Help("Time of one forecast: the store read, the replications, the new estimates")
                             .Register(r)
                             .Add({}, kForecastBuckets)),
        forecast_items(prometheus::BuildGauge()
                           .Name("pochta_forecast_items")
                           .Help("Items in flow the last forecast read (read), and those it dated (dated)")
                           .Register(r)),
        forecast_start(prometheus::BuildGauge()
                           .Name("pochta_forecast_start_timestamp_seconds")
                           .Help("The start of the forecast the expected deliveries come from, Unix time")
                           .Register(r)
                           .Add({})) {}

  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& handling;
  prometheus::Family<prometheus::Gauge>& open_streams;
  prometheus::Family<prometheus::Counter>& events;
  prometheus::Family<prometheus::Counter>& preadvice;
  prometheus::Histogram& report_batch;
  prometheus::Histogram& sync_batches;
  prometheus::Histogram& sync_seconds;
  prometheus::Family<prometheus::Counter>& http_requests;
  prometheus::Family<prometheus::Histogram>& http_seconds;
  prometheus::Family<prometheus::Counter>& forecasts;
  prometheus::Histogram& forecast_seconds;
  prometheus::Family<prometheus::Gauge>& forecast_items;
  prometheus::Gauge& forecast_start;
};

// The figures read at scrape time: the store's, the watch hub's and the
// alert monitor's.
class Metrics::StoreCollector final : public prometheus::Collectable {
 public:
  void Watch(const storage::TrackingStore* store, const WatchHub* hub, const AlertMonitor* alerts) {
    std::lock_guard lock(mu_);
    store_ = store;
    hub_ = hub;
    alerts_ = alerts;
  }

  std::vector<MetricFamily> Collect() const override {
    std::lock_guard lock(mu_);  // Unwatch waits for a scrape in progress
    if (!store_) return {};
    const storage::StoreMetrics m = store_->Metrics();
    std::vector<MetricFamily> out;
    const auto add = [&](const char* name, const char* help, MetricType type, double value) {
      out.push_back(Family(name, help, type, {Sample(value, type)}));
    };
    add("pochta_store_write_batches_total", "Write batches committed to the store", MetricType::Counter,
        double(m.batches_written));
    add("pochta_store_written_bytes_total", "Bytes of the committed write batches", MetricType::Counter,
        double(m.bytes_written));
    add("pochta_store_write_stall_seconds_total", "Time RocksDB slowed down or stopped writes", MetricType::Counter,
        double(m.write_stall_micros) / 1e6);
    add("pochta_store_writes_stopped", "1 while RocksDB stops writes (too many level-0 files or memtables)",
        MetricType::Gauge, m.writes_stopped ? 1 : 0);
    add("pochta_store_pending_compaction_bytes", "Bytes compaction still has to rewrite, estimated",
        MetricType::Gauge, double(m.pending_compaction_bytes));
    add("pochta_store_level0_files", "Table files in level 0, all column families", MetricType::Gauge,
        double(m.level0_files));
    add("pochta_store_block_cache_hits_total", "Block-cache lookups that hit", MetricType::Counter,
        double(m.block_cache_hits));
    add("pochta_store_block_cache_misses_total", "Block-cache lookups that missed", MetricType::Counter,
        double(m.block_cache_misses));
    add("pochta_store_memtable_bytes", "Memtables of all column families, with those being flushed",
        MetricType::Gauge, double(m.memtable_bytes));
    add("pochta_store_block_cache_bytes", "Data, index and filter blocks in the block cache", MetricType::Gauge,
        double(m.block_cache_bytes));
    add("pochta_store_running_compactions", "Compactions running now", MetricType::Gauge,
        double(m.running_compactions));
    add("pochta_store_running_flushes", "Memtable flushes running now", MetricType::Gauge,
        double(m.running_flushes));
    add("pochta_watches", "WatchItem subscriptions now", MetricType::Gauge, double(hub_->watchers()));
    const storage::FeedBounds feed = store_->Feed();
    add("pochta_feed_newest_cursor", "The event feed's newest cursor", MetricType::Gauge, double(feed.newest));
    add("pochta_feed_trimmed_cursor", "The event feed's newest trimmed cursor (kept: the ones after it)",
        MetricType::Gauge, double(feed.trimmed));
    std::vector<ClientMetric> open;
    for (const AlertCount& c : alerts_->Counts()) {
      open.push_back(Sample(double(c.open), MetricType::Gauge,
                            {{"kind", std::string(Name(c.kind))}, {"operator", std::string(core::Code(c.op))}}));
    }
    out.push_back(Family("pochta_alerts", "Open feed-quality alerts (ListAlerts), by kind and operator",
                         MetricType::Gauge, std::move(open)));
    add("pochta_alerts_evaluated_cursor", "The event feed's cursor up to which the alerts are evaluated",
        MetricType::Gauge, double(alerts_->cursor()));
    if (!m.items_by_status.empty()) {  // once the store's count at its open is done
      std::vector<ClientMetric> samples;
      for (size_t s = 0; s < m.items_by_status.size(); ++s) {
        samples.push_back(Sample(double(m.items_by_status[s]), MetricType::Gauge,
                                 {{"status", std::string(core::Name(core::ItemStatus(s)))}}));
      }
      out.push_back(Family("pochta_items", "Items in the store, by status", MetricType::Gauge, std::move(samples)));
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  const storage::TrackingStore* store_ = nullptr;
  const WatchHub* hub_ = nullptr;
  const AlertMonitor* alerts_ = nullptr;
};

// One gRPC method's series, made once per method.
struct MethodSeries {
  std::map<std::string, std::string> labels;
  prometheus::Counter* started;
  prometheus::Histogram* handling;
  prometheus::Gauge* open_streams;  // streaming methods only
  // By status code, made at its first use.
  std::array<std::atomic<prometheus::Counter*>, kCodeNames.size()> handled{};
};

class CallInterceptor final : public gx::Interceptor {
 public:
  CallInterceptor(MethodSeries& series, prometheus::Family<prometheus::Counter>& handled)
      : series_(series), handled_(handled), start_(std::chrono::steady_clock::now()) {
    series_.started->Increment();
    if (series_.open_streams) series_.open_streams->Increment();
  }
  ~CallInterceptor() override {
    if (!done_) Done(grpc::StatusCode::CANCELLED);  // ended without a status of its own
    if (series_.open_streams) series_.open_streams->Decrement();
  }

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Done(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Done(grpc::StatusCode code) {
    done_ = true;
    series_.handling->Observe(Seconds(std::chrono::steady_clock::now() - start_));
    const size_t c = size_t(code) < kCodeNames.size() ? size_t(code) : size_t(grpc::StatusCode::UNKNOWN);
    prometheus::Counter* counter = series_.handled[c].load(std::memory_order_acquire);
    if (!counter) {  // Add returns the one counter of these labels, whoever asks first
      std::map<std::string, std::string> labels = series_.labels;
      labels["grpc_code"] = kCodeNames[c];
      counter = &handled_.Add(labels);
      series_.handled[c].store(counter, std::memory_order_release);
    }
    counter->Increment();
  }

  MethodSeries& series_;
  prometheus::Family<prometheus::Counter>& handled_;
  const std::chrono::steady_clock::time_point start_;
  bool done_ = false;
};

class Metrics::InterceptorFactory final : public gx::ServerInterceptorFactoryInterface {
 public:
  explicit InterceptorFactory(Families& families) : families_(families) {}

  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new CallInterceptor(Series(info->method(), info->type()), families_.handled);
  }

 private:
  MethodSeries& Series(const char* method, gx::ServerRpcInfo::Type type) {
    std::lock_guard lock(mu_);
    auto it = series_.find(std::string_view(method));
    if (it != series_.end()) return it->second;
    // "/pochta.v1.TrackingService/GetItem": the server only creates
    // interceptors for the methods it has, so the labels stay few.
    const std::string_view full(method);
    const size_t slash = full.rfind('/');
    const std::string service(full.substr(full.empty() ? 0 : 1, slash == std::string_view::npos ? 0 : slash - 1));
    const std::string name(slash == std::string_view::npos ? full : full.substr(slash + 1));
    MethodSeries& s = series_[std::string(method)];
    s.labels = {{"grpc_type", TypeName(type)}, {"grpc_service", service}, {"grpc_method", name}};
    s.started = &families_.started.Add(s.labels);
    s.handling = &families_.handling.Add(s.labels, kSecondsBuckets);
    s.open_streams = type == gx::ServerRpcInfo::Type::UNARY
                         ? nullptr
                         : &families_.open_streams.Add({{"grpc_service", service}, {"grpc_method", name}});
    return s;
  }

  Families& families_;
  std::mutex mu_;
  std::map<std::string, MethodSeries, std::less<>> series_;  // node-stable: interceptors keep references
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)),
      store_collector_(std::make_shared<StoreCollector>()) {}

Metrics::~Metrics() = default;

absl::Status Metrics::Serve(const std::string& listen) {
  // civetweb takes what it cannot parse for a port alone: check it here.
  absl::StatusOr<ListenAddress> address = ParseListenAddress(listen, "--metrics-listen");
  if (!address.ok()) return address.status();
  const bool v6 = address->host.find(':') != std::string::npos;
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(
        v6 ? fmt::format("[{}]:{}", address->host, address->port) : fmt::format("{}:{}", address->host, address->port),
        /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(fmt::format("--metrics-listen {}: cannot listen: {}", listen, e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(store_collector_);
  return absl::OkStatus();
}

int Metrics::port() const {
  if (!exposer_) return 0;
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

std::unique_ptr<gx::ServerInterceptorFactoryInterface> Metrics::Interceptors() {
  return std::make_unique<InterceptorFactory>(*families_);
}

void Metrics::Watch(const storage::TrackingStore& store, const WatchHub& hub, const AlertMonitor& alerts) {
  store_collector_->Watch(&store, &hub, &alerts);
}
void Metrics::Unwatch() { store_collector_->Watch(nullptr, nullptr, nullptr); }

void Metrics::CountEvents(core::Operator by, storage::WriteOutcome outcome, uint64_t n) {
  if (n == 0) return;
  families_->events.Add({{"operator", std::string(core::Code(by))}, {"outcome", std::string(storage::Name(outcome))}})
      .Increment(double(n));
}

void Metrics::CountPreAdvice(core::Operator by, storage::WriteOutcome outcome, uint64_t n) {
  if (n == 0) return;
  families_->preadvice
      .Add({{"operator", std::string(core::Code(by))}, {"outcome", std::string(storage::Name(outcome))}})
      .Increment(double(n));
}

void Metrics::OnForecast(const Run& run) {
  families_->forecasts.Add({{"outcome", run.status.ok() ? "ok" : "failed"}}).Increment();
  if (!run.status.ok()) return;
  families_->forecast_seconds.Observe(Seconds(run.took));
  families_->forecast_items.Add({{"kind", "read"}}).Set(double(run.in_flow));
  families_->forecast_items.Add({{"kind", "dated"}}).Set(double(run.dated));
  families_->forecast_start.Set(
      double(std::chrono::duration_cast<std::chrono::seconds>(run.start.time_since_epoch()).count()));
}

void Metrics::ObserveReportBatch(std::chrono::nanoseconds took) { families_->report_batch.Observe(Seconds(took)); }

void Metrics::OnSync(uint64_t batches, std::chrono::nanoseconds took) {
  families_->sync_batches.Observe(double(batches));
  families_->sync_seconds.Observe(Seconds(took));
}

void Metrics::ObserveHttp(const char* route, int status, std::chrono::nanoseconds took) {
  families_->http_requests.Add({{"route", route}, {"code", std::to_string(status)}}).Increment();
  families_->http_seconds.Add({{"route", route}}, kSecondsBuckets).Observe(Seconds(took));
}

std::string Metrics::Scrape() const {
  std::vector<MetricFamily> families = registry_->Collect();
  for (MetricFamily& f : store_collector_->Collect()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace pochta::services
