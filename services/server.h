// The pochta gRPC server: IntakeService and TrackingService over one
// tracking store, plus the standard health service and server reflection;
// beside it, when asked, Prometheus metrics and the JSON gateway with its
// pages (services/internal/gateway.h).
//
//   auto server = Server::Start(config);   // listening when it returns
//   server->Shutdown();                    // drain and stop
//
// Thread-safety: Start and Shutdown from one thread; the services inside run
// on gRPC's threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/alert_monitor.h"
#include "services/auth.h"
#include "services/forecaster.h"
#include "storage/tracking_store.h"

namespace pochta::services {

struct ServerConfig {
  std::string db;                          // tracking store directory; created when missing
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free one
  std::string keys_file;                   // API keys (see auth.h)
  std::string network_file;                // the network file: offices, postcodes, routes
  std::string operators_file;              // partners, transit operators and their offices
  std::string tls_cert_file;               // PEM; TLS when both cert and key are given
  std::string tls_key_file;
  std::string metrics_listen;              // host:port for Prometheus's /metrics; empty: not served
  std::string http_listen;                 // host:port of the JSON gateway and the pages; empty: not served
  int http_threads = 2;                    // threads answering HTTP requests
  double rate_limit = kDefaultRateLimit;   // calls per second per API key (twice that at once); 0: none
  // How long the event feed keeps an event (by when it was received):
  // trimmed at the start and hourly. 0: kept for good. Default: 30 days.
  std::chrono::hours feed_retention{24 * 30};
  // Backups of the store (storage/backup.h) into backup_dir, made by the
  // server while it writes: every backup_every (0: only when BackupNow
  // asks), the newest backup_keep kept (0: all). Empty: none.
  std::string backup_dir;
  std::chrono::seconds backup_every{0};
  uint32_t backup_keep = 0;
  // The feed-quality alerts' thresholds (ListAlerts).
  AlertOptions alerts;
  // The forecast behind expected_delivery; none: the route-sum.
  std::optional<ForecastOptions> forecast;
  // Durability, memory budgets and the clock (which the services use too);
  // the server sets the route predictor.
  storage::StoreOptions store;
  // How long Shutdown lets calls in flight finish. Default: 5 s.
  std::chrono::milliseconds drain{5000};
};

class Server {
 public:
  // Opens the store, loads the network and keys, and starts listening.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerConfig& config);
  ~Server();

  int port() const;          // the port it listens on
  int metrics_port() const;  // where /metrics is served; 0 when it is not
  int http_port() const;     // where the gateway is served; 0 when it is not
  // Runs the forecast again at once, with this scenario from now on (its
  // closures, say). Nothing without config.forecast.
  void RefreshForecast(sim::Scenario scenario);
  // Reads config.keys_file again and puts its keys in force for every call
  // from now on; calls in flight go on. A file that does not load changes
  // nothing: the error names it and the line. The number of keys now.
  absl::StatusOr<size_t> ReloadKeys();
  // Asks for a backup at once, on the backups' thread; the log says how it
  // went. FailedPrecondition without config.backup_dir.
  absl::Status BackupNow();
  // Ends watches, lets calls in flight finish (up to config.drain), then
  // stops; the store is closed, with its write-ahead log fsynced.
  void Shutdown();

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pochta::services
