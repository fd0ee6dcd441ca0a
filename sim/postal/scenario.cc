#include "sim/postal/scenario.h"

#include <charconv>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/country.h"
#include "core/files.h"
#include "core/item_id.h"
#include "core/mail_class.h"
#include "core/network.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/local_time.h"

namespace pochta::sim {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char by) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(by, start);
    parts.push_back(Trim(s.substr(start, at == std::string_view::npos ? at : at - start)));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  for (std::string_view w : Split(s, ' ')) {
    if (!w.empty()) words.push_back(w);
  }
  return words;
}

// A value that failed to parse: the message says what was expected.
struct Bad {
  std::string expected;
};

template <typename T>
T Number(std::string_view text, const char* what) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) throw Bad{what};
  return value;
}

double NonNegative(std::string_view text) {
  const double v = Number<double>(text, "a number of at least 0");
  if (v < 0) throw Bad{"a number of at least 0"};
  return v;
}

double Share(std::string_view text) {
  const double v = Number<double>(text, "a share from 0 to 1");
  if (v < 0 || v > 1) throw Bad{"a share from 0 to 1"};
  return v;
}

int Positive(std::string_view text) {
  const int v = Number<int>(text, "a whole number of at least 1");
  if (v < 1) throw Bad{"a whole number of at least 1"};
  return v;
}

int Hour(std::string_view text) {
  const int v = Number<int>(text, "an hour from 0 to 24");
  if (v < 0 || v > 24) throw Bad{"an hour from 0 to 24"};
  return v;
}

// "HH:MM, HH:MM": seconds after midnight, ascending.
std::vector<int> TimesOfDay(std::string_view text) {
  std::vector<int> times;
  for (std::string_view t : Split(text, ',')) {
    const auto hm = Split(t, ':');
    if (hm.size() != 2) throw Bad{"times of day like 07:30, 20:00"};
    const int h = Number<int>(hm[0], "times of day like 07:30, 20:00");
    const int m = Number<int>(hm[1], "times of day like 07:30, 20:00");
    if (h < 0 || h > 23 || m < 0 || m > 59) throw Bad{"times of day like 07:30, 20:00"};
    if (!times.empty() && h * 3600 + m * 60 <= times.back()) throw Bad{"times of day in ascending order"};
    times.push_back(h * 3600 + m * 60);
  }
  return times;
}

int64_t Date(std::string_view text) {
  const auto parts = Split(text, '-');
  if (parts.size() != 3) throw Bad{"a date like 2025-01-01"};
  const std::chrono::year_month_day ymd{std::chrono::year(Number<int>(parts[0], "a date like 2025-01-01")),
                                        std::chrono::month(unsigned(Number<int>(parts[1], "a date like 2025-01-01"))),
                                        std::chrono::day(unsigned(Number<int>(parts[2], "a date like 2025-01-01")))};
  if (!ymd.ok()) throw Bad{"a date like 2025-01-01"};
  return std::chrono::sys_days(ymd).time_since_epoch().count() * 86400;
}

// "A 0.5, B 0.5": named shares that sum to 1.
std::vector<std::pair<std::string, double>> Shares(std::string_view text,
                                                   const std::function<bool(std::string_view)>& valid,
                                                   const char* names) {
  std::vector<std::pair<std::string, double>> shares;
  double total = 0;
  for (std::string_view entry : Split(text, ',')) {
    const auto w = Words(entry);
    if (w.size() != 2 || !valid(w[0])) throw Bad{fmt::format("a list of \"{} SHARE\" entries", names)};
    shares.emplace_back(std::string(w[0]), Share(w[1]));
    total += shares.back().second;
  }
  if (std::abs(total - 1) > 1e-6) throw Bad{fmt::format("shares that sum to 1 (these sum to {:.4f})", total)};
  return shares;
}

// "letter-post 0.1, parcels 0.3": a share for each mail class named; the
// classes not named keep theirs.
void SharesByClass(std::string_view text, std::array<double, 3>& shares) {
  for (std::string_view entry : Split(text, ',')) {
    const auto w = Words(entry);
    const std::optional<core::MailClass> c = w.size() == 2 ? core::ParseMailClass(w[0]) : std::nullopt;
    if (!c) throw Bad{"a list of \"letter-post|parcels|ems SHARE\" entries"};
    shares[size_t(*c)] = Share(w[1]);
  }
}

std::string TimeZone(std::string_view text) {
  if (absl::StatusOr<LocalTime> zone = LocalTime::Load(text); !zone.ok()) throw Bad{"an IANA time zone like Asia/Tashkent"};
  return std::string(text);
}

// "08:00-19:00": opening and closing, seconds after midnight.
std::pair<int, int> Hours(std::string_view text) {
  const auto parts = Split(text, '-');
  if (parts.size() != 2) throw Bad{"opening hours like 08:00-19:00"};
  const std::vector<int> open = TimesOfDay(parts[0]), close = TimesOfDay(parts[1]);
  if (open.size() != 1 || close.size() != 1 || open[0] >= close[0]) throw Bad{"opening hours like 08:00-19:00"};
  return {open[0], close[0]};
}

// "Mon Tue Wed": the weekdays named, Monday first.
std::array<bool, 7> Weekdays(std::string_view text) {
  static constexpr std::string_view kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::array<bool, 7> days{};
  for (std::string_view w : Words(text)) {
    const auto it = std::find(std::begin(kNames), std::end(kNames), w);
    if (it == std::end(kNames)) throw Bad{"weekdays like Mon Tue Wed Thu Fri Sat"};
    days[size_t(it - std::begin(kNames))] = true;
  }
  return days;
}

// The section header that sets a flow, for errors: "operator CN".
std::string SectionOf(const OperatorFlow& f) {
  const std::string_view partner = core::Code(f.op);
  switch (f.kind) {
    case OperatorFlow::Kind::kGoods: return fmt::format("operator {}", partner);
    case OperatorFlow::Kind::kLettersIn: return fmt::format("correspondence from {}", partner);
    case OperatorFlow::Kind::kLettersOut: return fmt::format("correspondence to {}", partner);
  }
  return "";
}

using Setter = std::function<void(std::string_view)>;

std::vector<std::string_view> TransitOffices(const core::Operators& file) {
  std::vector<std::string_view> codes;
  for (const core::ExchangeOffice& office : file.offices()) {
    if (office.role == core::ExchangeRole::kTransit) codes.push_back(office.impc);
  }
  return codes;
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view source,
                                       std::shared_ptr<const core::Operators> operators) {
  Scenario base;
  base.operators_file = std::move(operators);
  return ParseScenario(text, source, std::move(base));
}

absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view source, Scenario base) {
  Scenario s = std::move(base);
  const core::Operators& file = *s.operators_file;
  // The zone of an operator's offices when its section names none.
  const auto zone_of = [&](core::Operator op) {
    const core::OperatorInfo* info = file.Find(op);
    return info ? info->time_zone : std::string("UTC");
  };
  std::set<std::string> sections_seen;
  OperatorFlow* op = nullptr;
  std::string section;
  std::vector<std::string> errors;
  std::map<std::string, int> first_line;  // section/key -> line, for duplicates

  const auto error = [&](int line, std::string message) {
    errors.push_back(fmt::format("{}:{}: {}", source, line, message));
  };

  const std::map<std::string, std::map<std::string, Setter>> table = [&] {
    std::map<std::string, std::map<std::string, Setter>> t;
    t[""] = {{"base", [](std::string_view) {}},  // read by LoadScenario
             {"name", [&](std::string_view v) { s.name = v; }},
             {"description", [&](std::string_view v) { s.description = v; }}};
    t["run"] = {{"start", [&](std::string_view v) { s.start = Date(v); }},
                {"days", [&](std::string_view v) { s.days = Positive(v); }},
                {"drain_days", [&](std::string_view v) { s.drain_days = Number<int>(v, "a whole number of days"); }},
                {"seed", [&](std::string_view v) { s.seed = Number<uint64_t>(v, "a whole number"); }},
                {"time_zone", [&](std::string_view v) { s.time_zone = TimeZone(v); }},
                {"service_standard_days", [&](std::string_view v) { s.service_standard_days = NonNegative(v); }}};
    t["demand"] = {
        {"weekday_factors",
         [&](std::string_view v) {
           const auto f = Split(v, ',');
           if (f.size() != 7) throw Bad{"seven factors, Monday first"};
           for (size_t i = 0; i < 7; ++i) s.weekday_factors[i] = NonNegative(f[i]);
         }},
        {"peak",
         [&](std::string_view v) {
           constexpr const char* kForm = "\"[YYYY-]MM-DD FACTOR DAYS\"";
           const auto w = Words(v);
           auto date = w.empty() ? std::vector<std::string_view>{} : Split(w[0], '-');
           if (w.size() != 3 || date.size() < 2 || date.size() > 3) throw Bad{kForm};
           const int year = date.size() == 3 ? Number<int>(date[0], kForm) : 0;
           if (date.size() == 3) date.erase(date.begin());
           const int month = Number<int>(date[0], kForm), day = Number<int>(date[1], kForm);
           if (month < 1 || month > 12 || day < 1 || day > 31) throw Bad{kForm};
           s.peaks.push_back({year, month, day, NonNegative(w[1]), Positive(w[2])});
         }},
        {"region_shares",
         [&](std::string_view v) {
           s.region_shares = Shares(
               v, [](std::string_view p) { return p.size() >= 2 && p.size() <= 3; }, "PREFIX");
         }},
        {"letter_post_grams", [&](std::string_view v) { s.letter_post_grams = NonNegative(v); }},
        {"parcel_grams", [&](std::string_view v) { s.parcel_grams = NonNegative(v); }},
        {"ems_grams", [&](std::string_view v) { s.ems_grams = NonNegative(v); }},
        {"weight_cv", [&](std::string_view v) { s.weight_cv = NonNegative(v); }},
        {"letter_post_usd", [&](std::string_view v) { s.letter_post_usd = NonNegative(v); }},
        {"parcel_usd", [&](std::string_view v) { s.parcel_usd = NonNegative(v); }},
        {"ems_usd", [&](std::string_view v) { s.ems_usd = NonNegative(v); }},
        {"value_cv", [&](std::string_view v) { s.value_cv = NonNegative(v); }}};
    t["operator"] = {{"items_per_day", [&](std::string_view v) { op->items_per_day = NonNegative(v); }},
                     {"mix",
                      [&](std::string_view v) {
                        op->mix = Shares(
                            v, [](std::string_view si) { return core::LookupServiceIndicator(si).has_value(); },
                            "SERVICE-INDICATOR");
                      }},
                     {"time_zone", [&](std::string_view v) { op->time_zone = TimeZone(v); }},
                     {"office_of_exchange",
                      [&](std::string_view v) {
                        if (!core::IsImpcCode(v)) throw Bad{"an IMPC code like CNSHAA"};
                        op->office_of_exchange = v;
                      }},
                     {"posting_office",
                      [&](std::string_view v) {
                        if (!core::IsFacilityCode(v) || v.size() < 3 || !core::IsIsoCountryCode(v.substr(0, 2))) {
                          throw Bad{"an office code of the sender's country, like CN518000"};
                        }
                        op->posting_office = v;
                      }},
                     {"to_exchange_hours", [&](std::string_view v) { op->to_exchange_hours = NonNegative(v); }},
                     {"to_exchange_cv", [&](std::string_view v) { op->to_exchange_cv = NonNegative(v); }},
                     {"dispatch_departures", [&](std::string_view v) { op->dispatch_departures = TimesOfDay(v); }},
                     {"cutoff_hours", [&](std::string_view v) { op->cutoff_hours = NonNegative(v); }},
                     {"flight_capacity_kg", [&](std::string_view v) { op->flight_capacity_kg = Positive(v); }},
                     {"flight_hours", [&](std::string_view v) { op->flight_hours = NonNegative(v); }},
                     {"transit_office",
                      [&](std::string_view v) {
                        const core::ExchangeOffice* office = file.FindOffice(v);
                        if (office == nullptr || office->role != core::ExchangeRole::kTransit) {
                          throw Bad{fmt::format("a transit office of the operators file ({})",
                                                fmt::join(TransitOffices(file), ", "))};
                        }
                        op->transit_office = v;
                      }},
                     {"transit_hours", [&](std::string_view v) { op->transit_hours = NonNegative(v); }},
                     {"transit_cv", [&](std::string_view v) { op->transit_cv = NonNegative(v); }},
                     {"consolidated_from",
                      [&](std::string_view v) {
                        if (!core::IsIsoCountryCode(v)) throw Bad{"an ISO 3166-1 country code like CN"};
                        op->consolidated_from = v;
                        if (op->consolidation_time_zone.empty()) {
                          op->consolidation_time_zone = zone_of(*core::Operator::Parse(v));
                        }
                      }},
                     {"consolidation_time_zone", [&](std::string_view v) { op->consolidation_time_zone = TimeZone(v); }},
                     {"consolidation_departures",
                      [&](std::string_view v) { op->consolidation_departures = TimesOfDay(v); }},
                     {"consolidation_days", [&](std::string_view v) { op->consolidation_days = NonNegative(v); }},
                     {"consolidation_cv", [&](std::string_view v) { op->consolidation_cv = NonNegative(v); }},
                     {"letter_grams", [&](std::string_view v) { op->letter_grams = Positive(v); }},
                     {"ordinary_kg_per_day", [&](std::string_view v) { op->ordinary_kg_per_day = NonNegative(v); }},
                     {"destination_office",
                      [&](std::string_view v) {
                        if (!core::IsImpcCode(v)) throw Bad{"an IMPC code like CNBJSA"};
                        op->destination_office = v;
                      }},
                     {"abroad_days", [&](std::string_view v) { op->abroad_days = NonNegative(v); }},
                     {"abroad_cv", [&](std::string_view v) { op->abroad_cv = NonNegative(v); }},
                     {"delivery_postcodes", [&](std::string_view v) {
                        op->delivery_postcodes.clear();
                        for (std::string_view p : Split(v, ',')) {
                          if (p.empty() || p.size() > 9 || !std::all_of(p.begin(), p.end(), [](char c) {
                                return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                              })) {
                            throw Bad{"a list of postcodes like 100000, 200000"};
                          }
                          op->delivery_postcodes.emplace_back(p);
                        }
                      }}};
    const auto subclass = [](char mail_class, std::string_view v) {
      if (v.size() != 2 || v[0] != mail_class || v[1] < 'A' || v[1] > 'Z') {
        throw Bad{fmt::format("a code list 117 subclass of two capital letters starting with {}", mail_class)};
      }
      return std::string(v);
    };
    Scenario::Dispatching& d = s.dispatching;
    t["dispatch"] = {
        {"receptacle_max_kg", [&](std::string_view v) { d.receptacle_max_kg = NonNegative(v); }},
        {"receptacle_tare_kg", [&](std::string_view v) { d.receptacle_tare_kg = NonNegative(v); }},
        {"letter_post_subclass", [&](std::string_view v) { d.letter_post_subclass = subclass('U', v); }},
        {"parcel_subclass", [&](std::string_view v) { d.parcel_subclass = subclass('C', v); }},
        {"ems_subclass", [&](std::string_view v) { d.ems_subclass = subclass('E', v); }},
        {"missent_share", [&](std::string_view v) { d.missent_share = Share(v); }},
        {"missent_days", [&](std::string_view v) { d.missent_days = NonNegative(v); }},
        {"ground_hours", [&](std::string_view v) { d.ground_hours = NonNegative(v); }}};
    t["inward"] = {
        {"scan_per_hour", [&](std::string_view v) { s.scan_per_hour = Positive(v); }},
        {"sort_per_hour", [&](std::string_view v) { s.sort_per_hour = Positive(v); }},
        {"shift_start_hour", [&](std::string_view v) { s.shift_start_hour = Hour(v); }},
        {"shift_end_hour", [&](std::string_view v) { s.shift_end_hour = Hour(v); }}};
    Scenario::Customs& c = s.customs;
    t["customs"] = {
        {"channels",
         [&](std::string_view v) {
           const auto shares = Shares(
               v, [](std::string_view name) { return name == "green" || name == "yellow" || name == "red"; },
               "green|yellow|red");
           c.channels = {0, 0, 0};
           for (const auto& [name, share] : shares) c.channels[name == "green" ? 0 : name == "yellow" ? 1 : 2] = share;
         }},
        {"green_minutes", [&](std::string_view v) { c.green_minutes = NonNegative(v); }},
        {"yellow_hours", [&](std::string_view v) { c.yellow_hours = NonNegative(v); }},
        {"officers", [&](std::string_view v) { c.officers = Positive(v); }},
        {"inspection_minutes", [&](std::string_view v) { c.inspection_minutes = NonNegative(v); }},
        {"red_hold_hours", [&](std::string_view v) { c.red_hold_hours = NonNegative(v); }},
        {"refusal_share", [&](std::string_view v) { c.refusal_share = Share(v); }},
        {"duty_free_usd", [&](std::string_view v) { c.duty_free_usd = NonNegative(v); }},
        {"duty_days", [&](std::string_view v) { c.duty_days = NonNegative(v); }},
        {"unpaid_share", [&](std::string_view v) { c.unpaid_share = Share(v); }}};
    Scenario::Returns& ret = s.returns;
    t["returns"] = {
        {"to_exchange_days", [&](std::string_view v) { ret.to_exchange_days = NonNegative(v); }},
        {"departures", [&](std::string_view v) { ret.departures = TimesOfDay(v); }},
        {"weekdays", [&](std::string_view v) { ret.weekdays = Weekdays(v); }}};
    t["linehaul"] = {
        {"truck_departures", [&](std::string_view v) { s.truck_departures = TimesOfDay(v); }},
        {"air_departures", [&](std::string_view v) { s.air_departures = TimesOfDay(v); }},
        {"van_departures", [&](std::string_view v) { s.van_departures = TimesOfDay(v); }},
        {"truck_capacity", [&](std::string_view v) { s.truck_capacity = Positive(v); }},
        {"air_capacity", [&](std::string_view v) { s.air_capacity = Positive(v); }},
        {"van_capacity", [&](std::string_view v) { s.van_capacity = Positive(v); }},
        {"hub_processing_hours", [&](std::string_view v) { s.hub_processing_hours = NonNegative(v); }},
        {"hub_processing",
         [&](std::string_view v) {
           s.hub_processing.clear();
           for (std::string_view entry : Split(v, ',')) {
             const auto w = Words(entry);
             if (w.size() != 2 || !core::IsFacilityCode(w[0])) throw Bad{"a list of \"SORTING-CENTRE HOURS\" entries"};
             s.hub_processing.emplace_back(std::string(w[0]), NonNegative(w[1]));
           }
         }},
        {"closure", [&](std::string_view v) {
           const auto w = Words(v);
           if (w.size() != 4) throw Bad{"\"FROM TO START-DAY DAYS\""};
           s.closures.push_back({std::string(w[0]), std::string(w[1]), NonNegative(w[2]), NonNegative(w[3])});
         }}};
    t["delivery"] = {{"delivery_hour", [&](std::string_view v) { s.delivery_hour = Hour(v); }},
                     {"home_delivery", [&](std::string_view v) { SharesByClass(v, s.home_delivery); }},
                     {"pickup_share", [&](std::string_view v) { SharesByClass(v, s.pickup_share); }},
                     {"pickup_collection_days",
                      [&](std::string_view v) { s.pickup_collection_days = NonNegative(v); }},
                     {"pickup_holding_days", [&](std::string_view v) { s.pickup_holding_days = Positive(v); }},
                     {"collection_days", [&](std::string_view v) { s.collection_days = NonNegative(v); }},
                     {"delivery_success", [&](std::string_view v) { s.delivery_success = Share(v); }},
                     {"delivery_attempts", [&](std::string_view v) { s.delivery_attempts = Positive(v); }},
                     {"collection_share", [&](std::string_view v) { s.collection_share = Share(v); }},
                     {"holding_days", [&](std::string_view v) { s.holding_days = Positive(v); }},
                     {"office_hours",
                      [&](std::string_view v) { std::tie(s.office_open, s.office_close) = Hours(v); }},
                     {"working_days", [&](std::string_view v) { s.working_days = Weekdays(v); }},
                     {"holidays",
                      [&](std::string_view v) {
                        s.holidays.clear();
                        for (std::string_view d : Split(v, ',')) s.holidays.push_back(Date(d) / 86400);
                      }}};
    return t;
  }();
  const std::set<std::string> repeatable = {"peak", "closure"};

  std::istringstream lines{std::string(text)};
  std::string raw;
  for (int n = 1; std::getline(lines, raw); ++n) {
    std::string_view line = raw;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        error(n,
              "a section header is [run], [demand], [operator XX], [correspondence from|to XX], [dispatch], [inward], "
              "[customs], [linehaul] or [delivery]");
        continue;
      }
      const auto w = Words(line.substr(1, line.size() - 2));
      section = w.empty() ? "" : std::string(w[0]);
      op = nullptr;
      if (section == "operator" || section == "correspondence") {
        // [operator XX], [correspondence from XX], [correspondence to XX]
        const bool letters = section == "correspondence";
        const bool to = letters && w.size() == 3 && w[1] == "to";
        const std::optional<core::Operator> code =
            w.size() == (letters ? 3u : 2u) && (!letters || to || w[1] == "from") ? core::Operator::Parse(w.back())
                                                                                  : std::nullopt;
        if (!code || !file.IsPartner(*code)) {
          const std::string partners = file.CodesOf(core::OperatorKind::kPartner);
          error(n, letters ? fmt::format("a correspondence section is [correspondence from XX] or [correspondence "
                                         "to XX], XX a partner of the operators file ({})",
                                         partners)
                           : fmt::format("an operator section is [operator XX], XX a partner of the operators file ({})",
                                         partners));
          section = "?";
          continue;
        }
        OperatorFlow flow{*code, !letters ? OperatorFlow::Kind::kGoods
                                 : to     ? OperatorFlow::Kind::kLettersOut
                                          : OperatorFlow::Kind::kLettersIn};
        section = "operator";  // one table of parameters for every flow
        if (!sections_seen.insert(Label(flow)).second) error(n, fmt::format("[{}] appears twice", SectionOf(flow)));
        op = nullptr;
        for (OperatorFlow& f : s.operators) {
          if (f.op == flow.op && f.kind == flow.kind) op = &f;  // a base scenario's flow, changed here
        }
        if (op == nullptr) {
          if (letters) flow.mix = {{"RR", 1.0}};
          flow.time_zone = zone_of(to ? core::kUzbekistanPost : *code);
          s.operators.push_back(std::move(flow));
          op = &s.operators.back();
        }
      } else if (!table.contains(section) || w.size() != 1) {
        error(n, fmt::format("unknown section [{}]", line.substr(1, line.size() - 2)));
        section = "?";
      }
      continue;
    }
    if (section == "?") continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      error(n, "expected \"name = value\"");
      continue;
    }
    const std::string key(Trim(line.substr(0, eq)));
    const std::string_view value = Trim(line.substr(eq + 1));
    const auto& setters = table.at(section);
    const auto it = setters.find(key);
    if (it == setters.end()) {
      error(n, fmt::format("unknown parameter \"{}\" in [{}]", key, section.empty() ? "top" : section));
      continue;
    }
    const std::string where = fmt::format("{}/{}/{}", section, op ? Label(*op) : "", key);
    if (!repeatable.contains(key)) {
      if (auto [seen, inserted] = first_line.emplace(where, n); !inserted) {
        error(n, fmt::format("\"{}\" is set twice (first at line {})", key, seen->second));
        continue;
      }
    }
    try {
      it->second(value);
    } catch (const Bad& bad) {
      error(n, fmt::format("{} \"{}\": expected {}", key, value, bad.expected));
    }
  }

  if (s.name.empty()) errors.push_back(fmt::format("{}: \"name\" is required", source));
  if (s.operators.empty()) errors.push_back(fmt::format("{}: at least one [operator XX] section is required", source));
  std::set<std::string> series;
  for (const OperatorFlow& f : s.operators) {
    const std::string label = SectionOf(f);
    const bool out = f.kind == OperatorFlow::Kind::kLettersOut;
    const std::string_view sender = out ? core::Code(core::kUzbekistanPost) : core::Code(f.op);
    const core::Operator sender_op = *core::Operator::Parse(sender);
    const core::ExchangeOffice* exchange = file.FindOffice(f.office_of_exchange);
    if (exchange == nullptr || exchange->op != sender_op || exchange->role == core::ExchangeRole::kTransit) {
      errors.push_back(fmt::format(
          "{}: [{}] needs office_of_exchange, an office of exchange of {} in the operators file ({})", source, label,
          sender,
          fmt::join(out ? file.OfficesOf(sender_op, core::ExchangeRole::kInward)
                        : file.OfficesOf(sender_op, core::ExchangeRole::kOutward),
                    ", ")));
    } else if (!series.insert(f.office_of_exchange + ">" + f.destination_office).second) {
      // Each flow numbers its own dispatch series from its office.
      errors.push_back(fmt::format("{}: [{}]: office_of_exchange {} already dispatches another flow there", source,
                                   label, f.office_of_exchange));
    }
    const core::ExchangeOffice* destination = file.FindOffice(f.destination_office);
    if (out && (destination == nullptr || destination->op != f.op ||
                destination->role == core::ExchangeRole::kTransit || f.delivery_postcodes.empty())) {
      errors.push_back(fmt::format(
          "{}: [{}] needs destination_office, an office of exchange of {} in the operators file ({}), and "
          "delivery_postcodes",
          source, label, core::Code(f.op), fmt::join(file.OfficesOf(f.op, core::ExchangeRole::kOutward), ", ")));
    }
    if (!f.posting_office.empty() && (out || !f.posting_office.starts_with(sender))) {
      errors.push_back(fmt::format("{}: [{}]: posting_office {} must be an office of {}{}", source, label,
                                   f.posting_office, sender,
                                   out ? "; letters to a partner are posted at Uzbek post offices" : ""));
    }
    if (!out && (!f.destination_office.empty() || !f.delivery_postcodes.empty())) {
      errors.push_back(fmt::format(
          "{}: [{}]: destination_office and delivery_postcodes are for [correspondence to XX] only", source, label));
    }
    if (!f.consolidated_from.empty() && (f.kind != OperatorFlow::Kind::kGoods || f.consolidated_from == sender)) {
      errors.push_back(fmt::format("{}: [{}]: consolidated_from {} must be another country than {}, for goods", source,
                                   label, f.consolidated_from, sender));
    }
    if (f.kind == OperatorFlow::Kind::kGoods && f.ordinary_kg_per_day > 0) {
      errors.push_back(fmt::format("{}: [{}]: ordinary_kg_per_day is for correspondence sections only", source, label));
    }
  }
  const double largest_receptacle = s.dispatching.receptacle_max_kg + s.dispatching.receptacle_tare_kg;
  for (const OperatorFlow& f : s.operators) {
    if (f.flight_capacity_kg < largest_receptacle) {
      errors.push_back(fmt::format("{}: [{}] flight_capacity_kg {} cannot take a full receptacle ({} kg)", source,
                                   SectionOf(f), f.flight_capacity_kg, largest_receptacle));
    }
  }
  if (s.dispatching.receptacle_max_kg < 1 || s.dispatching.receptacle_tare_kg >= s.dispatching.receptacle_max_kg) {
    errors.push_back(fmt::format("{}: receptacle_max_kg {} must be at least 1 and more than receptacle_tare_kg {}",
                                 source, s.dispatching.receptacle_max_kg, s.dispatching.receptacle_tare_kg));
  }
  if (s.delivery_hour * 3600 < s.office_open || s.delivery_hour * 3600 + 6 * 3600 > s.office_close) {
    errors.push_back(fmt::format("{}: delivery_hour {} must leave the six hours of a round within office_hours", source,
                                 s.delivery_hour));
  }
  if (s.pickup_holding_days >= s.holding_days) {
    errors.push_back(fmt::format("{}: pickup_holding_days {} must be shorter than holding_days {}", source,
                                 s.pickup_holding_days, s.holding_days));
  }
  if (std::find(s.working_days.begin(), s.working_days.end(), true) == s.working_days.end()) {
    errors.push_back(fmt::format("{}: working_days names no day", source));
  }
  if (std::find(s.returns.weekdays.begin(), s.returns.weekdays.end(), true) == s.returns.weekdays.end() ||
      s.returns.departures.empty()) {
    errors.push_back(fmt::format("{}: [returns] weekdays and departures must name a day and a time", source));
  }
  if (s.shift_start_hour >= s.shift_end_hour) {
    errors.push_back(fmt::format("{}: shift_start_hour {} must be before shift_end_hour {}", source, s.shift_start_hour,
                                 s.shift_end_hour));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(fmt::format("{}", fmt::join(errors, "\n")));
  return s;
}

std::string Label(const OperatorFlow& flow) {
  const std::string partner(core::Code(flow.op));
  switch (flow.kind) {
    case OperatorFlow::Kind::kGoods: return partner;
    case OperatorFlow::Kind::kLettersIn: return partner + "->UZ letters";
    case OperatorFlow::Kind::kLettersOut: return "UZ->" + partner + " letters";
  }
  return partner;
}

absl::StatusOr<Scenario> LoadScenario(const std::string& path, std::shared_ptr<const core::Operators> operators) {
  absl::StatusOr<std::string> read = core::ReadFile(path, "scenario file");
  if (!read.ok()) return read.status();
  const std::string text = *std::move(read);
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  Scenario base;
  base.operators_file = std::move(operators);
  // The first parameter may name a base scenario.
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string_view l = Trim(std::string_view(line).substr(0, line.find('#')));
    if (l.empty()) continue;
    if (l.starts_with("base") && l.find('=') != std::string_view::npos && Trim(l.substr(0, l.find('='))) == "base") {
      const std::string name(Trim(l.substr(l.find('=') + 1)));
      if (name.empty() || name.find('/') != std::string::npos || dir + name + ".scenario" == path) {
        return absl::InvalidArgumentError(fmt::format("{}: base \"{}\" is not another scenario's name", path, name));
      }
      absl::StatusOr<Scenario> loaded = LoadScenario(dir + name + ".scenario", base.operators_file);
      if (!loaded.ok()) return loaded.status();
      base = *std::move(loaded);
    }
    break;
  }
  const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  absl::StatusOr<Scenario> scenario = ParseScenario(text, file, std::move(base));
  if (scenario.ok()) scenario->sources.push_back({file, text});
  return scenario;
}

}  // namespace pochta::sim
