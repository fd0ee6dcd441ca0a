// pochta forecast --db DIR: the simulator started from where every item of a
// tracking store is now, run forward; the backlog ahead and each item's
// delivery date distribution.
#include <algorithm>

#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/in_flow.h"
#include "cli/reports.h"
#include "cli/runs.h"
#include "core/clock.h"
#include "core/files.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "sim/local_time.h"
#include "sim/postal/forecast.h"

namespace pochta::cli {
namespace {

constexpr sim::Time kDay = 86400;

// "2025-03-01T00:00:00Z", or "latest": the newest event of the items in flow.
std::optional<sim::Time> ParseAt(const std::string& text) {
  if (text.empty()) return Seconds(core::Clock::Real().Now());
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return absl::ToUnixSeconds(t);
}

// FROM:TO, closed for the whole forecast, or FROM:TO:START_DAY:DAYS.
std::optional<sim::Scenario::Closure> ParseClosure(const std::string& spec, double days) {
  std::vector<std::string> parts;
  for (size_t from = 0;;) {
    const size_t colon = spec.find(':', from);
    parts.push_back(spec.substr(from, colon - from));
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  sim::Scenario::Closure c{parts[0], parts.size() > 1 ? parts[1] : "", 0, days};
  if (parts.size() == 4) {
    try {
      size_t used = 0;
      c.start_day = std::stod(parts[2], &used);
      if (used != parts[2].size()) return std::nullopt;
      c.days = std::stod(parts[3], &used);
      if (used != parts[3].size()) return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  } else if (parts.size() != 2) {
    return std::nullopt;
  }
  if (c.from.empty() || c.to.empty() || c.start_day < 0 || c.days <= 0) return std::nullopt;
  return c;
}

nlohmann::ordered_json ToJson(const sim::Estimate& e) { return {{"mean", e.mean}, {"ci95_half_width", e.half_width}}; }

int Run(const ForecastOptions& options) {
  absl::StatusOr<sim::Scenario> loaded = LoadScenarioOrReport(options.scenario, options.operators_file, "forecast");
  if (!loaded.ok()) return kExitBadInput;
  sim::Scenario scenario = *std::move(loaded);
  if (options.seed) scenario.seed = *options.seed;
  scenario.days = options.days;
  scenario.drain_days = 0;
  for (const std::string& set : options.set) {
    const size_t eq = set.find('=');
    absl::StatusOr<sim::Scenario> changed =
        eq == std::string::npos
            ? absl::InvalidArgumentError(fmt::format("--set \"{}\" must be SECTION.NAME=VALUE", set))
            : sim::WithParameter(scenario, set.substr(0, eq), set.substr(eq + 1));
    if (!changed.ok()) {
      fmt::print(stderr, "pochta forecast: {}\n", std::string(changed.status().message()));
      return kExitBadInput;
    }
    scenario = *std::move(changed);
  }
  for (const std::string& spec : options.close_links) {
    const std::optional<sim::Scenario::Closure> c = ParseClosure(spec, options.days);
    if (!c) {
      fmt::print(stderr, "pochta forecast: --close-link \"{}\" must be FROM:TO or FROM:TO:START_DAY:DAYS\n", spec);
      return kExitBadInput;
    }
    scenario.closures.push_back(*c);
  }
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "forecast");
  if (!network) return kExitBadInput;
  if (absl::Status s = sim::CheckAgainstNetwork(scenario, *network); !s.ok()) {
    fmt::print(stderr, "pochta forecast: {}\n", std::string(s.message()));
    return kExitBadInput;
  }
  const bool latest = options.at == "latest";
  std::optional<sim::Time> now = latest ? sim::Time(0) : ParseAt(options.at);
  if (!now) {
    fmt::print(stderr, "pochta forecast: --at \"{}\" is not an RFC 3339 time (2025-03-01T00:00:00Z) or \"latest\"\n",
               options.at);
    return kExitUsage;
  }

  absl::StatusOr<StoreInFlow> read = ReadInFlow(options.db);
  if (!read.ok()) {
    fmt::print(stderr, "pochta forecast: {}\n", std::string(read.status().message()));
    return kExitBadInput;
  }
  const std::vector<sim::ItemInFlow>& items = read->items;
  if (latest) *now = read->newest;
  const sim::LocalTime uz = sim::LocalTime::Load(scenario.time_zone).value();
  fmt::print("pochta forecast: {} items in flow in {} at {} ({}); {} demand for {} days, {} replications\n",
             Thousands(items.size()), options.db, Date(uz, *now), scenario.time_zone, scenario.name, options.days,
             options.replications);

  Progress progress("forecast");
  progress.Expect(size_t(options.replications));
  const sim::ForecastStart start{*now, items};
  const sim::Forecast forecast =
      sim::RunForecast(scenario, *network, start, options.replications, options.jobs, [&] { progress.Done(); });
  progress.Finish();

  std::map<std::string, uint64_t> where;
  for (const sim::ItemInFlow& item : items) ++where[Where(item)];
  fmt::print("\n  {:<40} {:>9}\n", "where the items in flow are", "items");
  for (const auto& [place, count] : where) fmt::print("  {:<40} {:>9}\n", place, Thousands(count));
  fmt::print("  placed in the model: {}\n", Thousands(forecast.placed));
  for (const auto& [why, count] : forecast.not_placed) fmt::print("  not placed, {}: {}\n", why, Thousands(count));

  // The backlog at each day's local noon, at the stages and the busiest hubs.
  std::vector<size_t> noon;
  for (size_t h = 0; h < forecast.hours.size(); ++h) {
    if (uz.SecondOfDay(forecast.hours[h]) / 3600 == 12) noon.push_back(h);
  }
  std::vector<std::pair<double, size_t>> busiest;
  for (size_t f = 0; f < forecast.facility_names.size(); ++f) {
    double peak = 0;
    for (const sim::Estimate& e : forecast.backlog[f]) peak = std::max(peak, e.mean);
    if (f < 4 || peak > 0) busiest.emplace_back(f < 4 ? 1e18 : peak, f);  // the Tashkent stages always
  }
  std::stable_sort(busiest.begin(), busiest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  busiest.resize(std::min<size_t>(busiest.size(), 10));
  fmt::print("\n  backlog at noon, mean of {} replications\n  {:<36}", forecast.replications, "stage or hub");
  for (size_t h : noon) fmt::print(" {:>7}", Date(uz, forecast.hours[h]).substr(5, 5));
  fmt::print("\n");
  for (const auto& [peak, f] : busiest) {
    fmt::print("  {:<36}", forecast.facility_names[f]);
    for (size_t h : noon) fmt::print(" {:>7.0f}", forecast.backlog[f][h].mean);
    fmt::print("\n");
  }

  fmt::print(
      "\n  items in flow that miss their service standard of {} days (delivered late, or not by a deadline "
      "within the forecast)\n",
      scenario.service_standard_days);
  for (const auto& [label, e] : forecast.late) {
    fmt::print("  {:<20} {:>10.0f} ± {:.0f}\n", label, e.mean, e.half_width);
  }

  // Each item's delivery dates, as the JSON lists them.
  fmt::print("\n  {:<15} {:<40} {:>16} {:>16} {:>16}\n", "item", "now", "p10", "p50", "p90");
  for (size_t k = 0; k < items.size() && k < size_t(options.show); ++k) {
    const sim::ItemOutlook& o = forecast.items[k];
    fmt::print("  {:<15} {:<40} {:>16} {:>16} {:>16}\n", items[k].id.ToString(), Where(items[k]), Date(uz, o.p10),
               Date(uz, o.p50), Date(uz, o.p90));
  }
  if (items.size() > size_t(options.show))
    fmt::print("  ... {} more\n", Thousands(items.size() - size_t(options.show)));

  if (!options.json.empty()) {
    nlohmann::ordered_json json{
        {"store", options.db},
        {"scenario", scenario.name},
        {"start", absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(forecast.start), absl::UTCTimeZone())},
        {"days", options.days},
        {"replications", forecast.replications},
        {"first_seed", scenario.seed},
        {"placed", forecast.placed},
        {"not_placed", forecast.not_placed}};
    for (const auto& [label, e] : forecast.late) json["late"][label] = ToJson(e);
    nlohmann::ordered_json& backlog = json["backlog"];
    backlog["hours"] = forecast.hours;
    const auto series = [](const std::vector<sim::Estimate>& estimates) {
      std::vector<double> mean, half;
      for (const sim::Estimate& e : estimates) {
        mean.push_back(e.mean);
        half.push_back(e.half_width);
      }
      return nlohmann::ordered_json{{"mean", mean}, {"ci95_half_width", half}};
    };
    backlog["in_system"] = series(forecast.in_system);
    for (size_t f = 0; f < forecast.facility_names.size(); ++f) {
      nlohmann::ordered_json facility{{"name", forecast.facility_names[f]}};
      facility.update(series(forecast.backlog[f]));
      backlog["facilities"].push_back(std::move(facility));
    }
    nlohmann::ordered_json& list = json["items"] = nlohmann::ordered_json::array();
    const auto when = [](sim::Time t) {
      return t == sim::kForever ? nlohmann::ordered_json() : nlohmann::ordered_json(t);
    };
    for (size_t k = 0; k < items.size(); ++k) {
      const sim::ItemOutlook& o = forecast.items[k];
      list.push_back({{"id", items[k].id.ToString()},
                      {"where", o.placed ? Where(items[k]) : "not placed"},
                      {"p10", when(o.p10)},
                      {"p50", when(o.p50)},
                      {"p90", when(o.p90)},
                      {"delivered", o.delivered},
                      {"late", o.late}});
    }
    if (absl::Status s = core::WriteFile(options.json, json.dump(1) + "\n"); !s.ok()) {
      fmt::print(stderr, "pochta forecast: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  if (!options.report.empty()) {
    if (absl::Status s = core::WriteFile(options.report, ForecastReport(scenario, options.db, items, forecast));
        !s.ok()) {
      fmt::print(stderr, "pochta forecast: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace

CLI::App* AddForecastCommand(CLI::App& app, ForecastOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "forecast",
      "Run the simulator forward from where every item of a tracking store is now (a snapshot: a running "
      "server is not disturbed)");
  cmd->add_option("--db", options.db, "Tracking store to read")->required();
  cmd->add_option("--days", options.days, "Days to run forward")->capture_default_str()->check(CLI::Range(1, 366));
  cmd->add_option("--scenario", options.scenario, "Scenario whose network parameters and future demand are used")
      ->capture_default_str();
  cmd->add_option("--replications", options.replications, "Replications (seeds from the scenario's)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--jobs", options.jobs, "Replications run in parallel")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--seed", options.seed, "First seed (default: the scenario's)");
  cmd->add_option("--at", options.at,
                  "The forecast's start, RFC 3339 (2025-03-01T00:00:00Z), or \"latest\": the newest event of the items "
                  "in flow (default: now)");
  cmd->add_option("--close-link", options.close_links,
                  "Close the links between two facilities: FROM:TO for the whole forecast, or "
                  "FROM:TO:START_DAY:DAYS (days from the start); repeatable");
  cmd->add_option("--set", options.set,
                  "Change a scenario parameter: SECTION.NAME=VALUE (customs.officers=8); repeatable");
  cmd->add_option("--json", options.json, "Write the forecast, with every item's p10/p50/p90, as JSON to this file");
  cmd->add_option("--report", options.report,
                  "Write an HTML report with charts to this file (one file; opens offline in any browser)");
  cmd->add_option("--show", options.show, "Items to list on the terminal")->capture_default_str();
  cmd->add_option("--network", options.network_file, "Network file")->capture_default_str();
  cmd->add_option("--operators", options.operators_file, "Operators file")->capture_default_str();
  return cmd;
}

int RunForecast(const ForecastOptions& options) { return Run(options); }

}  // namespace pochta::cli
