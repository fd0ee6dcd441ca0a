// What every stage of the postal model shares: the simulation, the
// scenario, the network, the items under way and where their records go.
//
// The stages (one unit each, in the order an item meets them): origin.h,
// dispatching.h, carriers.h, inward.h, linehaul.h, delivery.h; letters to a
// partner end in abroad.h after the carriers; statistics.h watches them all. Each stage is an EventHandler for its own events; it hands an item to
// the next stage through that stage's one entry point.
//
// Thread-safety: one model per thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/mail_class.h"
#include "core/network.h"
#include "core/tracking.h"
#include "sim/kernel.h"
#include "sim/local_time.h"
#include "sim/postal/event_sink.h"
#include "sim/postal/model.h"
#include "sim/postal/scenario.h"
#include "sim/random.h"

namespace pochta::sim::internal {

inline constexpr Time kHour = 3600;
inline constexpr Time kDay = 86400;
inline constexpr uint32_t kNone = UINT32_MAX;

// A stage's event: what happens in the upper 32 bits, the item (or other
// index) in the lower 32.
constexpr uint64_t Payload(uint32_t what, uint32_t index) { return (uint64_t(what) << 32) | index; }

// One item under way.
struct ItemRecord {
  uint64_t key;  // packed S10
  Time ordered;  // entered the model: posted, or ordered for goods posted after a bulk shipment
  Time posted;
  uint32_t weight_g;
  uint32_t office;  // delivery office in Uzbekistan (the posting office of letters sent abroad)
  uint32_t at;      // facility the item is at (or left from)
  uint32_t link;    // link it travels on
  uint8_t op;       // index into the scenario's operators: the item's flow
  uint8_t attempts;
  uint16_t region;
  core::MailClass mail_class;
  bool registered;      // registered or insured (S10 R.. or V..)
  uint32_t receptacle;  // index into Context::receptacles; kNone before dispatch
  uint32_t value_cents;  // declared value, US cents
  uint8_t contents;      // index into kContents
  bool returning = false;  // on its way back to its sender, after EMH return to sender
};

// One receptacle (bag) of a dispatch and the items in it; a bag of ordinary
// letters has weight and no items.
struct ReceptacleRecord {
  std::vector<uint32_t> items;
  uint32_t gross_g = 0;  // items and the bag
  uint8_t op = 0;
  bool registered = false;
};

// Facilities a stage reports on, in the hourly series and the summary.
class ObservedStage {
 public:
  virtual ~ObservedStage() = default;
  // Names of the facilities SampleHour reports, in its order.
  virtual void Names(std::vector<std::string>& out) const = 0;
  virtual void SampleHour(std::vector<FacilityHour>& out) = 0;
  virtual void Report(std::vector<FacilityLoad>& out) const = 0;
};

// The midnight after the last day of postings of a run from `start` on
// local day `first_day`: `days` days on. A forecast that starts after that
// day's midnight (its postings already in the store) has none that day, and
// runs on to the midnight after `days` whole days.
inline Time WindowEnd(const LocalTime& uz, int64_t first_day, Time start, int days) {
  return uz.Midnight(first_day + days + (start > uz.Midnight(first_day) ? 1 : 0));
}

struct Context {
  // The run starts at `from` (a forecast), else at the midnight in
  // Tashkent of the scenario's first day.
  // REQUIRES: the scenario's time zones are known (ParseScenario checks).
  Context(const Scenario& scenario, const core::Network& network, EventSink* sink, std::optional<Time> from)
      : s(scenario),
        network(network),
        sink(sink),
        uz(LocalTime::Load(scenario.time_zone).value()),
        first_day(from ? uz.DayOf(*from) : scenario.start / kDay),
        start(from ? *from : uz.Midnight(first_day)),
        window_end(WindowEnd(uz, first_day, start, scenario.days)),
        end(window_end + Time(scenario.drain_days) * kDay),
        sim(start),
        streams(scenario.seed),
        exchange(network.office_of_exchange().value()) {
    for (const OperatorFlow& f : scenario.operators) {
      origin.push_back(LocalTime::Load(f.time_zone.empty() ? "UTC" : f.time_zone).value());
      orders.push_back(f.consolidated_from.empty() ? origin.back()
                                                   : LocalTime::Load(f.consolidation_time_zone).value());
    }
  }

  const OperatorFlow& OperatorOf(uint32_t i) const { return s.operators[items[i].op]; }
  bool Outbound(uint32_t op) const { return s.operators[op].kind == OperatorFlow::Kind::kLettersOut; }
  // The office of exchange where flow op's dispatches are received.
  const std::string& InwardOffice(uint32_t op) const {
    return Outbound(op) ? s.operators[op].destination_office : Code(exchange);
  }
  const std::string& Code(uint32_t facility) const { return network.facilities()[facility].code; }

  // The next number of an S8 dispatch series (its first 15 characters:
  // origin, destination, category, subclass) in `year`: from 1 each year.
  // Flows that share a series (letters to Beijing and returns there) share
  // its numbers.
  int NextDispatchNumber(const std::string& series, int year) {
    auto [it, inserted] = dispatch_numbers.try_emplace(series, year, 0);
    if (it->second.first != year) it->second = {year, 0};
    return ++it->second.second;
  }

  // Records a tracking event of item i; who reports it follows from the
  // event's side and the item's direction: transit events the operator that
  // runs the transit office (the IMPC code's country, which the operators
  // file checks).
  void Emit(uint32_t i, core::EventCode code, Time t, const std::string& office,
            core::NonDeliveryMeasure measure = core::NonDeliveryMeasure::kNone,
            core::EventReason reason = core::EventReason::kNone) {
    ++tracking_events;
    if (!sink) return;
    const OperatorFlow& flow = OperatorOf(i);
    const core::EventSide side = core::Info(code).side;
    const bool destination_side = side == core::EventSide::kDestination;
    // Mail leaving Uzbekistan: letters abroad, or a returned item going home.
    const bool leaving = (flow.kind == OperatorFlow::Kind::kLettersOut) != items[i].returning;
    const core::Operator by = side == core::EventSide::kTransit ? *core::Operator::Parse(office.substr(0, 2))
                              : destination_side == leaving ? flow.op
                                                            : core::kUzbekistanPost;
    sink->Event(*core::ItemId::Unpack(items[i].key),
                core::TrackingEvent{code, core::Timestamp(std::chrono::seconds(t)), office, measure, reason}, by,
                core::Timestamp(std::chrono::seconds(std::max(t, sim.now()))));
  }

  // Uzbek post offices' calendar: open on working days that are not
  // holidays, within office hours, in Tashkent time.
  bool WorkingDay(int64_t day) const {
    return s.working_days[Weekday(day) - 1] && std::find(s.holidays.begin(), s.holidays.end(), day) == s.holidays.end();
  }
  // The first instant at or after t when post offices are open.
  Time NextOpen(Time t) const {
    for (int64_t day = uz.DayOf(t);; ++day) {
      if (!WorkingDay(day)) continue;
      const Time open = uz.At(day, s.office_open), close = uz.At(day, s.office_close);
      if (t < close) return std::max(t, open);
    }
  }
  // The last instant at or before t when post offices were open: t itself
  // while they are.
  Time LastOpen(Time t) const {
    for (int64_t day = uz.DayOf(t);; --day) {
      if (!WorkingDay(day)) continue;
      const Time open = uz.At(day, s.office_open), close = uz.At(day, s.office_close);
      if (t >= open) return std::min(t, close);
    }
  }
  // t plus `seconds` of post offices' opening hours.
  Time AfterOpenTime(Time t, Time seconds) const {
    for (t = NextOpen(t);; t = NextOpen(t)) {
      const Time close = uz.At(uz.DayOf(t), s.office_close);
      if (t + seconds < close) return t + seconds;
      seconds -= close - t;
      t = close;
    }
  }

  const Scenario& s;
  const core::Network& network;
  EventSink* sink;
  const LocalTime uz;             // Uzbekiston Pochtasi's clock
  std::vector<LocalTime> origin;  // each operator's clock
  std::vector<LocalTime> orders;  // each flow's customers' clock: the sellers' for consolidated goods
  const int64_t first_day;        // of postings, a local day number
  const Time start;               // its midnight in Tashkent, or a forecast's start
  const Time window_end;          // midnight after the last day of postings
  const Time end;                 // the end of the run
  Simulation sim;
  RandomStreams streams;
  const uint32_t exchange;  // the inward office of exchange (UZTASA)
  std::vector<ItemRecord> items;
  std::vector<ReceptacleRecord> receptacles;
  uint64_t tracking_events = 0;
  std::map<std::string, std::pair<int, int>> dispatch_numbers;  // series -> (year, last number)
};

// A timestamp as the model's time, seconds since the Unix epoch.
inline Time ToTime(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The Gregorian year of instant t (UTC).
inline int YearOf(Time t) {
  return int(std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(t / kDay))).year());
}

}  // namespace pochta::sim::internal
