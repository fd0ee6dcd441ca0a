#include "sim/postal/model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/mail_class.h"
#include "fmt/format.h"
#include "sim/kernel.h"
#include "sim/random.h"
#include "sim/resource.h"
#include "sim/transport.h"

namespace pochta::sim {
namespace {

constexpr Time kHour = 3600;
constexpr Time kDay = 86400;
constexpr int kStageServers = 20;  // scanning and sorting lines at Tashkent
constexpr uint32_t kNone = UINT32_MAX;

// What an event does, in the payload's upper 32 bits; the item (or
// operator) index is in the lower 32.
enum Phase : uint64_t {
  kPost,        // lower: operator index
  kAtOutward,   // the item reached the outward office of exchange
  kAtTransit,   // the flight reached the transit office
  kAtTashkent,  // the flight reached Tashkent
  kScanStart,   // a scanning line took the item
  kScanDone,
  kCustomsStart,  // an officer took the item
  kInspected,     // the officer is done; the hold starts
  kCustomsDone,   // the hold is over
  kSortStart,
  kSortDone,
  kLinkArrive,     // a line-haul transport arrived at the link's end
  kHubDone,        // sorting centre handling finished
  kRetryRoute,     // no open route: try again
  kDeliveryRound,  // the item goes out for delivery
  kDelivered,
  kCollected,
  kReturnAfterHold,
  kShift,  // lower: 1 shift starts, 0 it ends
  kHourly,
  kDayTick,
  kClosure,  // lower: closure index * 2 + (1 close, 0 reopen)
};

uint64_t Payload(Phase p, uint64_t lower) { return (uint64_t(p) << 32) | lower; }

struct ItemRecord {
  uint64_t key;  // packed S10
  Time posted;
  uint32_t weight_g;
  uint32_t office;  // destination delivery office
  uint32_t at;      // facility the item is at (or left from)
  uint32_t link;    // link it travels on
  uint8_t op;       // index into the scenario's operators
  uint8_t attempts;
  uint16_t region;
};

Percentiles Summarise(std::vector<float>& days) {
  Percentiles p;
  p.count = days.size();
  if (days.empty()) return p;
  std::sort(days.begin(), days.end());
  const auto at = [&](double q) { return double(days[std::min(days.size() - 1, size_t(q * double(days.size())))]); };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  return p;
}

}  // namespace

class PostalModel::Impl final : public EventHandler {
 public:
  Impl(const Scenario& s, const core::Network& network, EventSink* sink)
      : s_(s),
        network_(network),
        sink_(sink),
        sim_(s.start),
        streams_(s.seed),
        planner_(network),
        router_(planner_.router()),
        scan_(sim_, 0),
        customs_(sim_, s.customs_officers),
        sort_(sim_, 0) {
    for (size_t o = 0; o < s.operators.size(); ++o) {
      const OperatorFlow& f = s.operators[o];
      const std::string code(core::Code(f.op));
      arrivals_.push_back(streams_.Stream("arrivals/" + code));
      flights_.push_back(std::make_unique<ScheduledTransport>(
          sim_,
          TransportTimetable{std::vector<Time>(f.dispatch_departures.begin(), f.dispatch_departures.end()),
                             f.flight_capacity, Time(f.flight_hours * kHour)},
          this));
      origin_office_.push_back(code + (f.op == core::Operator::kCN   ? "518000"
                                       : f.op == core::Operator::kLV ? "1050"
                                                                     : "4010"));
    }
    // Destination offices by region, and each region's share of demand.
    std::vector<std::vector<uint32_t>> offices(network.regions().size());
    for (uint32_t i = 0; i < network.facilities().size(); ++i) {
      const core::Facility& f = network.facilities()[i];
      if (f.kind == core::FacilityKind::kDeliveryOffice) offices[f.region.value()].push_back(i);
    }
    for (size_t r = 0; r < offices.size(); ++r) {
      double share = 0;
      if (s.region_shares.empty()) {
        share = double(offices[r].size());
      } else {
        for (const auto& [prefix, value] : s.region_shares) {
          if (prefix == network.regions()[r].prefix) share = value;
        }
      }
      region_weight_.push_back(share);
    }
    region_offices_ = std::move(offices);
    double total = 0;
    for (double w : region_weight_) total += w;
    double acc = 0;
    for (double& w : region_weight_) w = (acc += w / total);
    transit_by_region_.resize(network.regions().size());
    transit_by_op_.resize(s.operators.size() + 1);
    by_op_.resize(s.operators.size() + 1);
    oe_ = network.office_of_exchange().value();
    facility_names_ = {"UZTASA arrival scan", "UZTASA customs inspection", "UZTASA sorting"};
    for (uint32_t f = 0; f < network.facilities().size(); ++f) {
      if (network.facilities()[f].kind == core::FacilityKind::kDeliveryOffice) continue;
      hubs_.push_back(f);
      facility_names_.push_back(network.facilities()[f].code);
    }
    last_.resize(facility_names_.size());
    links_.resize(network.links().size());
  }

  RunSummary Run(const std::function<void(int, int)>& progress) {
    progress_ = progress;
    const Time window_end = s_.start + Time(s_.days) * kDay;
    end_ = window_end + Time(s_.drain_days) * kDay;
    window_end_ = window_end;
    for (size_t o = 0; o < s_.operators.size(); ++o) ScheduleNextPosting(o, s_.start);
    for (Time day = s_.start; day < end_; day += kDay) {
      sim_.Schedule(day + s_.shift_start_hour * kHour, this, Payload(kShift, 1));
      sim_.Schedule(day + s_.shift_end_hour * kHour, this, Payload(kShift, 0));
      sim_.Schedule(day, this, Payload(kDayTick, uint64_t((day - s_.start) / kDay)));
    }
    sim_.Schedule(s_.start, this, Payload(kHourly, 0));
    for (size_t c = 0; c < s_.closures.size(); ++c) {
      const Time at = s_.start + Time(s_.closures[c].start_day * kDay);
      sim_.Schedule(at, this, Payload(kClosure, c * 2 + 1));
      sim_.Schedule(at + Time(s_.closures[c].days * kDay), this, Payload(kClosure, c * 2));
    }
    sim_.RunUntil(end_);
    return Summary();
  }

  const std::vector<HourlySample>& hourly() const { return hourly_; }
  const std::vector<std::string>& facility_names() const { return facility_names_; }

  void OnEvent(Simulation& sim, uint64_t payload) override {
    const uint32_t i = uint32_t(payload);
    switch (Phase(payload >> 32)) {
      case kPost: Post(i); break;
      case kAtOutward:
        Emit(i, core::EventCode::kEMB, sim.now(), OperatorOf(i).office_of_exchange);
        flights_[items_[i].op]->Board(Payload(OperatorOf(i).transit_office.empty() ? kAtTashkent : kAtTransit, i));
        break;
      case kAtTransit: {
        const OperatorFlow& f = OperatorOf(i);
        Emit(i, core::EventCode::kEMC, sim.now() - Time(f.flight_hours * kHour), f.office_of_exchange);
        Emit(i, core::EventCode::kEMJ, sim.now(), f.transit_office);
        const Time onward = std::max<Time>(kHour, Time(streams_rng_.LogNormal(f.transit_hours * kHour, f.transit_cv)));
        Emit(i, core::EventCode::kEMK, sim.now() + onward / 2, f.transit_office);
        sim.Schedule(sim.now() + onward, this, Payload(kAtTashkent, i));
        break;
      }
      case kAtTashkent: {
        const OperatorFlow& f = OperatorOf(i);
        if (f.transit_office.empty()) {
          Emit(i, core::EventCode::kEMC, sim.now() - Time(f.flight_hours * kHour), f.office_of_exchange);
        }
        Emit(i, core::EventCode::kEMD, sim.now(), Code(oe_));
        items_[i].at = oe_;
        scan_.Request(this, Payload(kScanStart, i));
        break;
      }
      case kScanStart: sim.Schedule(sim.now() + StageTime(s_.scan_per_hour), this, Payload(kScanDone, i)); break;
      case kScanDone:
        scan_.Release();
        if (customs_rng_.Chance(s_.customs_share)) {
          Emit(i, core::EventCode::kEDB, sim.now(), Code(oe_));
          ++in_customs_;
          customs_.Request(this, Payload(kCustomsStart, i));
        } else {
          sort_.Request(this, Payload(kSortStart, i));
        }
        break;
      case kCustomsStart:
        sim.Schedule(sim.now() + 1 + Time(customs_rng_.Exponential(s_.customs_inspection_minutes * 60)), this,
                     Payload(kInspected, i));
        break;
      case kInspected: {
        customs_.Release();
        Time hold = Time(customs_rng_.LogNormal(s_.customs_hold_hours * kHour, 0.8));
        if (customs_rng_.Chance(s_.customs_duty_share)) {
          hold += Time(customs_rng_.LogNormal(s_.customs_duty_days * kDay, 0.8));  // until the duty is paid
        }
        sim.Schedule(sim.now() + hold, this, Payload(kCustomsDone, i));
        break;
      }
      case kCustomsDone:
        --in_customs_;
        if (customs_rng_.Chance(s_.customs_return_share)) {
          Emit(i, core::EventCode::kEDX, sim.now(), Code(oe_));
          ++customs_returned_;
          Finish(i, false);
        } else {
          Emit(i, core::EventCode::kEDC, sim.now(), Code(oe_));
          sort_.Request(this, Payload(kSortStart, i));
        }
        break;
      case kSortStart: sim.Schedule(sim.now() + StageTime(s_.sort_per_hour), this, Payload(kSortDone, i)); break;
      case kSortDone:
        sort_.Release();
        Forward(i);
        break;
      case kLinkArrive: Arrive(i); break;
      case kHubDone:
        Emit(i, core::EventCode::kEDE, sim.now(), Code(items_[i].at));
        Forward(i);
        break;
      case kRetryRoute: Forward(i); break;
      case kDeliveryRound: DeliveryRound(i); break;
      case kDelivered:
      case kCollected:
        Emit(i, core::EventCode::kEMI, sim.now(), Code(items_[i].office));
        Finish(i, true);
        break;
      case kReturnAfterHold:
        Emit(i, core::EventCode::kEMH, sim.now(), Code(items_[i].office), core::NonDeliveryMeasure::kReturnToSender);
        Finish(i, false);
        break;
      case kShift:
        scan_.SetCapacity(i == 1 ? kStageServers : 0);
        sort_.SetCapacity(i == 1 ? kStageServers : 0);
        break;
      case kHourly: Sample(); break;
      case kDayTick:
        if (progress_) progress_(int(i), s_.days + s_.drain_days);
        break;
      case kClosure: Closure(i / 2, i % 2 == 1); break;
    }
  }

 private:
  const OperatorFlow& OperatorOf(uint32_t i) const { return s_.operators[items_[i].op]; }
  const std::string& Code(uint32_t facility) const { return network_.facilities()[facility].code; }

  // Service time of one item on one of the stage's lines.
  Time StageTime(int per_hour) const { return std::max<Time>(1, Time(kHour) * kStageServers / per_hour); }

  double DemandFactor(Time t) const {
    const std::chrono::sys_days day{std::chrono::days(t / kDay)};
    const unsigned weekday = std::chrono::weekday(day).iso_encoding();  // Monday 1
    double factor = s_.weekday_factors[weekday - 1];
    const std::chrono::year_month_day ymd(day);
    double peak = 1;
    for (const Scenario::Peak& p : s_.peaks) {
      const std::chrono::sys_days at{ymd.year() / std::chrono::month(unsigned(p.month)) /
                                     std::chrono::day(unsigned(p.day))};
      const auto d = (day - at).count();
      if (d >= 0 && d < p.days) peak = std::max(peak, p.factor - (p.factor - 1) * double(d) / p.days);
    }
    return factor * peak;
  }

  void ScheduleNextPosting(size_t o, Time from) {
    const double rate = s_.operators[o].items_per_day * DemandFactor(from) / double(kDay);
    if (rate <= 0) {
      const Time next_day = (from / kDay + 1) * kDay;
      if (next_day < window_end_) sim_.At(next_day, [this, o, next_day] { ScheduleNextPosting(o, next_day); });
      return;
    }
    const Time at = from + Time(arrivals_[o].Exponential(1.0 / rate));
    if (at < window_end_) sim_.Schedule(at, this, Payload(kPost, o));
  }

  core::ItemId NextId(size_t o, const std::string& indicator) {
    auto key = std::make_pair(o, indicator);
    auto it = sequences_.find(key);
    if (it == sequences_.end()) {
      it = sequences_.emplace(key, *core::ItemIdSequence::Create(indicator, core::Code(s_.operators[o].op), 1)).first;
    }
    return it->second.Next();
  }

  void Post(uint32_t o) {
    const OperatorFlow& f = s_.operators[o];
    Rng& rng = arrivals_[o];
    // Service indicator by the mix, then weight by mail class.
    double u = rng.Uniform();
    const std::string* indicator = &f.mix.back().first;
    for (const auto& [si, share] : f.mix) {
      if ((u -= share) < 0) {
        indicator = &si;
        break;
      }
    }
    const core::MailClass mail_class =
        core::LookupServiceIndicator(*indicator)->mail_class.value_or(core::MailClass::kLetterPost);
    const double mean = mail_class == core::MailClass::kParcels ? s_.parcel_grams
                        : mail_class == core::MailClass::kEms   ? s_.ems_grams
                                                                : s_.letter_post_grams;
    const uint32_t weight = uint32_t(std::clamp(rng.LogNormal(mean, s_.weight_cv), 20.0, 30000.0));
    // Destination: a region by demand, an office within it.
    const double r = rng.Uniform();
    size_t region = size_t(std::lower_bound(region_weight_.begin(), region_weight_.end(), r) - region_weight_.begin());
    region = std::min(region, region_offices_.size() - 1);
    const uint32_t office = region_offices_[region][rng.Below(region_offices_[region].size())];

    const core::ItemId id = NextId(o, *indicator);
    const uint32_t i = uint32_t(items_.size());
    items_.push_back(ItemRecord{id.Pack(), sim_.now(), weight, office, kNone, kNone, uint8_t(o), 0, uint16_t(region)});
    ++by_op_[o].posted;
    if (sink_) {
      core::Item item{.id = id};
      item.mail_class = mail_class;
      item.weight_grams = weight;
      item.declared_value_minor = int64_t(weight) * 3;
      item.currency = "USD";
      item.contents = {core::ContentLine{"online order", "392690", 1, weight, item.declared_value_minor,
                                         std::string(core::Code(f.op))}};
      item.sender = core::Party{"Online store", "", "", std::string(core::Code(f.op)), "", ""};
      item.recipient = core::Party{"Addressee", "", Code(office), "UZ", "", ""};
      item.posted_at = core::Timestamp(std::chrono::seconds(sim_.now()));
      sink_->PreAdvice(item);
    }
    Emit(i, core::EventCode::kEMA, sim_.now(), origin_office_[o]);
    const Time to_oe = std::max<Time>(kHour, Time(rng.LogNormal(f.to_exchange_hours * kHour, f.to_exchange_cv)));
    sim_.Schedule(sim_.now() + to_oe, this, Payload(kAtOutward, i));
    ScheduleNextPosting(o, sim_.now());
  }

  ScheduledTransport& LinkTransport(uint32_t link) {
    std::unique_ptr<ScheduledTransport>& t = links_[link];
    if (!t) {
      const core::Link& l = network_.links()[link];
      const bool air = l.mode == core::TransportMode::kAir;
      const bool van = l.mode == core::TransportMode::kVan;
      const std::vector<int>& times = air ? s_.air_departures : van ? s_.van_departures : s_.truck_departures;
      t = std::make_unique<ScheduledTransport>(sim_,
                                               TransportTimetable{std::vector<Time>(times.begin(), times.end()),
                                                                  air   ? s_.air_capacity
                                                                  : van ? s_.van_capacity
                                                                        : s_.truck_capacity,
                                                                  Time(l.minutes) * 60},
                                               this);
      by_facility_[l.from.value()].push_back(t.get());
    }
    return *t;
  }

  // Sends the item on towards its office from where it is.
  void Forward(uint32_t i) {
    ItemRecord& item = items_[i];
    const core::RouteDecision d = router_.RouteTo(core::FacilityId(item.at), core::FacilityId(item.office));
    if (d.outcome == core::RouteOutcome::kUnreachable) {
      sim_.Schedule(sim_.now() + 6 * kHour, this, Payload(kRetryRoute, i));  // wait for a reopening
      return;
    }
    if (d.outcome == core::RouteOutcome::kArrived) {
      ArriveAtOffice(i);
      return;
    }
    item.link = d.next.value();
    LinkTransport(item.link).Board(Payload(kLinkArrive, i));
  }

  void Arrive(uint32_t i) {
    ItemRecord& item = items_[i];
    const core::Link& l = network_.links()[item.link];
    const Time departed = sim_.now() - Time(l.minutes) * 60;
    if (item.at == oe_) Emit(i, core::EventCode::kEMF, departed, Code(oe_));
    item.at = l.to.value();
    const core::FacilityKind kind = network_.facilities()[item.at].kind;
    if (kind == core::FacilityKind::kSortingCentre) {
      Emit(i, core::EventCode::kEDD, sim_.now(), Code(item.at));
      sim_.Schedule(sim_.now() + Time(s_.hub_processing_hours * kHour), this, Payload(kHubDone, i));
    } else if (item.at == item.office) {
      ArriveAtOffice(i);
    } else {
      Forward(i);  // a district head office on the way to a branch
    }
  }

  void ArriveAtOffice(uint32_t i) {
    Emit(i, core::EventCode::kEMG, sim_.now(), Code(items_[i].office));
    sim_.Schedule(NextRound(sim_.now()), this, Payload(kDeliveryRound, i));
  }

  Time NextRound(Time t) const {
    const Time today = t / kDay * kDay + s_.delivery_hour * kHour;
    return t <= today ? today : today + kDay;
  }

  void DeliveryRound(uint32_t i) {
    ItemRecord& item = items_[i];
    const std::string& office = Code(item.office);
    Emit(i, core::EventCode::kEDG, sim_.now(), office);
    const Time done = sim_.now() + kHour + Time(delivery_rng_.Below(5 * kHour));
    if (delivery_rng_.Chance(s_.delivery_success)) {
      sim_.Schedule(done, this, Payload(kDelivered, i));
      return;
    }
    if (++item.attempts < s_.delivery_attempts) {
      Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kRedeliver);
      sim_.Schedule(NextRound(done), this, Payload(kDeliveryRound, i));
      return;
    }
    Emit(i, core::EventCode::kEMH, done, office, core::NonDeliveryMeasure::kHoldForCollection);
    Emit(i, core::EventCode::kEDH, done + 60, office);
    const Time hold = Time(s_.holding_days) * kDay;
    if (delivery_rng_.Chance(s_.collection_share)) {
      sim_.Schedule(done + 60 + Time(delivery_rng_.Below(uint64_t(hold))), this, Payload(kCollected, i));
    } else {
      sim_.Schedule(done + 60 + hold, this, Payload(kReturnAfterHold, i));
    }
  }

  void Finish(uint32_t i, bool delivered) {
    const ItemRecord& item = items_[i];
    ++finished_;
    sojourn_days_ += double(sim_.now() - item.posted) / kDay;
    for (size_t k : {size_t(item.op), by_op_.size() - 1}) {
      RunSummary::ByOperator& o = by_op_[k];
      if (!delivered) {
        ++o.returned;
        continue;
      }
      ++o.delivered;
      o.delivered_tonnes += item.weight_g / 1e6;
      if (sim_.now() < window_end_) o.delivered_tonnes_window += item.weight_g / 1e6;
      const float days = float(double(sim_.now() - item.posted) / kDay);
      transit_by_op_[k].push_back(days);
      if (days <= s_.service_standard_days) ++on_time_[k];
    }
    if (delivered) {
      transit_by_region_[item.region].push_back(float(double(sim_.now() - item.posted) / kDay));
      ++delivered_this_hour_;
    }
  }

  void Emit(uint32_t i, core::EventCode code, Time t, const std::string& office,
            core::NonDeliveryMeasure measure = core::NonDeliveryMeasure::kNone) {
    ++tracking_events_;
    if (!sink_) return;
    const core::EventSide side = core::Info(code).side;
    const core::Operator by = side == core::EventSide::kDestination ? core::Operator::kUZ : OperatorOf(i).op;
    sink_->Event(*core::ItemId::Unpack(items_[i].key),
                 core::TrackingEvent{code, core::Timestamp(std::chrono::seconds(t)), office, measure}, by,
                 core::Timestamp(std::chrono::seconds(std::max(t, sim_.now()))));
  }

  void Sample() {
    HourlySample h{sim_.now(), items_.size() - finished_, delivered_this_hour_};
    Resource* stages[] = {&scan_, &customs_, &sort_};
    for (size_t k = 0; k < 3; ++k) {
      const Resource& r = *stages[k];
      Last& last = last_[k];
      const double capacity = r.CapacityArea() - last.capacity_area;
      h.facilities.push_back({r.queued() + size_t(r.busy()), r.served() - last.count,
                              capacity > 0 ? (r.BusyArea() - last.busy_area) / capacity : 0});
      last = {r.served(), r.BusyArea(), r.CapacityArea()};
    }
    for (size_t k = 0; k < hubs_.size(); ++k) {
      size_t waiting = 0;
      uint64_t carried = 0;
      for (const ScheduledTransport* t : by_facility_[hubs_[k]]) {
        waiting += t->waiting();
        carried += t->carried();
      }
      Last& last = last_[3 + k];
      h.facilities.push_back({waiting, carried - last.count, 0});
      last.count = carried;
    }
    hourly_.push_back(std::move(h));
    delivered_this_hour_ = 0;
    for (auto& [facility, transports] : by_facility_) {
      size_t waiting = 0;
      for (const ScheduledTransport* t : transports) waiting += t->waiting();
      size_t& peak = facility_peak_[facility];
      peak = std::max(peak, waiting);
    }
    if (sim_.now() + kHour <= end_) sim_.Schedule(sim_.now() + kHour, this, Payload(kHourly, 0));
  }

  void Closure(size_t c, bool close) {
    const Scenario::Closure& closure = s_.closures[c];
    const std::optional<core::FacilityId> a = network_.Find(closure.from);
    const std::optional<core::FacilityId> b = network_.Find(closure.to);
    if (!a || !b) return;  // validated before the run
    const std::vector<core::LinkId> links = network_.LinksBetween(*a, *b);
    if (close) {
      planner_.CloseLinks(links);
    } else {
      planner_.ReopenLinks(links);
    }
    router_ = planner_.router();
    if (!close) return;
    // Items waiting for a closed link's next departure are sent another way;
    // those already on the road go on.
    for (core::LinkId link : links) {
      if (!links_[link.value()]) continue;
      for (uint64_t payload : links_[link.value()]->TakeWaiting()) Forward(uint32_t(payload));
    }
  }

  RunSummary Summary() {
    RunSummary out;
    out.scenario = s_.name;
    out.seed = s_.seed;
    out.kernel_events = sim_.events_run();
    out.tracking_events = tracking_events_;
    for (size_t k = 0; k < by_op_.size(); ++k) {
      RunSummary::ByOperator o = by_op_[k];
      const bool all = k + 1 == by_op_.size();
      if (all) {
        for (size_t j = 0; j + 1 < by_op_.size(); ++j) o.posted += by_op_[j].posted;
      }
      o.in_flow = o.posted - o.delivered - o.returned;
      o.on_time_share = o.delivered ? double(on_time_[k]) / double(o.delivered) : 0;
      o.transit_days = Summarise(transit_by_op_[k]);
      out.operators[all ? "all" : std::string(core::Code(s_.operators[k].op))] = o;
    }
    for (size_t r = 0; r < transit_by_region_.size(); ++r) {
      out.by_region[network_.regions()[r].name] = Summarise(transit_by_region_[r]);
    }
    out.facilities.push_back({"UZTASA arrival scan", scan_.max_queued(), scan_.Utilisation()});
    out.facilities.push_back({"UZTASA customs inspection", customs_.max_queued(), customs_.Utilisation()});
    out.facilities.push_back({"UZTASA sorting", sort_.max_queued(), sort_.Utilisation()});
    for (size_t o = 0; o < flights_.size(); ++o) {
      out.facilities.push_back(
          {"flights " + s_.operators[o].office_of_exchange + " -> UZTASA", flights_[o]->max_waiting(), 0});
    }
    std::vector<std::pair<size_t, uint32_t>> peaks;
    for (const auto& [facility, peak] : facility_peak_) peaks.emplace_back(peak, facility);
    std::sort(peaks.rbegin(), peaks.rend());
    for (size_t k = 0; k < peaks.size() && k < 8; ++k) {
      out.facilities.push_back({"waiting for line-haul at " + Code(peaks[k].second), peaks[k].first, 0});
    }
    out.in_customs_at_end = uint64_t(in_customs_);
    double in_system = 0;
    for (const HourlySample& h : hourly_) in_system += double(h.in_system);
    out.mean_in_system = hourly_.empty() ? 0 : in_system / double(hourly_.size());
    out.mean_days_in_system = finished_ ? sojourn_days_ / double(finished_) : 0;
    out.arrivals_per_day = double(items_.size()) / (double(end_ - s_.start) / kDay);
    out.customs_returned = customs_returned_;
    return out;
  }

  const Scenario& s_;
  const core::Network& network_;
  EventSink* sink_;
  Simulation sim_;
  RandomStreams streams_;
  core::RoutePlanner planner_;
  core::Router router_;
  Resource scan_, customs_, sort_;
  Rng customs_rng_ = streams_.Stream("customs");
  Rng delivery_rng_ = streams_.Stream("delivery");
  Rng streams_rng_ = streams_.Stream("transit");
  std::vector<Rng> arrivals_;
  std::vector<std::unique_ptr<ScheduledTransport>> flights_;
  std::vector<std::string> origin_office_;
  std::vector<std::vector<uint32_t>> region_offices_;
  std::vector<double> region_weight_;  // cumulative
  std::map<std::pair<size_t, std::string>, core::ItemIdSequence> sequences_;
  std::vector<ItemRecord> items_;
  std::vector<std::unique_ptr<ScheduledTransport>> links_;
  std::map<uint32_t, std::vector<ScheduledTransport*>> by_facility_;
  std::map<uint32_t, size_t> facility_peak_;
  std::vector<RunSummary::ByOperator> by_op_;
  std::vector<std::vector<float>> transit_by_op_, transit_by_region_;
  std::vector<uint64_t> on_time_ = std::vector<uint64_t>(8, 0);
  std::vector<HourlySample> hourly_;
  std::vector<std::string> facility_names_;
  std::vector<uint32_t> hubs_;  // office of exchange and sorting centres
  struct Last {                 // counters at the previous sample
    uint64_t count = 0;
    double busy_area = 0, capacity_area = 0;
  };
  std::vector<Last> last_;
  std::function<void(int, int)> progress_;
  uint32_t oe_ = 0;
  Time end_ = 0, window_end_ = 0;
  int64_t in_customs_ = 0;
  uint64_t customs_returned_ = 0, tracking_events_ = 0, delivered_this_hour_ = 0, finished_ = 0;
  double sojourn_days_ = 0;
};

absl::Status CheckAgainstNetwork(const Scenario& s, const core::Network& network) {
  for (const Scenario::Closure& c : s.closures) {
    const std::optional<core::FacilityId> a = network.Find(c.from);
    const std::optional<core::FacilityId> b = network.Find(c.to);
    if (!a || !b || network.LinksBetween(*a, *b).empty()) {
      return absl::InvalidArgumentError(
          fmt::format("scenario {}: closure {} {}: there is no link between them", s.name, c.from, c.to));
    }
  }
  for (const auto& [prefix, share] : s.region_shares) {
    bool found = false;
    for (const core::Region& r : network.regions()) found |= r.prefix == prefix;
    if (!found) {
      return absl::InvalidArgumentError(
          fmt::format("scenario {}: region_shares: no region has prefix {}", s.name, prefix));
    }
  }
  return absl::OkStatus();
}

PostalModel::PostalModel(const Scenario& scenario, const core::Network& network, EventSink* sink)
    : impl_(std::make_unique<Impl>(scenario, network, sink)) {}

PostalModel::~PostalModel() = default;

RunSummary PostalModel::Run(const std::function<void(int, int)>& progress) { return impl_->Run(progress); }

const std::vector<HourlySample>& PostalModel::hourly() const { return impl_->hourly(); }

const std::vector<std::string>& PostalModel::facility_names() const { return impl_->facility_names(); }

}  // namespace pochta::sim
