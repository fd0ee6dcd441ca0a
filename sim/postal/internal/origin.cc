#include "sim/postal/internal/origin.h"

#include <algorithm>
#include <chrono>

#include "core/mail_class.h"
#include "sim/postal/internal/contents.h"

namespace pochta::sim::internal {
namespace {

enum What : uint32_t {
  kPost,       // lower: operator index
  kAtOutward,  // the item reached the outward office of exchange
  kOrdinary,   // a day's ordinary letters reached it; lower: operator index
  kShipmentLeaves,   // a bulk shipment of consolidated goods leaves the sellers; lower: operator index
  kShipmentArrives,  // it reaches the operator; lower: index into shipments_
};

}  // namespace

Origin::Origin(Context& ctx, Dispatching& dispatching, Statistics& statistics)
    : ctx_(ctx), dispatching_(dispatching), statistics_(statistics), in_flow_(ctx.streams.Stream("in flow/origin")) {
  const core::Network& network = ctx.network;
  for (const OperatorFlow& f : ctx.s.operators) {
    arrivals_.push_back(ctx.streams.Stream("arrivals/" + Label(f)));
    ordinary_.push_back(ctx.streams.Stream("ordinary/" + Label(f)));
    consolidating_.emplace_back();
    shipment_scheduled_.push_back(false);
    // Letters to a partner are posted at Uzbek offices, drawn like destinations.
    posting_office_.push_back(f.kind == OperatorFlow::Kind::kLettersOut ? ""
                              : f.posting_office.empty()                ? f.office_of_exchange
                                                                        : f.posting_office);
  }
  // Destination offices by region, and each region's share of demand.
  region_offices_.resize(network.regions().size());
  for (uint32_t i = 0; i < network.facilities().size(); ++i) {
    const core::Facility& f = network.facilities()[i];
    if (f.kind == core::FacilityKind::kDeliveryOffice) region_offices_[f.region.value()].push_back(i);
  }
  for (size_t r = 0; r < region_offices_.size(); ++r) {
    double share = 0;
    if (ctx.s.region_shares.empty()) {
      share = double(region_offices_[r].size());
    } else {
      for (const auto& [prefix, value] : ctx.s.region_shares) {
        if (prefix == network.regions()[r].prefix) share = value;
      }
    }
    region_weight_.push_back(share);
  }
  double total = 0;
  for (double w : region_weight_) total += w;
  double acc = 0;
  for (double& w : region_weight_) w = (acc += w / total);
}

void Origin::Start() {
  for (uint32_t o = 0; o < ctx_.s.operators.size(); ++o) {
    ScheduleNextPosting(o, ctx_.start);
    if (ctx_.s.operators[o].ordinary_kg_per_day > 0) ScheduleOrdinary(o, ctx_.start);
  }
}

void Origin::ScheduleOrdinary(uint32_t o, Time from) {
  const LocalTime& clock = ctx_.origin[o];
  const int64_t day = clock.DayOf(from) + (clock.SecondOfDay(from) >= 12 * kHour);
  const Time noon = clock.At(day, 12 * kHour);
  if (noon < ctx_.window_end) ctx_.sim.Schedule(noon, this, Payload(kOrdinary, o));
}

void Origin::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  switch (What(payload >> 32)) {
    case kPost: Post(i); break;
    case kAtOutward:
      ctx_.Emit(i, core::EventCode::kEMB, sim.now(), ctx_.OperatorOf(i).office_of_exchange);
      dispatching_.Receive(i);
      break;
    case kOrdinary: {
      // The day's ordinary letters, by weight, arrive at the office of
      // exchange around noon.
      const double kg = ctx_.s.operators[i].ordinary_kg_per_day * DemandFactor(i, sim.now());
      if (kg > 0) dispatching_.ReceiveOrdinary(i, uint32_t(ordinary_[i].LogNormal(kg * 1000, 0.3)));
      ScheduleOrdinary(i, sim.now() + 1);
      break;
    }
    case kShipmentLeaves: {
      shipment_scheduled_[i] = false;
      const OperatorFlow& f = ctx_.s.operators[i];
      const Time journey = std::max<Time>(kHour, Time(arrivals_[i].LogNormal(f.consolidation_days * kDay,
                                                                             f.consolidation_cv)));
      shipments_.push_back(std::move(consolidating_[i]));
      consolidating_[i].clear();
      sim.Schedule(sim.now() + journey, this, Payload(kShipmentArrives, uint32_t(shipments_.size() - 1)));
      break;
    }
    case kShipmentArrives:
      for (uint32_t item : shipments_[i]) Accept(item);
      shipments_[i] = {};
      break;
  }
}

double Origin::DemandFactor(uint32_t o, Time t) const {
  const int64_t day = ctx_.orders[o].DayOf(t);
  double factor = ctx_.s.weekday_factors[Weekday(day) - 1];
  if (ctx_.s.operators[o].kind != OperatorFlow::Kind::kGoods) return factor;  // the seasons are the marketplaces'
  const std::chrono::sys_days today{std::chrono::days(day)};
  const std::chrono::year_month_day ymd(today);
  for (const Scenario::Peak& p : ctx_.s.peaks) {
    const std::chrono::year year = p.year ? std::chrono::year(p.year) : ymd.year();
    const std::chrono::sys_days at{year / std::chrono::month(unsigned(p.month)) / std::chrono::day(unsigned(p.day))};
    const auto d = (today - at).count();
    if (d >= 0 && d < p.days) factor *= p.factor + (1 - p.factor) * double(d) / p.days;
  }
  return factor;
}

void Origin::ScheduleNextPosting(uint32_t o, Time from) {
  const double rate = ctx_.s.operators[o].items_per_day * DemandFactor(o, from) / double(kDay);
  if (rate <= 0) {
    const Time next_day = ctx_.orders[o].Midnight(ctx_.orders[o].DayOf(from) + 1);
    if (next_day < ctx_.window_end) ctx_.sim.At(next_day, [this, o, next_day] { ScheduleNextPosting(o, next_day); });
    return;
  }
  Time at;
  if (ctx_.Outbound(o)) {
    // Posted over the counter: the day's letters come within opening hours
    // on working days, the same number a week.
    const Scenario& s = ctx_.s;
    const double open_share = double(std::count(s.working_days.begin(), s.working_days.end(), true)) / 7 *
                              double(s.office_close - s.office_open) / double(kDay);
    at = ctx_.AfterOpenTime(from, Time(arrivals_[o].Exponential(open_share / rate)));
  } else {
    at = from + Time(arrivals_[o].Exponential(1.0 / rate));
  }
  if (at < ctx_.window_end) ctx_.sim.Schedule(at, this, Payload(kPost, o));
}

core::ItemId Origin::NextId(uint32_t o, const std::string& indicator) {
  // One series per country of posting and service indicator, whichever
  // flow the item belongs to: S10 ids stay unique.
  const std::string_view country =
      ctx_.Outbound(o) ? core::Code(core::kUzbekistanPost) : core::Code(ctx_.s.operators[o].op);
  auto key = std::make_pair(std::string(country), indicator);
  auto it = sequences_.find(key);
  if (it == sequences_.end()) it = sequences_.emplace(key, *core::ItemIdSequence::Create(indicator, country, 1)).first;
  return it->second.Next();
}

void Origin::Post(uint32_t o) {
  const OperatorFlow& f = ctx_.s.operators[o];
  const Time now = ctx_.sim.now();
  Rng& rng = arrivals_[o];
  // Service indicator by the mix, then the rest.
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
  const core::ItemId id = NextId(o, *indicator);
  const uint32_t i = uint32_t(ctx_.items.size());
  ctx_.items.push_back(Draw(o, mail_class, rng));
  ItemRecord& item = ctx_.items.back();
  item.key = id.Pack();
  item.ordered = item.posted = now;
  item.registered = (*indicator)[0] == 'R' || (*indicator)[0] == 'V';
  if (f.consolidated_from.empty()) {
    Accept(i);
  } else {  // ordered from a seller abroad: it waits for the day's bulk shipment
    consolidating_[o].push_back(i);
    if (!shipment_scheduled_[o]) {
      shipment_scheduled_[o] = true;
      ctx_.sim.Schedule(NextShipment(o, now), this, Payload(kShipmentLeaves, o));
    }
  }
  ScheduleNextPosting(o, now);
}

ItemRecord Origin::Draw(uint32_t o, core::MailClass mail_class, Rng& rng) const {
  const Scenario& s = ctx_.s;
  const OperatorFlow& f = s.operators[o];
  const bool letters = f.kind != OperatorFlow::Kind::kGoods;
  const double mean = letters                                   ? f.letter_grams
                      : mail_class == core::MailClass::kParcels ? s.parcel_grams
                      : mail_class == core::MailClass::kEms     ? s.ems_grams
                                                                : s.letter_post_grams;
  const uint32_t weight = uint32_t(std::clamp(rng.LogNormal(mean, s.weight_cv), letters ? 5.0 : 20.0, 30000.0));
  // What it contains, and its declared value by mail class and contents;
  // correspondence carries documents, of no value.
  uint8_t contents = kDocuments;
  uint32_t value_cents = 0;
  if (!letters) {
    double c = rng.Uniform();
    contents = uint8_t(std::size(kContents) - 1);
    for (uint8_t k = 0; k < std::size(kContents); ++k) {
      if ((c -= kContents[k].share) < 0) {
        contents = k;
        break;
      }
    }
    const double mean_usd = mail_class == core::MailClass::kParcels ? s.parcel_usd
                            : mail_class == core::MailClass::kEms   ? s.ems_usd
                                                                    : s.letter_post_usd;
    value_cents = uint32_t(
        std::clamp(rng.LogNormal(mean_usd * kContents[contents].value_factor * 100, s.value_cv), 100.0, 1e8));
  }
  // Destination (the posting office of letters sent abroad): a region by
  // demand, an office within it.
  const double r = rng.Uniform();
  size_t region = size_t(std::lower_bound(region_weight_.begin(), region_weight_.end(), r) - region_weight_.begin());
  region = std::min(region, region_offices_.size() - 1);
  const uint32_t office = region_offices_[region][rng.Below(region_offices_[region].size())];
  return ItemRecord{0,          0,     0,     weight,      office,  kNone, kNone, uint8_t(o), 0, uint16_t(region),
                    mail_class, false, kNone, value_cents, contents};
}

uint32_t Origin::Place(uint32_t o, const ItemInFlow& in_flow, std::optional<uint32_t> office) {
  const std::array<char, 2> si = in_flow.id.service_indicator();
  const std::string_view indicator(si.data(), si.size());
  std::optional<core::MailClass> mail_class = in_flow.mail_class;
  if (!mail_class) {
    if (const auto info = core::LookupServiceIndicator(indicator)) mail_class = info->mail_class;
  }
  ItemRecord item = Draw(o, mail_class.value_or(core::MailClass::kLetterPost), in_flow_);
  item.key = in_flow.id.Pack();
  item.ordered = item.posted = ToTime(in_flow.posted);
  item.registered = indicator[0] == 'R' || indicator[0] == 'V';
  if (in_flow.weight_grams > 0) item.weight_g = in_flow.weight_grams;
  if (in_flow.value_cents) item.value_cents = *in_flow.value_cents;
  if (in_flow.documents) item.contents = kDocuments;
  if (office) {
    item.office = *office;
    item.region = uint16_t(ctx_.network.facilities()[*office].region.value());
  }
  const uint32_t i = uint32_t(ctx_.items.size());
  ctx_.items.push_back(item);
  statistics_.Posted(i);
  return i;
}

void Origin::Resume(uint32_t i) {
  const ItemRecord& item = ctx_.items[i];
  const OperatorFlow& f = ctx_.s.operators[item.op];
  const Time now = ctx_.sim.now(), elapsed = std::max<Time>(0, now - item.posted);
  const Time to_oe = Time(in_flow_.LogNormalAbove(f.to_exchange_hours * kHour, f.to_exchange_cv, double(elapsed)));
  ctx_.sim.Schedule(std::max(now, item.posted + to_oe), this, Payload(kAtOutward, i));
}

Time Origin::NextShipment(uint32_t o, Time t) const {
  const LocalTime& clock = ctx_.orders[o];
  for (int64_t day = clock.DayOf(t);; ++day) {
    for (int second : ctx_.s.operators[o].consolidation_departures) {
      if (const Time at = clock.At(day, second); at >= t) return at;
    }
  }
}

void Origin::Accept(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const OperatorFlow& f = ctx_.s.operators[item.op];
  const Time now = ctx_.sim.now();
  item.posted = now;
  statistics_.Posted(i);
  const std::string& posting_office = posting_office_[item.op];
  ctx_.Emit(i, core::EventCode::kEMA, now, posting_office.empty() ? ctx_.Code(item.office) : posting_office);
  const Time to_oe =
      std::max<Time>(kHour, Time(arrivals_[item.op].LogNormal(f.to_exchange_hours * kHour, f.to_exchange_cv)));
  ctx_.sim.Schedule(now + to_oe, this, Payload(kAtOutward, i));
}

}  // namespace pochta::sim::internal
