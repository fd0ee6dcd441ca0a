#include "cli/reports.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "cli/common.h"
#include "cli/html_report.h"
#include "cli/in_flow.h"
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

// The facilities of PostalModel::facility_names by kind: the Tashkent
// stages (names with a space; customs inspection among them), the hubs'
// departures (a facility code), and the count of items in customs.
struct Kinds {
  std::vector<size_t> stages, hubs;
  std::optional<size_t> in_customs, inspection;
};

Kinds KindsOf(const std::vector<std::string>& names) {
  Kinds k;
  for (size_t f = 0; f < names.size(); ++f) {
    if (names[f].ends_with(" in customs, all channels")) {
      k.in_customs = f;
    } else if (names[f].find(' ') != std::string::npos) {
      if (names[f].ends_with(" customs inspection")) k.inspection = f;
      k.stages.push_back(f);
    } else {
      k.hubs.push_back(f);
    }
  }
  return k;
}

constexpr const char* kHeldInCustoms = "held in customs, all channels";
constexpr const char* kWaitingForAnOfficer = "waiting for an officer's inspection";
constexpr const char* kInCustomsCaption =
    "Presented (EDB) and not yet released (EDC) or refused (EDX), whatever the channel; and the red items among "
    "them waiting for an officer.";
constexpr const char* kHubBacklogTitle = "Backlog at line-haul departures";
constexpr const char* kHubBacklogAxis = "items waiting for a departure";
constexpr const char* kHubBacklogCaption =
    "The office of exchange's and the sorting centres' departures, the five busiest shown: click a name in the "
    "legend to show or hide it.";
constexpr size_t kHubsShown = 5;

// The hubs, the highest peak first (ties in their order).
std::vector<size_t> BusiestFirst(std::vector<size_t> hubs, const std::vector<double>& peak) {
  std::stable_sort(hubs.begin(), hubs.end(), [&](size_t a, size_t b) { return peak[a] > peak[b]; });
  return hubs;
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
    const auto [stages, hubs, in_customs, inspection] = KindsOf(names);
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
    if (in_customs) {
      Json customs = Json::array({Backlog(hourly, *in_customs, kHeldInCustoms)});
      if (inspection) customs.push_back(Backlog(hourly, *inspection, kWaitingForAnOfficer));
      report.Chart(TimeChart("Items in customs", "items", std::move(customs)), kInCustomsCaption);
      throughput.push_back(Daily(hourly, *in_customs, "released or refused by customs", false));
    }
    report.Chart(TimeChart("Throughput of the Tashkent stages", "items per day", std::move(throughput)));
    Json util_chart = TimeChart("Utilisation of the Tashkent stages", "% of staffed capacity busy", std::move(utilisation));
    util_chart["y"]["max"] = 100;
    report.Chart(std::move(util_chart), "Busy share of the day's staffed hours (shifts for scanning and sorting, "
                                        "officers round the clock).");
    std::vector<double> peak(names.size(), 0);
    for (const sim::HourlySample& h : hourly) {
      for (size_t f : hubs) peak[f] = std::max(peak[f], double(h.facilities[f].backlog));
    }
    Json hub_backlog = Json::array(), hub_throughput = Json::array();
    for (size_t f : BusiestFirst(hubs, peak)) {
      const std::string label = names[f] + " departures";
      hub_backlog.push_back(Backlog(hourly, f, label));
      hub_throughput.push_back(Daily(hourly, f, label, false));
      if (hub_backlog.size() > kHubsShown) hub_backlog.back()["hidden"] = hub_throughput.back()["hidden"] = true;
    }
    report.Chart(TimeChart(kHubBacklogTitle, kHubBacklogAxis, std::move(hub_backlog)), kHubBacklogCaption);
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

std::string ForecastReport(const sim::Scenario& s, const std::string& db, std::span<const sim::ItemInFlow> items,
                           const sim::Forecast& f) {
  const sim::LocalTime clock = sim::LocalTime::Load(s.time_zone).value();
  HtmlReport report(fmt::format("pochta forecast from {}, {}", db, Date(clock, f.start)), s.time_zone);
  report.Paragraph(fmt::format(
      "The {} items in flow in {} at {} ({}), each placed where its latest event puts it, and {}'s demand for "
      "{} days after; {} replications, seeds {} to {}; pochta {}. Each backlog is the mean over the replications, "
      "its 95% confidence interval shaded. Late: not delivered within {:g} days of posting.",
      Thousands(items.size()), db, Date(clock, f.start), s.time_zone, s.name, s.days, f.replications, s.seed,
      s.seed + uint64_t(f.replications) - 1, Version(), s.service_standard_days));
  for (const sim::Scenario::Closure& c : s.closures) {
    report.Paragraph(fmt::format("Closed: the links between {} and {}, from {} for {:g} days.", c.from, c.to,
                                 Date(clock, f.start + sim::Time(c.start_day * kDay)), c.days));
  }

  // By where they are now: how many, when they will be delivered, how many late.
  struct Stage {
    uint64_t items = 0;
    double delivered = 0, late = 0;
    std::vector<sim::Time> p50;
  };
  std::map<std::string, Stage> stages;
  for (size_t k = 0; k < items.size(); ++k) {
    const sim::ItemOutlook& o = f.items[k];
    Stage& stage = stages[o.placed ? Where(items[k]) : "not placed"];
    ++stage.items;
    stage.delivered += o.delivered;
    stage.late += o.late;
    stage.p50.push_back(o.p50);
  }
  report.Heading("Items in flow");
  std::vector<std::vector<std::string>> rows;
  for (auto& [where, stage] : stages) {
    std::nth_element(stage.p50.begin(), stage.p50.begin() + ptrdiff_t(stage.p50.size() / 2), stage.p50.end());
    const bool placed = where != "not placed";
    rows.push_back({where, Thousands(stage.items), placed ? Date(clock, stage.p50[stage.p50.size() / 2]) : "-",
                    placed ? fmt::format("{:.1f}%", 100 * stage.delivered / double(stage.items)) : "-",
                    placed ? Thousands(uint64_t(stage.late + 0.5)) : "-"});
  }
  report.Table({"where", "items", "median expected delivery (p50)", "delivered within the forecast", "late"}, rows);
  std::string why;
  for (const auto& [reason, count] : f.not_placed) why += fmt::format("; {}: {}", reason, Thousands(count));
  report.Paragraph(
      fmt::format("Where: the stage the latest event puts the item in. Placed in the model: {}{}. "
                  "Delivered within the forecast: the mean share of the replications; late: the "
                  "expected number.",
                  Thousands(f.placed), why));

  // Time charts ticked on local midnights, whatever the hour of the start.
  const sim::Time midnight = clock.Midnight(clock.DayOf(f.start));
  const auto time_chart = [&](std::string title, std::string y_label, Json series) {
    Json chart = TimeChart(std::move(title), std::move(y_label), std::move(series));
    chart["x"]["origin"] = midnight;
    return chart;
  };

  report.Heading("The backlog ahead");
  const auto band = [&](std::string label, const std::vector<sim::Estimate>& e) {
    std::vector<double> mean, lower, upper;
    for (const sim::Estimate& x : e) {
      mean.push_back(Round(x.mean, 0.1));
      lower.push_back(Round(std::max(0.0, x.mean - x.half_width), 0.1));
      upper.push_back(Round(x.mean + x.half_width, 0.1));
    }
    Json series = TimeSeries(std::move(label), f.start, kHour, std::move(mean));
    series["lower"] = std::move(lower);
    series["upper"] = std::move(upper);
    return series;
  };
  report.Chart(time_chart("Items in the network", "items", Json::array({band("in flow", f.in_system)})),
               "The items in flow and those posted since, not yet delivered or returned; hour by hour. Drag across "
               "any time chart, or use the range above, to zoom all of them.");
  const Kinds kinds = KindsOf(f.facility_names);
  Json backlog = Json::array();
  for (size_t k : kinds.stages) backlog.push_back(band(f.facility_names[k], f.backlog[k]));
  report.Chart(time_chart("Backlog at the Tashkent stages", "items waiting or in process", std::move(backlog)),
               "At the end of each hour.");
  if (kinds.in_customs) {
    Json customs = Json::array({band(kHeldInCustoms, f.backlog[*kinds.in_customs])});
    if (kinds.inspection) customs.push_back(band(kWaitingForAnOfficer, f.backlog[*kinds.inspection]));
    report.Chart(time_chart("Items in customs", "items", std::move(customs)), kInCustomsCaption);
  }
  std::vector<double> peak(f.facility_names.size(), 0);
  for (size_t k : kinds.hubs) {
    for (const sim::Estimate& e : f.backlog[k]) peak[k] = std::max(peak[k], e.mean);
  }
  Json hub_backlog = Json::array();
  for (size_t k : BusiestFirst(kinds.hubs, peak)) {
    hub_backlog.push_back(band(f.facility_names[k] + " departures", f.backlog[k]));
    if (hub_backlog.size() > kHubsShown) hub_backlog.back()["hidden"] = true;
  }
  report.Chart(time_chart(kHubBacklogTitle, kHubBacklogAxis, std::move(hub_backlog)), kHubBacklogCaption);

  report.Heading("Deliveries ahead");
  // How many of the items in flow each hour's end finds delivered, by each
  // item's p10, p50 and p90.
  Json deliveries = Json::array();
  for (const auto& [label, quantile] :
       {std::pair{"by their p10 (early)", &sim::ItemOutlook::p10}, std::pair{"by their p50", &sim::ItemOutlook::p50},
        std::pair{"by their p90 (late)", &sim::ItemOutlook::p90}}) {
    std::vector<sim::Time> when;
    for (const sim::ItemOutlook& o : f.items) {
      if (o.placed) when.push_back(o.*quantile);
    }
    std::sort(when.begin(), when.end());
    std::vector<double> delivered;
    for (sim::Time h : f.hours)
      delivered.push_back(double(std::upper_bound(when.begin(), when.end(), h) - when.begin()));
    deliveries.push_back(TimeSeries(label, f.start, kHour, std::move(delivered)));
  }
  deliveries[0]["dashed"] = deliveries[2]["dashed"] = true;
  report.Chart(time_chart("The items in flow delivered", "items delivered", std::move(deliveries)),
               "Cumulative, hour by hour. Each item's delivery time over the replications has a 10th, 50th and "
               "90th percentile: the middle line counts the items delivered by their median, the others by the "
               "early and the late ends of their range.");
  rows.clear();
  for (const auto& [label, e] : f.late) rows.push_back({label, PlusMinus(e.mean, e.half_width)});
  report.Table({"flow", "items in flow that will be late"}, rows);
  report.Paragraph(
      "Delivered more than the service standard after posting, or not delivered by the time the "
      "standard runs out within the forecast; mean over the replications ± its 95% confidence interval.");
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
