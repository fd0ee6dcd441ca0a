// The subcommands of the `pochta` executable. Each Add* registers its options
// on the app; the matching Run* executes it once parsing succeeded and
// returns the process exit code (0 success, 1 bad input, 2 usage error,
// 3 no route, 4 a target missed).
// Errors go to stderr, results to stdout.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "services/auth.h"

namespace pochta::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNoRoute = 3;
inline constexpr int kExitTargetMissed = 4;  // backtest --check

// The directory of pochta's shipped data (the network, the operators, the
// scenarios), found at run time, never through a path compiled in:
// $POCHTA_DATA_DIR when set; else ../share/pochta from the executable, as
// installed (/usr/bin/pochta, /usr/share/pochta); else the data/ directory
// beside the build tree the executable runs from (build/release/pochta
// finds data/ two levels up); else /usr/share/pochta.
std::string DataDir();
// The network file used when --network is not given: DataDir()/uz-network.txt.
std::string DefaultNetworkFile();
// The operators file used when --operators is not given.
std::string DefaultOperatorsFile();

struct NetworkOptions {
  std::string network_file = DefaultNetworkFile();
};
CLI::App* AddNetworkCommand(CLI::App& app, NetworkOptions& options);
int RunNetwork(const NetworkOptions& options);

struct RouteOptions {
  std::string network_file = DefaultNetworkFile();
  std::string postcode;
  std::string from;                           // facility code; the office of exchange when empty
  std::vector<std::string> close_links;       // "A:B" or "A:B:MODE"
  std::vector<std::string> close_facilities;  // facility codes
  bool json = false;
};
CLI::App* AddRouteCommand(CLI::App& app, RouteOptions& options);
int RunRoute(const RouteOptions& options);

struct StoreOptions {
  std::string action;  // "verify", "stats", "dump", "backup", "restore" or "backups"
  std::string db;
  std::string item;                   // dump: only this item's records
  std::string backup_dir;             // backup, restore, backups
  uint32_t keep = 0;                  // backup: the newest kept (0: all)
  std::optional<uint32_t> backup_id;  // restore: which (default: the newest)
};
CLI::App* AddStoreCommand(CLI::App& app, StoreOptions& options);
int RunStore(const StoreOptions& options);

struct ServeOptions {
  std::string db;
  std::string listen = "127.0.0.1:50051";
  std::string keys;
  std::string network_file = DefaultNetworkFile();
  std::string operators_file = DefaultOperatorsFile();
  std::string durability = "group";
  uint32_t block_cache_mib = 256;
  uint32_t write_buffer_mib = 256;
  std::string tls_cert;
  std::string tls_key;
  std::string metrics_listen;
  std::string http_listen;
  double rate_limit = services::kDefaultRateLimit;
  int feed_retention_days = 30;
  double alert_unscanned_hours = 24;
  double alert_late_hours = 24;
  double alert_low_volume_ratio = 0.5;
  int alert_check_seconds = 60;
  std::string forecast_scenario;  // empty: expected deliveries are the route-sum's
  double forecast_every_minutes = 60;
  int forecast_days = 14;
  int forecast_replications = 10;
  int forecast_jobs = 1;
  double forecast_notify_hours = 6;
  std::string backup_dir;
  double backup_every_hours = 0;
  uint32_t backup_keep = 7;
};
CLI::App* AddServeCommand(CLI::App& app, ServeOptions& options);
int RunServe(const ServeOptions& options);

struct KeysOptions {
  std::string keys;
  std::string operators_file = DefaultOperatorsFile();
  std::vector<std::string> words;  // ROLE [COUNTRY] NAME
};
CLI::App* AddKeysCommand(CLI::App& app, KeysOptions& options);
int RunKeys(const KeysOptions& options);

struct SimulateOptions {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string db;
  bool no_store = false;
  std::string json;
  std::string csv;
  std::string report;  // an HTML report
  std::string network_file = DefaultNetworkFile();
  std::string operators_file = DefaultOperatorsFile();
  int replications = 1;
  int jobs = 2;
  std::string sweep;  // "SECTION.NAME=V1,V2,..."
  std::optional<int> replication_index;  // run only this replication, for pochta merge
  std::string trace;  // also write the events to this trace file
  std::optional<int> until;  // stop at the start of this day of the run
};
CLI::App* AddSimulateCommand(CLI::App& app, SimulateOptions& options);
int RunSimulate(const SimulateOptions& options);

struct PlanOptions {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string goal;                 // "FIGURE >= X" or "FIGURE <= X"
  std::vector<std::string> vary;    // "SECTION.NAME=LO..HI[:STEP]" or "=V1,V2,..."
  std::vector<std::string> costs;   // "SECTION.NAME=COST" per unit
  double confidence = 0.95;
  int min_replications = 5;
  int max_replications = 40;
  bool exhaustive = false;          // no monotonicity assumed
  int jobs = 2;
  std::string json;
  std::string network_file = DefaultNetworkFile();
  std::string operators_file = DefaultOperatorsFile();
};
CLI::App* AddPlanCommand(CLI::App& app, PlanOptions& options);
int RunPlan(const PlanOptions& options);

struct ForecastOptions {
  std::string db;
  int days = 14;
  std::string scenario = "h1-2025";
  int replications = 10;
  int jobs = 2;
  std::optional<uint64_t> seed;
  std::string at;                        // RFC 3339, "latest", or empty: now
  std::vector<std::string> close_links;  // FROM:TO[:START_DAY:DAYS]
  std::vector<std::string> set;          // SECTION.NAME=VALUE
  std::string json, report;
  int show = 10;
  std::string network_file = DefaultNetworkFile();
  std::string operators_file = DefaultOperatorsFile();
};
CLI::App* AddForecastCommand(CLI::App& app, ForecastOptions& options);
int RunForecast(const ForecastOptions& options);

struct BacktestOptions {
  std::string scenario = "h1-2025";
  std::vector<int> days_from = {60};  // the days of the run the forecasts start at
  int days = 14;
  int replications = 10;
  int jobs = 2;
  std::optional<uint64_t> seed;  // the forecasts' first seed; default the scenario's + 1000
  std::string json;
  bool check = false;
  std::string network_file = DefaultNetworkFile();
  std::string operators_file = DefaultOperatorsFile();
};
CLI::App* AddBacktestCommand(CLI::App& app, BacktestOptions& options);
int RunBacktest(const BacktestOptions& options);

struct MergeOptions {
  std::vector<std::string> parts;  // simulate --replication-index --json outputs
  std::string json;
  std::string report;
  std::string operators_file = DefaultOperatorsFile();
};
CLI::App* AddMergeCommand(CLI::App& app, MergeOptions& options);
int RunMerge(const MergeOptions& options);

struct CompareOptions {
  std::string a, b;    // results of `pochta simulate --json`
  std::string report;  // an HTML report
};
CLI::App* AddCompareCommand(CLI::App& app, CompareOptions& options);
int RunCompare(const CompareOptions& options);

struct ReplayOptions {
  std::string trace;
  std::string db;
  std::string target;
  std::string keys;
  std::string operators_file = DefaultOperatorsFile();
  double speed = 3600;
};
CLI::App* AddReplayCommand(CLI::App& app, ReplayOptions& options);
int RunReplay(const ReplayOptions& options);

}  // namespace pochta::cli
