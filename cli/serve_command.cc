// pochta serve: run the gRPC server until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "fmt/format.h"
#include "services/log.h"
#include "services/server.h"
#include "systemd/sd-daemon.h"

namespace pochta::cli {
namespace {

// The forecast's scenario, checked against the network; errors reported.
absl::StatusOr<sim::Scenario> LoadForecastScenario(const ServeOptions& options) {
  absl::StatusOr<sim::Scenario> scenario =
      LoadScenarioOrReport(options.forecast_scenario, options.operators_file, "serve");
  if (!scenario.ok()) return scenario.status();
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "serve");
  if (!network) return absl::InvalidArgumentError("the network");
  if (absl::Status s = sim::CheckAgainstNetwork(*scenario, *network); !s.ok()) {
    fmt::print(stderr, "pochta serve: --forecast-scenario {}: {}\n", options.forecast_scenario,
               std::string(s.message()));
    return s;
  }
  return scenario;
}

}  // namespace

CLI::App* AddServeCommand(CLI::App& app, ServeOptions& options) {
  CLI::App* cmd =
      app.add_subcommand("serve", "Run the gRPC server: IntakeService, TrackingService, health, reflection");
  cmd->add_option("--db", options.db, "Tracking store directory (created when missing)")->required();
  cmd->add_option("--listen", options.listen, "Address to listen on; port 0 picks a free port")->capture_default_str();
  cmd->add_option("--keys", options.keys, "API keys file: KEY ROLE [COUNTRY] NAME per line")->required();
  cmd->add_option("--network", options.network_file, "Network file")->capture_default_str();
  cmd->add_option("--operators", options.operators_file,
                  "Operators file: partners, transit operators and their offices")
      ->capture_default_str();
  cmd->add_option("--durability", options.durability, "When writes are acknowledged: sync, group or buffered")
      ->capture_default_str();
  cmd->add_option("--block-cache-mib", options.block_cache_mib,
                  "Block cache of the store, with its index and filter blocks (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(8, 1 << 20));
  cmd->add_option("--write-buffer-mib", options.write_buffer_mib, "Memtables of the store, all together (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(8, 1 << 20));
  cmd->add_option("--tls-cert", options.tls_cert, "PEM certificate chain; TLS when given with --tls-key");
  cmd->add_option("--tls-key", options.tls_key, "PEM private key");
  cmd->add_option("--rate-limit", options.rate_limit,
                  "Calls per second per API key, twice that at once; beyond it RESOURCE_EXHAUSTED (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--feed-retention-days", options.feed_retention_days,
                  "How long the event feed (SubscribeEvents) keeps an event, by when it was received (0: for good)")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  cmd->add_option("--alert-unscanned-hours", options.alert_unscanned_hours,
                  "Alert on an item of an arrived dispatch not scanned this long after the dispatch's first scan")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 8760.0));
  cmd->add_option("--alert-late-hours", options.alert_late_hours,
                  "Alert on an event received this long after it happened")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 8760.0));
  cmd->add_option("--alert-low-volume-ratio", options.alert_low_volume_ratio,
                  "Alert when an operator's events of the last 24 hours fall below this share of its daily mean "
                  "over the 7 days before")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--alert-check-seconds", options.alert_check_seconds,
                  "How often the alerts that time alone raises are checked")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--forecast-scenario", options.forecast_scenario,
                  "Serve the load-aware forecast's p50 and p90 as expected_delivery: the scenario (built-in name or "
                  "file) whose parameters, closures and future demand it runs with; SIGHUP reloads it and forecasts "
                  "at once. Default: none, the route-sum");
  cmd->add_option("--forecast-every-minutes", options.forecast_every_minutes, "How often the forecast is run again")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 10080.0));
  cmd->add_option("--forecast-days", options.forecast_days, "Days the forecast runs forward")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  cmd->add_option("--forecast-replications", options.forecast_replications, "Replications of each forecast")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--forecast-jobs", options.forecast_jobs, "Threads a forecast runs on")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--forecast-notify-hours", options.forecast_notify_hours,
                  "A WatchItem update when a new forecast moves an item's expected delivery by more than this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 8760.0));
  cmd->add_option("--backup-dir", options.backup_dir,
                  "Back the store up into this directory while serving (RocksDB's BackupEngine: incremental, "
                  "verified); SIGUSR1 makes one at once");
  cmd->add_option("--backup-every-hours", options.backup_every_hours, "Make a backup this often (0: only on SIGUSR1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 8760.0));
  cmd->add_option("--backup-keep", options.backup_keep, "Keep the newest N backups (0: all)")->capture_default_str();
  cmd->add_option("--metrics-listen", options.metrics_listen,
                  "Serve Prometheus metrics at http://ADDRESS/metrics (port 0 picks a free port)");
  cmd->add_option("--http", options.http_listen,
                  "Serve the JSON gateway, the tracking page (/) and the work-list page (/staff) at "
                  "http://ADDRESS (port 0 picks a free port)");
  cmd->fallthrough();  // pochta serve --config FILE: the file's [serve] section
  cmd->footer(
      "Prints \"listening on ADDRESS\" once ready, and tells systemd (Type=notify) when NOTIFY_SOCKET is set. "
      "SIGHUP reloads the keys file (and the forecast's scenario). SIGINT or SIGTERM drains calls, closes the store "
      "and exits 0.");
  return cmd;
}

int RunServe(const ServeOptions& options) {
  const std::optional<storage::Durability> durability = storage::ParseDurability(options.durability);
  if (!durability) {
    fmt::print(stderr, "pochta serve: --durability \"{}\" is not sync, group or buffered\n", options.durability);
    return kExitBadInput;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    fmt::print(stderr, "pochta serve: --tls-cert and --tls-key go together\n");
    return kExitBadInput;
  }
  // Every thread started from here on inherits the blocked signals, so only
  // sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  services::ServerConfig config;
  config.db = options.db;
  config.listen = options.listen;
  config.keys_file = options.keys;
  config.network_file = options.network_file;
  config.operators_file = options.operators_file;
  config.tls_cert_file = options.tls_cert;
  config.tls_key_file = options.tls_key;
  config.metrics_listen = options.metrics_listen;
  config.http_listen = options.http_listen;
  config.rate_limit = options.rate_limit;
  config.feed_retention = std::chrono::hours(24 * options.feed_retention_days);
  const auto hours = [](double h) { return std::chrono::seconds(int64_t(h * 3600)); };
  config.alerts.unscanned_after = hours(options.alert_unscanned_hours);
  config.alerts.late_after = hours(options.alert_late_hours);
  config.alerts.low_volume_ratio = options.alert_low_volume_ratio;
  config.alerts.check_every = std::chrono::seconds(options.alert_check_seconds);
  config.backup_dir = options.backup_dir;
  config.backup_every = std::chrono::seconds(int64_t(options.backup_every_hours * 3600));
  config.backup_keep = options.backup_keep;
  config.store.durability = *durability;
  config.store.block_cache_bytes = size_t(options.block_cache_mib) << 20;
  config.store.write_buffer_bytes = size_t(options.write_buffer_mib) << 20;
  if (!options.forecast_scenario.empty()) {
    absl::StatusOr<sim::Scenario> scenario = LoadForecastScenario(options);
    if (!scenario.ok()) return kExitBadInput;
    config.forecast =
        services::ForecastOptions{.scenario = *std::move(scenario),
                                  .days = options.forecast_days,
                                  .replications = options.forecast_replications,
                                  .jobs = options.forecast_jobs,
                                  .every = std::chrono::seconds(int64_t(options.forecast_every_minutes * 60)),
                                  .notify = std::chrono::seconds(int64_t(options.forecast_notify_hours * 3600))};
  }
  absl::StatusOr<std::unique_ptr<services::Server>> server = services::Server::Start(config);
  if (!server.ok()) {
    fmt::print(stderr, "pochta serve: {}\n", std::string(server.status().message()));
    return kExitBadInput;
  }
  const auto host_of = [](const std::string& address) { return address.substr(0, address.rfind(':')); };
  fmt::print("pochta serve: listening on {}:{} (store {}, durability {}{})\n", host_of(options.listen),
             (*server)->port(), options.db, options.durability, options.tls_cert.empty() ? "" : ", TLS");
  if ((*server)->metrics_port() != 0) {
    fmt::print("pochta serve: metrics on http://{}:{}/metrics\n", host_of(options.metrics_listen),
               (*server)->metrics_port());
  }
  if ((*server)->http_port() != 0) {
    fmt::print("pochta serve: pages and JSON on http://{}:{}/\n", host_of(options.http_listen), (*server)->http_port());
  }
  std::fflush(stdout);
  sd_notifyf(0, "READY=1\nSTATUS=listening on %s:%d", host_of(options.listen).c_str(), (*server)->port());

  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && (signal == SIGHUP || signal == SIGUSR1)) {
    if (signal == SIGUSR1) {
      if (absl::Status s = (*server)->BackupNow(); !s.ok()) {
        services::Log().error("pochta serve: SIGUSR1 received: {}", std::string(s.message()));
      }
      continue;
    }
    sd_notify(0, "RELOADING=1");
    if (const absl::StatusOr<size_t> keys = (*server)->ReloadKeys(); keys.ok()) {
      services::Log().info("pochta serve: SIGHUP received, {} keys in force from {}", *keys, options.keys);
    } else {
      services::Log().error("pochta serve: SIGHUP received, keys not reloaded, those before stay in force: {}",
                            std::string(keys.status().message()));
    }
    if (!options.forecast_scenario.empty()) {
      if (absl::StatusOr<sim::Scenario> scenario = LoadForecastScenario(options); scenario.ok()) {
        (*server)->RefreshForecast(*std::move(scenario));
        services::Log().info("pochta serve: {} reloaded, forecasting", options.forecast_scenario);
      }  // else reported; the forecast goes on with the scenario it had
    }
    sd_notify(0, "READY=1");
  }
  sd_notify(0, "STOPPING=1");
  fmt::print("pochta serve: {} received, draining\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  (*server)->Shutdown();
  fmt::print("pochta serve: stopped\n");
  return kExitOk;
}

}  // namespace pochta::cli
