// pochta backtest [SCENARIO]: the forecast measured against what happened,
// with the simulator as the ground truth. The scenario runs to the start of
// day D into a tracking store, written as `simulate --until D` writes it and
// with the route-sum expected delivery `pochta serve` gives each item (the
// store's NetworkRoutePredictor). The forecast runs from that store with
// other seeds, and each item's p10, p50 and p90 are compared with when the
// run itself went on to deliver it, as is the route-sum estimate.
#include <filesystem>
#include <unordered_map>

#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/in_flow.h"
#include "cli/store_sink.h"
#include "core/files.h"
#include "core/routing.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "sim/local_time.h"
#include "sim/postal/forecast.h"
#include "storage/network_route_predictor.h"

namespace pochta::cli {
namespace {

constexpr double kDay = 86400;
// The targets: the p50 error at most half the route-sum's, and
// between 85% and 95% of the items delivered by their p90.
constexpr double kErrorRatioTarget = 0.5;
constexpr double kP90Low = 0.85, kP90High = 0.95;

// When the run delivered each item: its EMI.
class Deliveries final : public sim::EventSink {
 public:
  void PreAdvice(const core::Item&) override {}
  void Declare(const sim::Dispatch&) override {}
  void Event(core::ItemId item, const core::TrackingEvent& e, core::Operator, core::Timestamp) override {
    if (e.code == core::EventCode::kEMI) at_.try_emplace(item.Pack(), Seconds(e.time));
  }
  // kForever when the run did not deliver it.
  sim::Time At(core::ItemId item) const {
    const auto it = at_.find(item.Pack());
    return it == at_.end() ? sim::kForever : it->second;
  }

 private:
  std::unordered_map<uint64_t, sim::Time> at_;
};

// The errors and the calibration over a group of items.
struct Tally {
  uint64_t items = 0;
  double error = 0;  // days: |p50 - delivered|, both capped at the forecast's end
  uint64_t before_p10 = 0, by_p90 = 0;
  uint64_t covered = 0;  // items with a route-sum estimate, and the errors on them
  double route_sum_error = 0, forecast_error_covered = 0;

  double Mean(double sum, uint64_t n) const { return n ? sum / double(n) : 0; }
  double p50_error() const { return Mean(error, items); }
  double share_before_p10() const { return Mean(double(before_p10), items); }
  double share_by_p90() const { return Mean(double(by_p90), items); }
  double route_sum() const { return Mean(route_sum_error, covered); }
  double forecast_on_covered() const { return Mean(forecast_error_covered, covered); }
};

// One item's outcome, counted into each group it belongs to.
struct Outcome {
  double error = 0;
  bool before_p10 = false, by_p90 = false;  // a date past the forecast's end is later than any within it
  std::optional<double> route_sum_error;
};

void Count(Tally& t, const Outcome& o) {
  ++t.items;
  t.error += o.error;
  t.before_p10 += o.before_p10;
  t.by_p90 += o.by_p90;
  if (o.route_sum_error) {
    ++t.covered;
    t.route_sum_error += *o.route_sum_error;
    t.forecast_error_covered += o.error;
  }
}

struct Tallies {
  std::map<std::string, Tally> operators, stages;
  Tally all;
};

std::string Percent(double share) { return fmt::format("{:.1f}%", 100 * share); }

void PrintRow(const std::string& name, const Tally& t) {
  const auto days = [&](double value) { return t.covered ? fmt::format("{:.2f}", value) : "-"; };
  fmt::print("  {:<38} {:>7} {:>9.2f} {:>7} {:>7}   {:>7} {:>9} {:>9}\n", name, Thousands(t.items), t.p50_error(),
             Percent(t.share_before_p10()), Percent(t.share_by_p90()), Thousands(t.covered), days(t.route_sum()),
             days(t.forecast_on_covered()));
}

nlohmann::ordered_json RowJson(const std::string& group, const std::string& name, const Tally& t) {
  return {{"group", group},
          {"name", name},
          {"items", t.items},
          {"p50_error_days", t.p50_error()},
          {"delivered_before_p10", t.share_before_p10()},
          {"delivered_by_p90", t.share_by_p90()},
          {"items_with_route_sum", t.covered},
          {"route_sum_error_days", t.covered ? nlohmann::ordered_json(t.route_sum()) : nullptr},
          {"forecast_error_days_on_them", t.covered ? nlohmann::ordered_json(t.forecast_on_covered()) : nullptr}};
}

int Run(const BacktestOptions& options) {
  absl::StatusOr<sim::Scenario> loaded = LoadScenarioOrReport(options.scenario, options.operators_file, "backtest");
  if (!loaded.ok()) return kExitBadInput;
  const sim::Scenario scenario = *std::move(loaded);
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "backtest");
  if (!network) return kExitBadInput;
  if (absl::Status s = sim::CheckAgainstNetwork(scenario, *network); !s.ok()) {
    fmt::print(stderr, "pochta backtest: {}\n", std::string(s.message()));
    return kExitBadInput;
  }
  for (int day : options.days_from) {
    if (day + options.days > scenario.days) {
      fmt::print(stderr,
                 "pochta backtest: --day {}: its {} days of forecast must end within the {} days of postings of {}\n",
                 day, options.days, scenario.days, scenario.name);
      return kExitBadInput;
    }
  }
  const uint64_t first_seed = options.seed.value_or(scenario.seed + 1000);
  const sim::LocalTime uz = sim::LocalTime::Load(scenario.time_zone).value();
  const auto midnight = [&](int day) { return uz.Midnight(scenario.start / 86400 + day); };
  fmt::print(
      "pochta backtest {} (seed {}): forecasts of {} days with {} replications (seeds from {}) from the start of "
      "day {}, against the run itself\n",
      scenario.name, scenario.seed, options.days, options.replications, first_seed, fmt::join(options.days_from, ", "));

  // The ground truth: the whole run, to the end of the last forecast.
  Deliveries truth;
  int last = 0;
  for (int day : options.days_from) last = std::max(last, day);
  sim::PostalModel(scenario, *network, &truth).Run({}, midnight(last + options.days));

  const core::RoutePlanner planner(*network);
  const storage::NetworkRoutePredictor predictor(planner.router());
  Tallies tallies;
  nlohmann::ordered_json starts = nlohmann::ordered_json::array();
  for (int day : options.days_from) {
    const sim::Time now = midnight(day);
    const std::string db =
        (std::filesystem::temp_directory_path() / fmt::format("pochta-backtest-{}-day{}", getpid(), day)).string();
    std::filesystem::remove_all(db);
    const absl::Status written = WriteRunUntil(scenario, *network, now, db, &predictor);
    absl::StatusOr<StoreInFlow> read = written.ok() ? ReadInFlow(db) : written;
    std::filesystem::remove_all(db);
    if (!read.ok()) {
      fmt::print(stderr, "pochta backtest: the store at day {}: {}\n", day, std::string(read.status().message()));
      return kExitBadInput;
    }
    sim::Scenario ahead = scenario;
    ahead.days = options.days;
    ahead.drain_days = 0;
    ahead.seed = first_seed;
    const sim::Forecast forecast =
        sim::RunForecast(ahead, *network, sim::ForecastStart{now, read->items}, options.replications, options.jobs);

    // Dates past the forecast's end count as its end: what it cannot see.
    const auto capped = [&](sim::Time t) { return double(std::min(t, forecast.end)); };
    uint64_t covered = 0;
    for (size_t k = 0; k < read->items.size(); ++k) {
      const sim::ItemInFlow& item = read->items[k];
      const sim::ItemOutlook& o = forecast.items[k];
      if (!o.placed) continue;  // letters abroad, flows the scenario lacks: no forecast
      const sim::Time delivered = truth.At(item.id);
      const sim::Time by_end = delivered <= forecast.end ? delivered : sim::kForever;
      Outcome outcome{.error = std::abs(capped(o.p50) - capped(delivered)) / kDay};
      outcome.before_p10 = by_end < o.p10;
      outcome.by_p90 = by_end <= o.p90;
      if (const std::optional<core::Timestamp>& expected = read->expected_delivery[k]) {
        outcome.route_sum_error = std::abs(capped(Seconds(*expected)) - capped(delivered)) / kDay;
        ++covered;
      }
      const auto country = item.id.country();
      Count(tallies.operators[std::string(country.data(), 2)], outcome);
      Count(tallies.stages[Where(item)], outcome);
      Count(tallies.all, outcome);
    }
    fmt::print("  day {} ({} {}): {} items in flow, {} placed, {} with a route-sum estimate\n", day, Date(uz, now),
               scenario.time_zone, Thousands(read->items.size()), Thousands(forecast.placed), Thousands(covered));
    starts.push_back({{"day", day},
                      {"start", absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(now), absl::UTCTimeZone())},
                      {"items_in_flow", read->items.size()},
                      {"placed", forecast.placed},
                      {"not_placed", forecast.not_placed},
                      {"items_with_route_sum", covered}});
  }

  fmt::print(
      "\n  p50 error: the mean absolute difference, in days, between an item's p50 and when the run delivered it,\n"
      "  both capped at the forecast's end. before p10, by p90: the share of the items delivered before their p10\n"
      "  and by their p90 (10% and 90% when calibrated); a date past the forecast's end is later than any within it.\n"
      "  route-sum: the expected delivery pochta serve gives today (the latest event's time plus the remaining\n"
      "  route's scheduled minutes), on the items it covers, and the forecast's p50 error on the same items.\n\n");
  fmt::print("  {:<38} {:>7} {:>9} {:>7} {:>7}   {:>7} {:>9} {:>9}\n", "", "items", "p50 error", "<p10", "<=p90",
             "items", "route-sum", "forecast");
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& [group, tally] : {std::pair{"operator", &tallies.operators}, std::pair{"stage", &tallies.stages}}) {
    fmt::print("  by {}\n", group);
    for (const auto& [name, t] : *tally) {
      PrintRow("  " + name, t);
      rows.push_back(RowJson(group, name, t));
    }
  }
  PrintRow("all", tallies.all);
  rows.push_back(RowJson("all", "all", tallies.all));

  const Tally& all = tallies.all;
  const double ratio = all.route_sum() > 0 ? all.forecast_on_covered() / all.route_sum() : 1;
  const bool error_met = all.covered > 0 && ratio <= kErrorRatioTarget;
  const bool p90_met = all.items > 0 && all.share_by_p90() >= kP90Low && all.share_by_p90() <= kP90High;
  fmt::print(
      "\n  targets: p50 error {:.2f} days against the route-sum's {:.2f}, a ratio of {:.2f} (at most {}): {}; "
      "delivered by p90 {} ({:.0f}-{:.0f}%): {}\n",
      all.forecast_on_covered(), all.route_sum(), ratio, kErrorRatioTarget, error_met ? "met" : "MISSED",
      Percent(all.share_by_p90()), 100 * kP90Low, 100 * kP90High, p90_met ? "met" : "MISSED");

  if (!options.json.empty()) {
    const nlohmann::ordered_json json{{"scenario", scenario.name},
                                      {"seed", scenario.seed},
                                      {"days", options.days},
                                      {"replications", options.replications},
                                      {"first_seed", first_seed},
                                      {"starts", starts},
                                      {"rows", rows},
                                      {"targets",
                                       {{"error_ratio", ratio},
                                        {"error_ratio_at_most", kErrorRatioTarget},
                                        {"error_met", error_met},
                                        {"delivered_by_p90", all.share_by_p90()},
                                        {"delivered_by_p90_between", {kP90Low, kP90High}},
                                        {"p90_met", p90_met}}}};
    if (absl::Status s = core::WriteFile(options.json, json.dump(1) + "\n"); !s.ok()) {
      fmt::print(stderr, "pochta backtest: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  return options.check && !(error_met && p90_met) ? kExitTargetMissed : kExitOk;
}

}  // namespace

CLI::App* AddBacktestCommand(CLI::App& app, BacktestOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "backtest",
      "Measure the forecast against the simulator: run a scenario to a day into a store, forecast from it, and "
      "compare each item's dates with what the run went on to do");
  cmd->add_option("scenario", options.scenario, "Built-in scenario name or scenario file")->capture_default_str();
  cmd->add_option("--day", options.days_from,
                  "Day of the run the forecast starts at (the run stops at its start, local midnight); repeatable")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--days", options.days, "Days each forecast runs forward")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  cmd->add_option("--replications", options.replications, "Replications of each forecast")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--jobs", options.jobs, "Replications run in parallel")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--seed", options.seed, "The forecasts' first seed (default: the scenario's + 1000)");
  cmd->add_option("--json", options.json, "Write the table and the targets as JSON to this file");
  cmd->add_flag("--check", options.check,
                "Exit 4 unless the p50 error is at most half the route-sum's and 85-95% are delivered by their p90");
  cmd->add_option("--network", options.network_file, "Network file")->capture_default_str();
  cmd->add_option("--operators", options.operators_file, "Operators file")->capture_default_str();
  return cmd;
}

int RunBacktest(const BacktestOptions& options) { return Run(options); }

}  // namespace pochta::cli
