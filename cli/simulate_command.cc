// pochta simulate SCENARIO: run a postal flow scenario, write its tracking
// records into a store, print a summary and write JSON and CSV results.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/replication_results.h"
#include "cli/reports.h"
#include "cli/runs.h"
#include "cli/store_sink.h"
#include "core/files.h"
#include "fmt/chrono.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "sim/local_time.h"
#include "sim/postal/model.h"
#include "sim/postal/replications.h"
#include "sim/trace.h"
#include "storage/tracking_store.h"

namespace pochta::cli {
namespace {

nlohmann::ordered_json ToJson(const sim::Percentiles& p) {
  std::vector<double> cdf;  // to the hundredth of a day, as floats print otherwise (6.400000095367432)
  for (float days : p.cdf) cdf.push_back(std::round(double(days) * 100) / 100);
  return {{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"items", p.count}, {"cdf", cdf}};
}

void PrintSummary(const sim::Scenario& s, const sim::RunSummary& r) {
  fmt::print("\n  {:<14} {:>9} {:>10} {:>9} {:>8} {:>15} {:>11} {:>22} {:>9}\n", "", "posted", "delivered", "returned",
             "in flow", "tonnes by end", "tonnes all", "transit days p50/p90/p99", "on time");
  std::vector<std::string> rows;  // the scenario's flows in its order, then all
  for (const sim::OperatorFlow& f : s.operators) rows.push_back(sim::Label(f));
  rows.push_back("all");
  for (const std::string& name : rows) {
    const sim::RunSummary::ByOperator& o = r.operators.at(name);
    fmt::print("  {:<14} {:>9} {:>10} {:>9} {:>8} {:>15.1f} {:>11.1f} {:>10.1f} /{:>5.1f} /{:>5.1f} {:>8.1f}%\n", name,
               Thousands(o.posted), Thousands(o.delivered), Thousands(o.returned), Thousands(o.in_flow),
               o.delivered_tonnes_window, o.delivered_tonnes, o.transit_days.p50, o.transit_days.p90,
               o.transit_days.p99, 100 * o.on_time_share);
  }
  fmt::print("  (\"tonnes by end\": delivered before the last posting day ended; on time: within {} days;\n"
             "   all: the goods to Uzbekistan, correspondence apart)\n",
             s.service_standard_days);
  for (const sim::OperatorFlow& f : s.operators) {
    if (f.consolidated_from.empty()) continue;
    const sim::Percentiles& p = r.operators.at(sim::Label(f)).order_to_delivery_days;
    fmt::print("  {} goods are ordered in {} and posted after a bulk shipment: ordered -> delivered "
               "{:.1f} / {:.1f} / {:.1f} days\n",
               sim::Label(f), f.consolidated_from, p.p50, p.p90, p.p99);
  }
  // What the office of exchange received and dispatched in the posting
  // window, as postal statistics count mail exchanged.
  fmt::print("\n  {:<14} {:>22} {:>20}\n", "exchanged", "gross kg at UZTASA", "registered items");
  double letters_kg = 0;
  uint64_t letters_registered = 0;
  for (size_t k = 0; k < s.operators.size(); ++k) {
    const sim::RunSummary::ByOperator& o = r.operators.at(rows[k]);
    fmt::print("  {:<14} {:>22} {:>20}\n", rows[k], Thousands(uint64_t(o.exchanged_kg + 0.5)),
               Thousands(o.exchanged_registered));
    if (s.operators[k].kind != sim::OperatorFlow::Kind::kGoods) {
      letters_kg += o.exchanged_kg;
      letters_registered += o.exchanged_registered;
    }
  }
  if (letters_kg > 0) {
    fmt::print("  {:<14} {:>22} {:>20}\n", "letters, both", Thousands(uint64_t(letters_kg + 0.5)),
               Thousands(letters_registered));
  }
  fmt::print("  (received at Tashkent, or dispatched from it for letters sent abroad, by the end of postings)\n");
  fmt::print("\n  {:<16} {:>24}\n", "region", "transit days p50/p90/p99");
  for (const auto& [name, p] : r.by_region) {
    fmt::print("  {:<16} {:>10.1f} /{:>5.1f} /{:>5.1f}\n", name, p.p50, p.p90, p.p99);
  }
  fmt::print("\n  {:<44} {:>12} {:>12}\n", "facility", "peak backlog", "utilisation");
  for (const sim::FacilityLoad& f : r.facilities) {
    fmt::print("  {:<44} {:>12} {:>11}\n", f.name, Thousands(f.peak_backlog),
               f.utilisation > 0 ? fmt::format("{:.1f}%", 100 * f.utilisation) : "-");
  }
  fmt::print("\n  last mile: {} delivered at the door, {} collected at the office, {} returned uncollected\n",
             Thousands(r.delivered_to_door), Thousands(r.collected), Thousands(r.uncollected));
  if (const sim::RunSummary::PickupCounts& p = r.pickup; p.addressed > 0) {
    fmt::print("  lockers and pick-up points: {} items addressed to one, {} left there, {} collected there;\n"
               "  {} taken back to the counter uncollected, {} sent to the counter because theirs was full\n"
               "  ({} lockers and points found full)\n",
               Thousands(p.addressed), Thousands(p.left), Thousands(p.collected), Thousands(p.taken_back),
               Thousands(p.full), Thousands(p.points_full));
  }
  const sim::RunSummary::CustomsCounts& c = r.customs;
  fmt::print("\n  customs: {} items presented: green {}, yellow {}, red {}; {} dutiable\n"
             "  returned by customs: {} refused, {} with duty never paid; {} still in customs at the end\n",
             Thousands(c.presented), Thousands(c.green), Thousands(c.yellow), Thousands(c.red), Thousands(c.dutiable),
             Thousands(c.refused), Thousands(c.unpaid), Thousands(r.in_customs_at_end));
  const sim::RunSummary::ReturnCounts& back = r.returns;
  fmt::print("\n  returns: {} returned to their senders; {} back at UZTASA, {} left in {} return dispatches,\n"
             "  {} received back at their origin office of exchange, {:.1f} days after their return (median)\n",
             Thousands(back.returned), Thousands(back.at_exchange), Thousands(back.dispatched),
             Thousands(back.dispatches), Thousands(back.home), back.days_p50);
}

// Only what the run computed (no wall-clock time), so that the same
// scenario and seed give the same bytes.
nlohmann::ordered_json SummaryJson(const sim::Scenario& scenario, const sim::RunSummary& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["kernel_events"] = r.kernel_events;
  j["tracking_events"] = r.tracking_events;
  for (const auto& [name, value] : sim::KeyFigures(r)) j["key_figures"][name] = value;
  for (const auto& [name, o] : r.operators) {
    j["operators"][name] = {{"posted", o.posted},
                            {"delivered", o.delivered},
                            {"returned", o.returned},
                            {"in_flow", o.in_flow},
                            {"delivered_tonnes_by_end_of_postings", o.delivered_tonnes_window},
                            {"delivered_tonnes", o.delivered_tonnes},
                            {"on_time_share", o.on_time_share},
                            {"transit_days", ToJson(o.transit_days)},
                            {"order_to_delivery_days", ToJson(o.order_to_delivery_days)},
                            {"exchanged_kg_by_end_of_postings", o.exchanged_kg},
                            {"exchanged_registered_by_end_of_postings", o.exchanged_registered}};
  }
  for (const auto& [name, p] : r.by_region) j["regions"][name] = ToJson(p);
  for (const sim::FacilityLoad& f : r.facilities) {
    j["facilities"].push_back({{"name", f.name}, {"peak_backlog", f.peak_backlog}, {"utilisation", f.utilisation}});
  }
  const std::chrono::sys_days first_day(std::chrono::days(scenario.start / 86400));
  j["weeks"] = nlohmann::ordered_json::array();
  for (size_t w = 0; w < r.weeks.size(); ++w) {
    j["weeks"].push_back({{"from", fmt::format("{:%Y-%m-%d}", first_day + std::chrono::days(7 * w))},
                          {"delivered", r.weeks[w].delivered},
                          {"on_time", r.weeks[w].on_time}});
  }
  j["last_mile"] = {{"delivered_to_door", r.delivered_to_door}, {"collected", r.collected},
                    {"uncollected", r.uncollected}};
  j["in_customs_at_end"] = r.in_customs_at_end;
  j["customs"] = {{"presented", r.customs.presented}, {"green", r.customs.green}, {"yellow", r.customs.yellow},
                  {"red", r.customs.red},             {"dutiable", r.customs.dutiable}, {"refused", r.customs.refused},
                  {"unpaid", r.customs.unpaid}};
  j["pickup"] = {{"addressed", r.pickup.addressed},   {"left", r.pickup.left},
                 {"collected", r.pickup.collected},   {"taken_back", r.pickup.taken_back},
                 {"full", r.pickup.full},             {"points_full", r.pickup.points_full}};
  j["returns"] = {{"returned", r.returns.returned},     {"at_exchange", r.returns.at_exchange},
                  {"dispatched", r.returns.dispatched}, {"dispatches", r.returns.dispatches},
                  {"home", r.returns.home},             {"days_p50", r.returns.days_p50}};
  return j;
}

// Replications, or a sweep of one parameter with replications at each
// value; with --replication-index, that one replication at each value.
int RunReplications(const SimulateOptions& options, const sim::Scenario& scenario, const core::Network& network) {
  std::vector<std::pair<std::string, sim::Scenario>> points = {{"", scenario}};
  std::string parameter;
  if (!options.sweep.empty()) {
    const size_t eq = options.sweep.find('=');
    if (eq == std::string::npos) {
      fmt::print(stderr, "pochta simulate: --sweep \"{}\" must be SECTION.NAME=V1,V2,...\n", options.sweep);
      return kExitBadInput;
    }
    parameter = options.sweep.substr(0, eq);
    points.clear();
    std::stringstream values(options.sweep.substr(eq + 1));
    for (std::string value; std::getline(values, value, ',');) {
      absl::StatusOr<sim::Scenario> s = sim::WithParameter(scenario, parameter, value);
      if (!s.ok()) {
        fmt::print(stderr, "pochta simulate: --sweep: {}\n", std::string(s.status().message()));
        return kExitBadInput;
      }
      points.emplace_back(value, *std::move(s));
    }
  }
  const bool part = options.replication_index.has_value();
  const int first = part ? *options.replication_index : 0;
  const int replications = part ? 1 : options.replications;
  fmt::print("pochta simulate {}: {}, in memory, {} job{}{}\n", scenario.name,
             part ? fmt::format("replication {} (seed {})", first, scenario.seed + uint64_t(first))
                  : fmt::format("{} replications from seed {}", replications, scenario.seed),
             options.jobs, options.jobs == 1 ? "" : "s",
             parameter.empty() ? "" : fmt::format(", sweeping {}", parameter));
  std::vector<sim::Replication> runs;
  for (const auto& [value, s] : points) {
    for (int r = first; r < first + replications; ++r) runs.push_back({&s, r});
  }
  Progress progress("simulate");
  const std::vector<KeyFigures> figures = RunKeyFigures(runs, network, options.jobs, progress);
  progress.Finish();
  ReplicationResults results;
  results.scenario = scenario.name;
  results.first_seed = scenario.seed;
  results.replications = replications;
  results.parameter = parameter;
  for (size_t p = 0; p < points.size(); ++p) {
    results.points.push_back({points[p].first, {}});
    for (int r = 0; r < replications; ++r) {
      const KeyFigures& run = figures[p * size_t(replications) + size_t(r)];
      if (results.points[p].figures.empty()) {
        for (const auto& [name, v] : run) results.points[p].figures.push_back({name, {}});
      }
      for (size_t k = 0; k < run.size(); ++k) results.points[p].figures[k].second.push_back(run[k].second);
    }
  }
  nlohmann::ordered_json json = ToJson(results);
  if (part) {
    json["replication_index"] = first;
    json["scenario_file"] = std::filesystem::absolute(ScenarioPath(options.scenario)).string();
  }
  return PrintAndWrite("simulate", scenario, results, json, options.json, options.report);
}

}  // namespace

CLI::App* AddSimulateCommand(CLI::App& app, SimulateOptions& options) {
  CLI::App* cmd = app.add_subcommand("simulate", "Run a postal flow scenario into a tracking store and report on it");
  cmd->add_option("scenario", options.scenario,
                  "Scenario: a built-in name (h1-2025, peak-11-11, customs-slowdown, road-closure, pickup-points) or a file")
      ->required();
  cmd->add_option("--seed", options.seed, "Random seed (default: the scenario's)");
  cmd->add_option("--db", options.db, "Tracking store to write (default: SCENARIO.db in the current directory)");
  cmd->add_flag("--no-store", options.no_store, "Run in memory only: no tracking store");
  cmd->add_option("--json", options.json, "Write the summary as JSON to this file");
  cmd->add_option("--csv", options.csv, "Write hourly backlog and throughput to this CSV file");
  cmd->add_option("--report", options.report,
                  "Write an HTML report with charts to this file (one file; opens offline in any browser)");
  cmd->add_option("--trace", options.trace, "Also write the tracking events to this trace file (CSV, or .jsonl)");
  cmd->add_option("--network", options.network_file, "Network file")->capture_default_str();
  cmd->add_option("--operators", options.operators_file,
                  "Operators file: partners, transit operators and their offices")
      ->capture_default_str();
  cmd->add_option("--until", options.until,
                  "Stop at the start of this day of the run (Tashkent midnight): the store holds what was reported "
                  "by then, a network in mid-flow to forecast from")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--replications", options.replications,
                  "Run this many seeds (from the scenario's) in memory and report means with 95% confidence intervals")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--jobs", options.jobs, "Replications run in parallel")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--sweep", options.sweep,
                  "Vary one parameter: SECTION.NAME=V1,V2,... (e.g. customs.officers=2,3,4,6)");
  cmd->add_option("--replication-index", options.replication_index,
                  "Run only replication I (seed + I) of the replications or sweep, for a job array; "
                  "pochta merge combines the --json outputs")
      ->check(CLI::Range(0, 9999));
  return cmd;
}

int RunSimulate(const SimulateOptions& options) {
  absl::StatusOr<sim::Scenario> scenario = LoadScenarioOrReport(options.scenario, options.operators_file, "simulate");
  if (!scenario.ok()) return kExitBadInput;
  if (options.seed) scenario->seed = *options.seed;
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "simulate");
  if (!network) return kExitBadInput;
  if (absl::Status s = sim::CheckAgainstNetwork(*scenario, *network); !s.ok()) {
    fmt::print(stderr, "pochta simulate: {}\n", std::string(s.message()));
    return kExitBadInput;
  }

  if (options.replication_index && !options.report.empty()) {
    fmt::print(stderr, "pochta simulate: --report with --replication-index: report from pochta merge of the parts\n");
    return kExitUsage;
  }
  if (options.replications > 1 || !options.sweep.empty() || options.replication_index) {
    return RunReplications(options, *scenario, *network);
  }
  if (Ranks::size() > 1) {
    fmt::print(stderr, "pochta simulate: under mpirun, give --replications or --sweep (one run runs on one rank)\n");
    return kExitUsage;
  }

  std::unique_ptr<storage::TrackingStore> store;
  std::unique_ptr<StoreSink> sink;
  const std::string db = options.db.empty() ? scenario->name + ".db" : options.db;
  // The store's clock stands at the end of the simulated time: nothing it
  // stamps depends on when the simulation ran, so the same scenario and seed
  // give the same store.
  // --until: the run stops at the midnight that starts that day, in Tashkent.
  std::optional<sim::Time> until;
  if (options.until) {
    const sim::LocalTime uz = sim::LocalTime::Load(scenario->time_zone).value();
    until = uz.Midnight(scenario->start / 86400 + *options.until);
  }
  const core::ManualClock simulated_end(core::Timestamp(
      std::chrono::seconds(until.value_or(scenario->start + int64_t(scenario->days + scenario->drain_days) * 86400))));
  if (!options.no_store) {
    storage::StoreOptions store_options;
    store_options.durability = storage::Durability::kBuffered;
    store_options.clock = &simulated_end;
    absl::StatusOr<std::unique_ptr<storage::TrackingStore>> opened = storage::TrackingStore::Open(db, store_options);
    if (!opened.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(opened.status().message()));
      return kExitBadInput;
    }
    store = *std::move(opened);
    sink = std::make_unique<StoreSink>();
  }

  std::unique_ptr<sim::TraceWriter> trace;
  if (!options.trace.empty()) {
    absl::StatusOr<std::unique_ptr<sim::TraceWriter>> created = sim::TraceWriter::Create(options.trace);
    if (!created.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(created.status().message()));
      return kExitBadInput;
    }
    trace = *std::move(created);
  }
  TeeSink tee(until ? std::optional(simulated_end.Now()) : std::nullopt);
  if (sink) tee.Add(sink.get());
  if (trace) tee.Add(trace.get());

  const auto start = std::chrono::steady_clock::now();
  Progress progress("simulate", "days");
  progress.Expect(size_t(options.until.value_or(scenario->days + scenario->drain_days)));
  sim::PostalModel model(*scenario, *network, tee.empty() ? nullptr : &tee);
  const sim::RunSummary summary = model.Run([&progress](int, int) { progress.Done(); }, until);
  progress.Finish();
  if (trace) {
    if (absl::Status s = trace->Close(); !s.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  StoreSink::Written written;
  if (sink) {
    absl::StatusOr<StoreSink::Written> w = sink->WriteTo(*store);
    if (!w.ok()) {
      fmt::print(stderr, "pochta simulate: writing the tracking store: {}\n", std::string(w.status().message()));
      return kExitBadInput;
    }
    written = *w;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto started = std::chrono::sys_seconds(std::chrono::seconds(scenario->start));
  fmt::print("pochta simulate {} (seed {}): {} days of postings from {:%Y-%m-%d}, then {} days to drain{}\n",
             scenario->name, scenario->seed, scenario->days, started, scenario->drain_days,
             options.until ? fmt::format("; stopped at the start of day {}", *options.until) : "");
  uint64_t items = 0;
  for (const sim::OperatorFlow& f : scenario->operators) items += summary.operators.at(sim::Label(f)).posted;
  fmt::print("  {} items, {} tracking events, {} kernel events in {:.1f} s\n", Thousands(items),
             Thousands(summary.tracking_events),
             Thousands(summary.kernel_events), seconds);
  if (sink) {
    fmt::print("  tracking store {}: {} events written in {:.1f} s ({:.0f} events/s, {})\n", db,
               Thousands(written.events), written.seconds, double(written.events) / written.seconds,
               written.bulk ? "bulk load into a new store" : "appended to existing items");
  }
  PrintSummary(*scenario, summary);

  if (!options.json.empty()) {
    if (absl::Status s = core::WriteFile(options.json, SummaryJson(*scenario, summary).dump(2) + "\n"); !s.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  if (!options.report.empty()) {
    const std::string html = RunReport(*scenario, summary, model.hourly(), model.facility_names());
    if (absl::Status s = core::WriteFile(options.report, html); !s.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  if (!options.csv.empty()) {
    // Long format: one row per facility and hour; the "network" row has the
    // items in the network and those delivered in the hour.
    absl::StatusOr<std::unique_ptr<core::OutputFile>> csv = core::OutputFile::Create(options.csv);
    absl::Status s = csv.status();
    if (s.ok()) {
      (*csv)->Write("time,facility,backlog,throughput,utilisation\n");
      const std::vector<std::string>& names = model.facility_names();
      for (const sim::HourlySample& h : model.hourly()) {
        const std::string time =
            fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::sys_seconds(std::chrono::seconds(h.time)));
        (*csv)->Write(fmt::format("{},network,{},{},\n", time, h.in_system, h.delivered_in_hour));
        for (size_t f = 0; f < h.facilities.size(); ++f) {
          const sim::FacilityHour& fh = h.facilities[f];
          (*csv)->Write(fmt::format("{},{},{},{},{:.3f}\n", time, names[f], fh.backlog, fh.throughput, fh.utilisation));
        }
      }
      s = (*csv)->Commit();
    }
    if (!s.ok()) {
      fmt::print(stderr, "pochta simulate: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace pochta::cli
