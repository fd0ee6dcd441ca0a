#include "cli/reports.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cli/common.h"
#include "cli/html_report.h"
#include "core/files.h"
#include "fmt/chrono.h"
#include "fmt/format.h"

namespace pochta::cli {
namespace {

using Json = nlohmann::ordered_json;
constexpr int64_t kHour = 3600, kDay = 86400;

double Round(double v, double unit) { return std::round(v / unit) * unit; }

std::string Days(const sim::Percentiles& p) { return fmt::format("{:.1f} / {:.1f} / {:.1f}", p.p50, p.p90, p.p99); }

std::string Date(int64_t unix_seconds) {
  return fmt::format("{:%Y-%m-%d}", std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)));
}

Json TimeSeries(std::string label, int64_t start, int64_t step, std::vector<double> values) {
  return {{"label", std::move(label)}, {"start", start}, {"step", step}, {"values", std::move(values)}};
}

Json TimeChart(std::string title, std::string y_label, Json series) {
  return {{"title", std::move(title)},
          {"type", "line"},
          {"x", {{"kind", "time"}, {"label", "time"}}},
          {"y", {{"label", std::move(y_label)}}},
          {"zoom", true},
          {"series", std::move(series)}};
}

// The hourly samples of facility f as a series of backlog, hour by hour.
Json Backlog(const std::vector<sim::HourlySample>& hourly, size_t f, std::string label) {
  std::vector<double> values;
  for (const sim::HourlySample& h : hourly) values.push_back(double(h.facilities[f].backlog));
  return TimeSeries(std::move(label), hourly.front().time, kHour, std::move(values));
}

// Facility f's throughput summed by day (a sample counts the hour before
// it), or its busy share of the day's staffed hours.
Json Daily(const std::vector<sim::HourlySample>& hourly, size_t f, std::string label, bool utilisation) {
  std::vector<double> sums, staffed;
  for (size_t i = 1; i < hourly.size(); ++i) {
    const size_t day = (i - 1) / 24;
    if (day >= sums.size()) {
      sums.push_back(0);
      staffed.push_back(0);
    }
    const sim::FacilityHour& h = hourly[i].facilities[f];
    sums[day] += utilisation ? h.utilisation * h.staffed_hours : double(h.throughput);
    staffed[day] += h.staffed_hours;
  }
  if (utilisation) {
    for (size_t d = 0; d < sums.size(); ++d) sums[d] = staffed[d] > 0 ? Round(100 * sums[d] / staffed[d], 0.1) : 0;
  }
  return TimeSeries(std::move(label), hourly.front().time, kDay, std::move(sums));
}

// The distribution as (days, % delivered within them) points.
Json Cdf(std::string label, const sim::Percentiles& p) {
  Json points = Json::array();
  for (size_t k = 0; k < p.cdf.size(); ++k) points.push_back({Round(p.cdf[k], 0.01), k});
  return {{"label", std::move(label)}, {"points", std::move(points)}};
}

Json CdfChart(std::string title, Json series, double standard_days) {
  series.push_back({{"label", fmt::format("service standard, {:g} days", standard_days)},
                    {"points", {{standard_days, 0}, {standard_days, 100}}},
                    {"dashed", true},
                    {"color", "#444444"}});
  return {{"title", std::move(title)},
          {"type", "line"},
          {"x", {{"kind", "number"}, {"label", "days from posting to delivery"}}},
          {"y", {{"label", "% of items delivered within"}, {"min", 0}, {"max", 100}}},
          {"series", std::move(series)}};
}

void ScenarioFiles(HtmlReport& report, const sim::Scenario& scenario) {
  report.Heading("Parameters");
  report.Paragraph(fmt::format(
      "The scenario's files, as read{}; what they do not set takes its default (README, \"Scenario files\").",
      scenario.sources.size() > 1 ? ", the base first" : ""));
  for (const sim::Scenario::Source& source : scenario.sources) report.Preformatted(source.file, source.text);
}

std::string Version() { return POCHTA_VERSION; }

}  // namespace

std::string PlusMinus(double mean, double half_width) {
  const int digits = std::abs(mean) >= 1000 ? 0 : std::abs(mean) >= 100 ? 1 : 2;
  return half_width > 0 ? fmt::format("{:.{}f} ± {:.{}f}", mean, digits, half_width, digits)
                        : fmt::format("{:.{}f}", mean, digits);
}

std::string Change(const Comparison::Row& row) {
  return row.a.mean != 0 ? fmt::format("{:+.1f}%", 100 * row.difference.mean / std::abs(row.a.mean)) : "-";
}

std::string ComparisonMethod(const Results& a, const Results& b, const Comparison& c) {
  if (std::min(a.replications, b.replications) < 2) {
    return "One run on a side: the differences are shown, but whether they are significant needs replications "
           "(pochta simulate --replications R --json, the same R and seed for both).";
  }
  if (c.paired) {
    return fmt::format("Paired over {} replications, seeds {} to {}: replication r of both scenarios used the same "
                       "seed, so the same items arrived in both (common random numbers). Each difference is the "
                       "mean of the paired differences with its 95% confidence interval; significant when the "
                       "interval excludes 0.",
                       a.replications, a.first_seed, a.first_seed + a.replications - 1);
  }
  return fmt::format("Not paired: the runs used different seeds ({} from {}, {} from {}), so the interval of each "
                     "difference is Welch's, for independent runs, and wider than a paired one would be; "
                     "significant when it excludes 0.",
                     a.replications, a.first_seed, b.replications, b.first_seed);
}

std::string Significance(const Results& a, const Results& b, const sim::Difference& d) {
  if (std::min(a.replications, b.replications) < 2) return "-";
  return d.significant ? "yes" : "no";
}

namespace {

}  // namespace

std::string RunReport(const sim::Scenario& s, const sim::RunSummary& r, const std::vector<sim::HourlySample>& hourly,
                      const std::vector<std::string>& names) {
  HtmlReport report(fmt::format("pochta simulate {}, seed {}", s.name, s.seed), s.time_zone);
  const int64_t end = s.start + int64_t(s.days + s.drain_days) * kDay;
  report.Paragraph(s.description);
  report.Paragraph(fmt::format(
      "{} days of postings from {}, then {} days to drain (to {}); times in {}. Seed {}, pochta {}. "
      "On time: delivered within {:g} days of posting.",
      s.days, Date(s.start), s.drain_days, Date(end), s.time_zone, s.seed, Version(), s.service_standard_days));

  report.Heading("Flows");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> flows;
  for (const sim::OperatorFlow& f : s.operators) flows.push_back(sim::Label(f));
  flows.push_back("all");
  for (const std::string& name : flows) {
    const sim::RunSummary::ByOperator& o = r.operators.at(name);
    rows.push_back({name, Thousands(o.posted), Thousands(o.delivered), Thousands(o.returned), Thousands(o.in_flow),
                    fmt::format("{:.1f}", o.delivered_tonnes_window), fmt::format("{:.1f}", o.delivered_tonnes),
                    Days(o.transit_days), fmt::format("{:.1f}%", 100 * o.on_time_share),
                    Thousands(uint64_t(o.exchanged_kg + 0.5)), Thousands(o.exchanged_registered)});
  }
  report.Table({"flow", "posted", "delivered", "returned", "in flow at the end", "tonnes by end of postings",
                "tonnes, whole run", "transit days p50 / p90 / p99", "on time", "kg exchanged at UZTASA",
                "registered items exchanged"},
               rows);
  report.Paragraph("\"all\" is the goods to Uzbekistan, correspondence apart. Exchanged: received at Tashkent "
                   "(or, for letters sent abroad, dispatched from it) by the end of postings.");

  if (!hourly.empty()) {
    std::vector<size_t> stages, hubs;
    size_t in_customs = names.size(), inspection = names.size();
    for (size_t f = 0; f < names.size(); ++f) {
      if (names[f].ends_with(" in customs, all channels")) {
        in_customs = f;
      } else if (names[f].find(' ') != std::string::npos) {
        if (names[f].ends_with(" customs inspection")) inspection = f;
        stages.push_back(f);
      } else {
        hubs.push_back(f);
      }
    }
    report.Heading("The network over time");
    std::vector<double> in_system;
    for (const sim::HourlySample& h : hourly) in_system.push_back(double(h.in_system));
    report.Chart(TimeChart("Items in the network", "items",
                           Json::array({TimeSeries("posted, not yet delivered or returned", hourly.front().time,
                                                   kHour, std::move(in_system))})),
                 "Hour by hour. Drag across any time chart, or use the range above, to zoom all of them.");
    Json backlog = Json::array(), throughput = Json::array(), utilisation = Json::array();
    for (size_t f : stages) {
      backlog.push_back(Backlog(hourly, f, names[f]));
      throughput.push_back(Daily(hourly, f, names[f], false));
      utilisation.push_back(Daily(hourly, f, names[f], true));
    }
    report.Chart(TimeChart("Backlog at the Tashkent stages", "items waiting or in process", std::move(backlog)),
                 "Hour by hour, at the end of each hour.");
    if (in_customs < names.size()) {
      Json customs = Json::array({Backlog(hourly, in_customs, "held in customs, all channels")});
      if (inspection < names.size()) customs.push_back(Backlog(hourly, inspection, "waiting for an officer's inspection"));
      report.Chart(TimeChart("Items in customs", "items", std::move(customs)),
                   "Presented (EDB) and not yet released (EDC) or refused (EDX), whatever the channel; and the red "
                   "items among them waiting for an officer.");
      throughput.push_back(Daily(hourly, in_customs, "released or refused by customs", false));
    }
    report.Chart(TimeChart("Throughput of the Tashkent stages", "items per day", std::move(throughput)));
    Json util_chart = TimeChart("Utilisation of the Tashkent stages", "% of staffed capacity busy", std::move(utilisation));
    util_chart["y"]["max"] = 100;
    report.Chart(std::move(util_chart), "Busy share of the day's staffed hours (shifts for scanning and sorting, "
                                        "officers round the clock).");
    // The busiest hubs shown, the others a click on the legend away.
    std::vector<size_t> by_peak = hubs;
    std::vector<size_t> peak(names.size(), 0);
    for (const sim::HourlySample& h : hourly) {
      for (size_t f : hubs) peak[f] = std::max(peak[f], h.facilities[f].backlog);
    }
    std::stable_sort(by_peak.begin(), by_peak.end(), [&](size_t a, size_t b) { return peak[a] > peak[b]; });
    Json hub_backlog = Json::array(), hub_throughput = Json::array();
    for (size_t k = 0; k < by_peak.size(); ++k) {
      const size_t f = by_peak[k];
      const std::string label = names[f] + " departures";
      hub_backlog.push_back(Backlog(hourly, f, label));
      hub_throughput.push_back(Daily(hourly, f, label, false));
      if (k >= 5) hub_backlog.back()["hidden"] = hub_throughput.back()["hidden"] = true;
    }
    report.Chart(TimeChart("Backlog at line-haul departures", "items waiting for a departure", std::move(hub_backlog)),
                 "The office of exchange's and the sorting centres' departures, the five busiest shown: click a "
                 "name in the legend to show or hide it.");
    report.Chart(TimeChart("Items sent on by each hub", "items per day", std::move(hub_throughput)));
  }

  report.Heading("Transit times");
  Json by_flow = Json::array();
  for (const std::string& name : flows) {
    if (r.operators.at(name).transit_days.count > 0) by_flow.push_back(Cdf(name, r.operators.at(name).transit_days));
  }
  report.Chart(CdfChart("Transit time by flow", std::move(by_flow), s.service_standard_days),
               "The share of delivered items delivered within each number of days of posting.");
  Json by_region = Json::array();
  Json p50 = Json::array(), p90 = Json::array(), p99 = Json::array(), regions = Json::array();
  rows.clear();
  for (const auto& [name, p] : r.by_region) {
    if (p.count == 0) continue;
    by_region.push_back(Cdf(name, p));
    regions.push_back(name);
    p50.push_back(Round(p.p50, 0.01));
    p90.push_back(Round(p.p90, 0.01));
    p99.push_back(Round(p.p99, 0.01));
    rows.push_back({name, Thousands(p.count), Days(p)});
  }
  report.Chart(CdfChart("Transit time by region", std::move(by_region), s.service_standard_days),
               "Every flow to Uzbekistan, by the addressee's region.");
  report.Chart({{"title", "Transit days by region"},
                {"type", "bar"},
                {"x", {{"kind", "category"}, {"label", "region"}, {"categories", std::move(regions)}}},
                {"y", {{"label", "days from posting to delivery"}}},
                {"series", Json::array({{{"label", "p50"}, {"values", std::move(p50)}},
                                        {{"label", "p90"}, {"values", std::move(p90)}},
                                        {{"label", "p99"}, {"values", std::move(p99)}}})}});
  report.Table({"region", "items delivered", "transit days p50 / p90 / p99"}, rows);

  report.Heading("On time, week by week");
  Json weeks = Json::array(), delivered = Json::array(), on_time = Json::array();
  for (size_t w = 0; w < r.weeks.size(); ++w) {
    weeks.push_back(Date(s.start + int64_t(w) * 7 * kDay));
    delivered.push_back(r.weeks[w].delivered);
    on_time.push_back(r.weeks[w].delivered ? Round(100.0 * double(r.weeks[w].on_time) / double(r.weeks[w].delivered), 0.1)
                                           : 0);
  }
  report.Chart({{"title", "Goods delivered per week, and the share on time"},
                {"type", "bar"},
                {"x", {{"kind", "category"}, {"label", "week from"}, {"categories", std::move(weeks)}}},
                {"y", {{"label", "items delivered"}}},
                {"y2", {{"label", "% on time"}, {"min", 0}, {"max", 100}}},
                {"series", Json::array({{{"label", "on time, %"}, {"values", std::move(on_time)}, {"type", "line"},
                                         {"axis", "y2"}},
                                        {{"label", "delivered"}, {"values", std::move(delivered)}}})}},
               fmt::format("Goods by week of delivery; on time: within {:g} days of posting.",
                           s.service_standard_days));

  report.Heading("Peak backlog");
  rows.clear();
  for (const sim::FacilityLoad& f : r.facilities) {
    rows.push_back({f.name, Thousands(f.peak_backlog),
                    f.utilisation > 0 ? fmt::format("{:.1f}%", 100 * f.utilisation) : "-"});
  }
  report.Table({"facility", "peak backlog", "utilisation, whole run"}, rows);

  report.Heading("Customs, the last mile and returns");
  const sim::RunSummary::CustomsCounts& c = r.customs;
  rows = {{"presented to customs", Thousands(c.presented)},
          {"green / yellow / red channel", fmt::format("{} / {} / {}", Thousands(c.green), Thousands(c.yellow),
                                                       Thousands(c.red))},
          {"dutiable", Thousands(c.dutiable)},
          {"refused by customs, returned", Thousands(c.refused)},
          {"duty never paid, returned", Thousands(c.unpaid)},
          {"still in customs at the end", Thousands(r.in_customs_at_end)},
          {"delivered at the door", Thousands(r.delivered_to_door)},
          {"collected at the office", Thousands(r.collected)},
          {"returned uncollected", Thousands(r.uncollected)}};
  if (r.pickup.addressed > 0) {
    rows.push_back({"addressed to a locker or pick-up point", Thousands(r.pickup.addressed)});
    rows.push_back({"collected there", Thousands(r.pickup.collected)});
    rows.push_back({"taken back to the counter uncollected", Thousands(r.pickup.taken_back)});
    rows.push_back({"sent to the counter, theirs full", Thousands(r.pickup.full)});
  }
  rows.push_back({"returned to their senders", Thousands(r.returns.returned)});
  rows.push_back({"received back at their origin", Thousands(r.returns.home)});
  report.Table({"items", "count"}, rows);

  ScenarioFiles(report, s);
  return report.Render();
}

std::string ReplicationsReport(const sim::Scenario& s, const nlohmann::ordered_json& results) {
  const bool sweep = results.contains("sweep");
  const int replications = results.at("replications").get<int>();
  const uint64_t first_seed = results.at("first_seed").get<uint64_t>();
  HtmlReport report(
      sweep ? fmt::format("pochta simulate {}: sweep of {}", s.name, results["sweep"]["parameter"].get<std::string>())
            : fmt::format("pochta simulate {}: {} replications", s.name, replications),
      s.time_zone);
  report.Paragraph(s.description);
  report.Paragraph(fmt::format("{} replication{} at each point, seeds {} to {} (the same seeds, so the same items, at "
                               "every point); pochta {}. Each figure is the mean over the replications with the "
                               "half-width of its 95% confidence interval (Student's t).",
                               replications, replications == 1 ? "" : "s", first_seed,
                               first_seed + uint64_t(replications) - 1, Version()));
  const auto row = [](const std::string& name, const Json& f) {
    const std::vector<double> values = f.at("values").get<std::vector<double>>();
    return std::vector<std::string>{name, fmt::format("{:.2f}", f.at("mean").get<double>()),
                                    fmt::format("{:.2f}", f.at("ci95_half_width").get<double>()),
                                    fmt::format("{:.2f}", *std::min_element(values.begin(), values.end())),
                                    fmt::format("{:.2f}", *std::max_element(values.begin(), values.end()))};
  };
  const std::vector<std::string> header = {"key figure", "mean", "95% CI ±", "lowest", "highest"};
  if (!sweep) {
    report.Heading("Key figures");
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, f] : results.at("key_figures").items()) rows.push_back(row(name, f));
    report.Table(header, rows);
  } else {
    const Json& points = results["sweep"]["points"];
    const std::string parameter = results["sweep"]["parameter"];
    Json values = Json::array();
    for (const Json& p : points) values.push_back(p.at("value"));
    report.Heading(fmt::format("Key figures against {}", parameter));
    report.Paragraph("Each the mean over the replications, its 95% confidence interval shaded.");
    for (const auto& [name, ignored] : points.front().at("key_figures").items()) {
      Json mean = Json::array(), lower = Json::array(), upper = Json::array();
      for (const Json& p : points) {
        const Json& f = p.at("key_figures").at(name);
        const double m = f.at("mean").get<double>(), h = f.at("ci95_half_width").get<double>();
        mean.push_back(Round(m, 0.001));
        lower.push_back(Round(m - h, 0.001));
        upper.push_back(Round(m + h, 0.001));
      }
      report.Chart({{"title", name},
                    {"type", "line"},
                    {"small", true},
                    {"x", {{"kind", "category"}, {"label", parameter}, {"categories", values}}},
                    {"y", {{"label", name}}},
                    {"series", Json::array({{{"label", "mean"},
                                             {"values", std::move(mean)},
                                             {"lower", std::move(lower)},
                                             {"upper", std::move(upper)}}})}});
    }
    for (const Json& p : points) {
      report.Heading(fmt::format("{} = {}", parameter, p.at("value").get<std::string>()));
      std::vector<std::vector<std::string>> rows;
      for (const auto& [name, f] : p.at("key_figures").items()) rows.push_back(row(name, f));
      report.Table(header, rows);
    }
  }
  ScenarioFiles(report, s);
  return report.Render();
}

absl::StatusOr<Results> ReadResults(const std::string& path) {
  absl::StatusOr<std::string> text = core::ReadFile(path, "results file");
  if (!text.ok()) return text.status();
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", path, why));
  };
  const Json j = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not JSON from pochta simulate --json");
  if (j.contains("sweep")) return bad("a sweep: compare two runs, or two sets of replications");
  if (!j.contains("key_figures") || !j["key_figures"].is_object() || !j.contains("scenario")) {
    return bad("no \"key_figures\": write it with this pochta's simulate --json");
  }
  Results r;
  r.file = path;
  try {
    r.scenario = j.at("scenario").get<std::string>();
    const bool replicated = j.contains("replications");
    r.first_seed = j.at(replicated ? "first_seed" : "seed").get<uint64_t>();
    r.replications = replicated ? j.at("replications").get<size_t>() : 1;
    for (const auto& [name, f] : j["key_figures"].items()) {
      std::vector<double> values = replicated ? f.at("values").get<std::vector<double>>()
                                              : std::vector<double>{f.get<double>()};
      if (values.size() != r.replications) {
        return bad(fmt::format("key figure \"{}\" has {} values for {} replications", name, values.size(),
                               r.replications));
      }
      r.figures.emplace_back(name, std::move(values));
    }
    if (!replicated) r.transit_cdf = j.at("operators").at("all").at("transit_days").at("cdf").get<std::vector<double>>();
  } catch (const Json::exception& e) {
    return bad(fmt::format("not as pochta simulate --json writes it: {}", e.what()));
  }
  if (r.figures.empty()) return bad("no key figures");
  return r;
}

Comparison Compare(const Results& a, const Results& b) {
  Comparison c;
  c.paired = a.first_seed == b.first_seed && a.replications == b.replications;
  for (const auto& [name, values_a] : a.figures) {
    const auto in_b = std::find_if(b.figures.begin(), b.figures.end(), [&](const auto& f) { return f.first == name; });
    if (in_b == b.figures.end()) continue;
    c.rows.push_back({name, sim::EstimateOf(values_a), sim::EstimateOf(in_b->second),
                      sim::DifferenceOf(values_a, in_b->second, c.paired)});
  }
  return c;
}

std::string CompareReport(const Results& a, const Results& b, const Comparison& c) {
  HtmlReport report(fmt::format("pochta compare {} and {}", a.scenario, b.scenario), "UTC");
  report.Paragraph(fmt::format("A: {} ({}), B: {} ({}); pochta {}.", a.scenario, a.file, b.scenario, b.file,
                               Version()));
  report.Paragraph(ComparisonMethod(a, b, c));
  report.Heading("Key figures");
  std::vector<std::vector<std::string>> rows;
  Json names = Json::array(), change = Json::array();
  for (const Comparison::Row& row : c.rows) {
    rows.push_back({row.figure, PlusMinus(row.a.mean, row.a.half_width), PlusMinus(row.b.mean, row.b.half_width),
                    PlusMinus(row.difference.mean, row.difference.half_width), Change(row),
                    Significance(a, b, row.difference)});
    names.push_back(row.figure);
    change.push_back(row.a.mean != 0 ? Round(100 * row.difference.mean / std::abs(row.a.mean), 0.01) : 0);
  }
  report.Table({"key figure", a.scenario + " (A)", b.scenario + " (B)", "B - A", "change", "significant"}, rows);
  report.Chart({{"title", "Change from A to B"},
                {"type", "bar"},
                {"x", {{"kind", "category"}, {"label", "key figure"}, {"categories", std::move(names)}}},
                {"y", {{"label", "% of A"}}},
                {"series", Json::array({{{"label", "B - A, % of A"}, {"values", std::move(change)}}})}});
  if (!a.transit_cdf.empty() && !b.transit_cdf.empty()) {
    Json series = Json::array();
    for (const Results* r : {&a, &b}) {
      Json points = Json::array();
      for (size_t k = 0; k < r->transit_cdf.size(); ++k) points.push_back({r->transit_cdf[k], k});
      series.push_back({{"label", r->scenario}, {"points", std::move(points)}});
    }
    report.Chart({{"title", "Transit time of the goods"},
                  {"type", "line"},
                  {"x", {{"kind", "number"}, {"label", "days from posting to delivery"}}},
                  {"y", {{"label", "% of items delivered within"}, {"min", 0}, {"max", 100}}},
                  {"series", std::move(series)}});
  }
  return report.Render();
}

}  // namespace pochta::cli
