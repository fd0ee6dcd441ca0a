#include "services/convert.h"

#include <algorithm>

#include "core/ascii.h"
#include "core/country.h"
#include "core/dispatch_id.h"
#include "core/network.h"
#include "core/operators.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "services/auth.h"

namespace pochta::services {
namespace {

constexpr int32_t kMaxWeightGrams = 50'000;
constexpr size_t kMaxContentLines = 100;
constexpr size_t kMaxText = 200;
// Nothing in the system happened before this.
const core::Timestamp kEarliest = core::Timestamp(std::chrono::seconds(946'684'800));  // 2000-01-01

absl::Status Invalid(std::string_view path, std::string_view field, std::string_view value, std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("{}{}{} \"{}\": {}", path, path.empty() ? "" : ".", field, value, why));
}

absl::Status InvalidNumber(std::string_view path, std::string_view field, int64_t value, std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("{}{}{} {}: {}", path, path.empty() ? "" : ".", field, value, why));
}

absl::Status CheckText(std::string_view path, std::string_view field, const std::string& value) {
  if (value.size() > kMaxText) return Invalid(path, field, value.substr(0, 20) + "...", "longer than 200 characters");
  return absl::OkStatus();
}

absl::Status CheckParty(const v1::Party& p, std::string path, bool uzbek) {
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"name", &p.name()},
                                     {"address", &p.address()},
                                     {"phone", &p.phone()},
                                     {"email", &p.email()}}) {
    if (absl::Status s = CheckText(path, field, *value); !s.ok()) return s;
  }
  if (!p.country().empty() && !core::IsIsoCountryCode(p.country())) {
    return Invalid(path, "country", p.country(), "is not an ISO 3166-1 alpha-2 code");
  }
  if (uzbek && (p.postcode().size() != 6 || !core::IsDigits(p.postcode()))) {
    return Invalid(path, "postcode", p.postcode(), "an Uzbek postcode has six digits");
  }
  return absl::OkStatus();
}

}  // namespace

core::Timestamp FromProto(const google::protobuf::Timestamp& t) {
  return core::Timestamp(std::chrono::seconds(t.seconds()));
}

void ToProto(core::Timestamp t, google::protobuf::Timestamp* out) { out->set_seconds(t.time_since_epoch().count()); }

absl::StatusOr<core::ItemId> ParseItemId(std::string_view text, std::string_view path) {
  core::ItemIdError why = core::ItemIdError::kNone;
  const std::optional<core::ItemId> id = core::ItemId::TryParse(text, &why);
  if (!id) return Invalid(path, "item_id", text, core::Describe(why));
  return *id;
}

absl::StatusOr<core::Item> ItemFromProto(const v1::Item& in, std::string_view path, const Validator& v) {
  absl::StatusOr<core::ItemId> id = ParseItemId(in.item_id(), path);
  if (!id.ok()) return id.status();
  core::Item item{.id = *id};
  const std::optional<core::MailClass> mail_class = FromProto(in.mail_class());
  if (!mail_class) {
    return Invalid(path, "mail_class", v1::MailClass_Name(in.mail_class()), "must be LETTER_POST, PARCELS or EMS");
  }
  item.mail_class = *mail_class;
  if (in.weight_grams() < 1 || in.weight_grams() > kMaxWeightGrams) {
    return InvalidNumber(path, "weight_grams", in.weight_grams(), "must be 1 to 50000");
  }
  item.weight_grams = uint32_t(in.weight_grams());
  if (in.declared_value_minor() < 0) {
    return InvalidNumber(path, "declared_value_minor", in.declared_value_minor(), "must not be negative");
  }
  item.declared_value_minor = in.declared_value_minor();
  if (in.currency().size() != 3 ||
      !std::all_of(in.currency().begin(), in.currency().end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Invalid(path, "currency", in.currency(), "is not an ISO 4217 code of three capital letters");
  }
  item.currency = in.currency();
  if (size_t(in.contents_size()) > kMaxContentLines) {
    return InvalidNumber(path, "contents", in.contents_size(), "at most 100 lines");
  }
  for (int i = 0; i < in.contents_size(); ++i) {
    const v1::ContentLine& c = in.contents(i);
    const std::string line = fmt::format("{}{}contents[{}]", path, path.empty() ? "" : ".", i);
    if (c.description().empty()) return Invalid(line, "description", "", "is required");
    if (absl::Status s = CheckText(line, "description", c.description()); !s.ok()) return s;
    if (!c.hs_code().empty() && (c.hs_code().size() < 6 || c.hs_code().size() > 10 || !core::IsDigits(c.hs_code()))) {
      return Invalid(line, "hs_code", c.hs_code(), "an HS code has 6 to 10 digits");
    }
    if (c.quantity() < 1) return InvalidNumber(line, "quantity", c.quantity(), "must be at least 1");
    if (c.net_weight_grams() < 0)
      return InvalidNumber(line, "net_weight_grams", c.net_weight_grams(), "must not be negative");
    if (c.value_minor() < 0) return InvalidNumber(line, "value_minor", c.value_minor(), "must not be negative");
    if (!c.origin_country().empty() && !core::IsIsoCountryCode(c.origin_country())) {
      return Invalid(line, "origin_country", c.origin_country(), "is not an ISO 3166-1 alpha-2 code");
    }
    item.contents.push_back(core::ContentLine{c.description(), c.hs_code(), uint32_t(c.quantity()),
                                              uint32_t(c.net_weight_grams()), c.value_minor(), c.origin_country()});
  }
  const std::string prefix = std::string(path) + (path.empty() ? "" : ".");
  // Mail to Uzbekistan is addressed to an Uzbek postcode; mail Uzbekiston
  // Pochtasi sends (issued in UZ) is posted at one and addressed abroad.
  const bool outbound = SentFromUzbekistan(*id);
  const v1::Party& uzbek = outbound ? in.sender() : in.recipient();
  const std::string uzbek_path = prefix + (outbound ? "sender" : "recipient");
  if (absl::Status s = CheckParty(in.sender(), prefix + "sender", outbound); !s.ok()) return s;
  if (absl::Status s = CheckParty(in.recipient(), prefix + "recipient", !outbound); !s.ok()) return s;
  if (v.router->Resolve(*core::Postcode::Parse(uzbek.postcode())).match == core::PostcodeMatch::kNone) {
    return Invalid(uzbek_path, "postcode", uzbek.postcode(), "no delivery office serves it");
  }
  if (outbound && (in.recipient().country().empty() || in.recipient().country() == core::Code(core::kUzbekistanPost))) {
    return Invalid(prefix + "recipient", "country", in.recipient().country(),
                   fmt::format("item {} is sent abroad by Uzbekiston Pochtasi: the country it goes to is required",
                               id->ToString()));
  }
  const auto party = [](const v1::Party& p) {
    return core::Party{p.name(), p.address(), p.postcode(), p.country(), p.phone(), p.email()};
  };
  item.sender = party(in.sender());
  item.recipient = party(in.recipient());
  if (!in.has_posted_at()) return Invalid(path, "posted_at", "", "is required");
  item.posted_at = FromProto(in.posted_at());
  if (item.posted_at < kEarliest || item.posted_at > v.now + v.clock_skew) {
    return InvalidNumber(path, "posted_at", in.posted_at().seconds(), "is in the future or before 2000");
  }
  if (!in.dispatch_id().empty()) {
    if (absl::StatusOr<core::DispatchId> d = core::DispatchId::Parse(in.dispatch_id()); !d.ok()) {
      return Invalid(path, "dispatch_id", in.dispatch_id(), std::string(d.status().message()));
    }
  }
  if (!in.receptacle_id().empty()) {
    absl::StatusOr<core::ReceptacleId> r = core::ReceptacleId::Parse(in.receptacle_id());
    if (!r.ok()) return Invalid(path, "receptacle_id", in.receptacle_id(), std::string(r.status().message()));
    if (r->dispatch().text() != in.dispatch_id()) {
      return Invalid(path, "receptacle_id", in.receptacle_id(), "does not belong to dispatch_id");
    }
  }
  item.dispatch_id = in.dispatch_id();
  item.receptacle_id = in.receptacle_id();
  return item;
}

absl::StatusOr<storage::ReportedEvent> EventFromProto(const v1::TrackingEvent& in, std::string_view path,
                                                      const Validator& v) {
  absl::StatusOr<core::ItemId> id = ParseItemId(in.item_id(), path);
  if (!id.ok()) return id.status();
  const std::optional<core::EventCode> code = core::ParseEventCode(in.code());
  if (!code) return Invalid(path, "code", in.code(), "is not a UPU EMSEVT event code");
  if (!in.has_occurred_at()) return Invalid(path, "occurred_at", "", "is required");
  const core::Timestamp time = FromProto(in.occurred_at());
  if (time > v.now + v.clock_skew)
    return InvalidNumber(path, "occurred_at", in.occurred_at().seconds(), "is in the future");
  if (time < kEarliest) return InvalidNumber(path, "occurred_at", in.occurred_at().seconds(), "is before 2000");
  if (absl::Status s = CheckText(path, "reason", in.reason()); !s.ok()) return s;
  const std::optional<core::NonDeliveryMeasure> measure = FromProto(in.measure());
  if (!measure) return InvalidNumber(path, "measure", in.measure(), "is not a known measure");
  if (*measure != core::NonDeliveryMeasure::kNone && *code != core::EventCode::kEMH) {
    return Invalid(path, "measure", v1::NonDeliveryMeasure_Name(in.measure()), "is only for EMH events");
  }
  const std::optional<core::EventReason> reason = FromProto(in.reason_code());
  if (!reason) return InvalidNumber(path, "reason_code", in.reason_code(), "is not a known reason");
  if (!core::ReasonFits(*reason, *code)) {
    return Invalid(path, "reason_code", v1::EventReason_Name(in.reason_code()),
                   fmt::format("is not a reason for {} events", core::Name(*code)));
  }
  return storage::ReportedEvent{*id, core::TrackingEvent{*code, time, in.office(), *measure, *reason},
                                core::kUzbekistanPost,
                                in.reason()};
}

absl::Status CheckEventOffice(const core::TrackingEvent& event, core::Operator reported_by, std::string_view path,
                              const Validator& v) {
  const std::string& office = event.office;
  const core::ExchangeOffice* exchange = v.operators->FindOffice(office);
  const std::string_view country = core::Code(reported_by);
  const bool uz = reported_by == core::kUzbekistanPost;
  // A post office of the reporter's country: its code, then a local one.
  const bool post_office = !exchange && office.size() > 2 && office.starts_with(country) &&
                           core::IsUpperAlnum(std::string_view(office).substr(2)) && core::IsFacilityCode(office);
  switch (core::Info(event.code).side) {
    case core::EventSide::kDestination:
      if (uz) {
        if (v.router->network().Find(office)) return absl::OkStatus();
        if (!v.router->network().FindPickupPoint(office)) {
          return Invalid(path, "office", office, "is not a facility of the Uzbek network");
        }
        // A locker or pick-up point: the item is left there, collected or taken back.
        if (event.code == core::EventCode::kEDH || event.code == core::EventCode::kEMI ||
            event.code == core::EventCode::kEMH) {
          return absl::OkStatus();
        }
        return Invalid(path, "office", office,
                       fmt::format("is a pickup point, where only EDH, EMI and EMH happen, not {}",
                                   core::Name(event.code)));
      }
      // Mail Uzbekiston Pochtasi sent to this operator, at its offices.
      if ((exchange && exchange->op == reported_by) || post_office) return absl::OkStatus();
      return Invalid(path, "office", office,
                     fmt::format("{} reports {} at its offices of exchange ({}) or a post office of {} like {}100000",
                                 country, core::Name(event.code),
                                 fmt::join(v.operators->OfficesOf(reported_by, core::ExchangeRole::kOutward), ", "), country,
                                 country));
    case core::EventSide::kTransit:
      // Reported by the operator that runs the transit office.
      if (exchange && exchange->role == core::ExchangeRole::kTransit && exchange->op == reported_by) {
        return absl::OkStatus();
      }
      if (exchange && exchange->role == core::ExchangeRole::kTransit) {
        return Invalid(path, "office", office,
                       fmt::format("{} at {} is reported by {}, the operator that runs it", core::Name(event.code),
                                   office, core::Code(exchange->op)));
      }
      return Invalid(path, "office", office,
                     fmt::format("{} happens at a transit office of the operators file", core::Name(event.code)));
    case core::EventSide::kOrigin:
      if (uz) {  // mail Uzbekiston Pochtasi sends: its office of exchange or its network
        if ((exchange && exchange->op == reported_by) || v.router->network().Find(office)) return absl::OkStatus();
        return Invalid(path, "office", office,
                       fmt::format("{} of mail Uzbekiston Pochtasi sends happens at {} or a facility of its network",
                                   core::Name(event.code),
                                   fmt::join(v.operators->OfficesOf(reported_by, core::ExchangeRole::kInward), ", ")));
      }
      if (exchange && exchange->role == core::ExchangeRole::kOutward && exchange->op == reported_by) {
        return absl::OkStatus();
      }
      if (event.code == core::EventCode::kEMA && post_office) return absl::OkStatus();
      return Invalid(path, "office", office,
                     fmt::format("{} reports {} at its offices of exchange ({}){}", country, core::Name(event.code),
                                 fmt::join(v.operators->OfficesOf(reported_by, core::ExchangeRole::kOutward), ", "),
                                 event.code == core::EventCode::kEMA
                                     ? fmt::format(" or a post office of {} like {}518000", country, country)
                                     : ""));
  }
  return Invalid(path, "office", office, "is not an office of this event");
}

void ToProto(const core::Item& item, bool personal_data, v1::Item* out) {
  out->set_item_id(item.id.ToString());
  out->set_mail_class(ToProto(item.mail_class));
  out->set_weight_grams(int32_t(item.weight_grams));
  out->set_declared_value_minor(item.declared_value_minor);
  out->set_currency(item.currency);
  for (const core::ContentLine& c : item.contents) {
    v1::ContentLine* line = out->add_contents();
    line->set_description(c.description);
    line->set_hs_code(c.hs_code);
    line->set_quantity(int32_t(c.quantity));
    line->set_net_weight_grams(int32_t(c.net_weight_grams));
    line->set_value_minor(c.value_minor);
    line->set_origin_country(c.origin_country);
  }
  const auto party = [personal_data](const core::Party& p, v1::Party* o) {
    o->set_postcode(p.postcode);
    o->set_country(p.country);
    if (!personal_data) return;
    o->set_name(p.name);
    o->set_address(p.address);
    o->set_phone(p.phone);
    o->set_email(p.email);
  };
  party(item.sender, out->mutable_sender());
  party(item.recipient, out->mutable_recipient());
  ToProto(item.posted_at, out->mutable_posted_at());
  out->set_dispatch_id(item.dispatch_id);
  out->set_receptacle_id(item.receptacle_id);
}

void ToProto(core::ItemId id, const storage::StoredEvent& e, v1::TrackingEvent* out) {
  out->set_item_id(id.ToString());
  out->set_code(std::string(core::Name(e.event.code)));
  ToProto(e.event.time, out->mutable_occurred_at());
  out->set_office(e.event.office);
  out->set_reason(e.reason);
  out->set_measure(ToProto(e.event.measure));
  out->set_reason_code(ToProto(e.event.reason));
}

// Each enum is mapped value by value: the numbers of pochta.v1 and of core
// are independent, and neither is ever derived from the other.
v1::AlertKind ToProto(AlertKind kind) {
  switch (kind) {
    case AlertKind::kUnscannedOnArrival: return v1::ALERT_KIND_UNSCANNED_ON_ARRIVAL;
    case AlertKind::kNoPreAdvice: return v1::ALERT_KIND_NO_PRE_ADVICE;
    case AlertKind::kLowVolume: return v1::ALERT_KIND_LOW_VOLUME;
    case AlertKind::kLateEvent: return v1::ALERT_KIND_LATE_EVENT;
  }
  return v1::ALERT_KIND_UNSPECIFIED;
}

v1::ItemStatus ToProto(core::ItemStatus status) {
  switch (status) {
    case core::ItemStatus::kInfoReceived: return v1::INFO_RECEIVED;
    case core::ItemStatus::kInTransit: return v1::IN_TRANSIT;
    case core::ItemStatus::kAtCustoms: return v1::AT_CUSTOMS;
    case core::ItemStatus::kAwaitingCollection: return v1::AWAITING_COLLECTION;
    case core::ItemStatus::kOutForDelivery: return v1::OUT_FOR_DELIVERY;
    case core::ItemStatus::kDeliveryFailed: return v1::DELIVERY_FAILED;
    case core::ItemStatus::kDelivered: return v1::DELIVERED;
    case core::ItemStatus::kReturned: return v1::RETURNED;
    case core::ItemStatus::kException: return v1::EXCEPTION;
  }
  return v1::ITEM_STATUS_UNSPECIFIED;
}

std::optional<core::ItemStatus> FromProto(v1::ItemStatus status) {
  switch (status) {
    case v1::INFO_RECEIVED: return core::ItemStatus::kInfoReceived;
    case v1::IN_TRANSIT: return core::ItemStatus::kInTransit;
    case v1::AT_CUSTOMS: return core::ItemStatus::kAtCustoms;
    case v1::AWAITING_COLLECTION: return core::ItemStatus::kAwaitingCollection;
    case v1::OUT_FOR_DELIVERY: return core::ItemStatus::kOutForDelivery;
    case v1::DELIVERY_FAILED: return core::ItemStatus::kDeliveryFailed;
    case v1::DELIVERED: return core::ItemStatus::kDelivered;
    case v1::RETURNED: return core::ItemStatus::kReturned;
    case v1::EXCEPTION: return core::ItemStatus::kException;
    default: return std::nullopt;
  }
}

v1::NonDeliveryMeasure ToProto(core::NonDeliveryMeasure measure) {
  switch (measure) {
    case core::NonDeliveryMeasure::kNone: return v1::NON_DELIVERY_MEASURE_UNSPECIFIED;
    case core::NonDeliveryMeasure::kRedeliver: return v1::REDELIVER;
    case core::NonDeliveryMeasure::kHoldForCollection: return v1::HOLD_FOR_COLLECTION;
    case core::NonDeliveryMeasure::kReturnToSender: return v1::RETURN_TO_SENDER;
  }
  return v1::NON_DELIVERY_MEASURE_UNSPECIFIED;
}

v1::EventReason ToProto(core::EventReason reason) {
  switch (reason) {
    case core::EventReason::kNone: return v1::EVENT_REASON_UNSPECIFIED;
    case core::EventReason::kAddresseeAbsent: return v1::REASON_ADDRESSEE_ABSENT;
    case core::EventReason::kRefused: return v1::REASON_REFUSED;
    case core::EventReason::kUnclaimed: return v1::REASON_UNCLAIMED;
    case core::EventReason::kAddressIncorrect: return v1::REASON_ADDRESS_INCORRECT;
    case core::EventReason::kAddresseeUnknown: return v1::REASON_ADDRESSEE_UNKNOWN;
    case core::EventReason::kMoved: return v1::REASON_MOVED;
    case core::EventReason::kDeceased: return v1::REASON_DECEASED;
    case core::EventReason::kDocuments: return v1::REASON_DOCUMENTS;
    case core::EventReason::kInspection: return v1::REASON_INSPECTION;
    case core::EventReason::kDutyPayment: return v1::REASON_DUTY_PAYMENT;
    case core::EventReason::kProhibited: return v1::REASON_PROHIBITED;
    case core::EventReason::kDutyUnpaid: return v1::REASON_DUTY_UNPAID;
  }
  return v1::EVENT_REASON_UNSPECIFIED;
}

std::optional<core::EventReason> FromProto(v1::EventReason reason) {
  switch (reason) {
    case v1::EVENT_REASON_UNSPECIFIED: return core::EventReason::kNone;
    case v1::REASON_ADDRESSEE_ABSENT: return core::EventReason::kAddresseeAbsent;
    case v1::REASON_REFUSED: return core::EventReason::kRefused;
    case v1::REASON_UNCLAIMED: return core::EventReason::kUnclaimed;
    case v1::REASON_ADDRESS_INCORRECT: return core::EventReason::kAddressIncorrect;
    case v1::REASON_ADDRESSEE_UNKNOWN: return core::EventReason::kAddresseeUnknown;
    case v1::REASON_MOVED: return core::EventReason::kMoved;
    case v1::REASON_DECEASED: return core::EventReason::kDeceased;
    case v1::REASON_DOCUMENTS: return core::EventReason::kDocuments;
    case v1::REASON_INSPECTION: return core::EventReason::kInspection;
    case v1::REASON_DUTY_PAYMENT: return core::EventReason::kDutyPayment;
    case v1::REASON_PROHIBITED: return core::EventReason::kProhibited;
    case v1::REASON_DUTY_UNPAID: return core::EventReason::kDutyUnpaid;
    default: return std::nullopt;
  }
}

std::optional<core::NonDeliveryMeasure> FromProto(v1::NonDeliveryMeasure measure) {
  switch (measure) {
    case v1::NON_DELIVERY_MEASURE_UNSPECIFIED: return core::NonDeliveryMeasure::kNone;
    case v1::REDELIVER: return core::NonDeliveryMeasure::kRedeliver;
    case v1::HOLD_FOR_COLLECTION: return core::NonDeliveryMeasure::kHoldForCollection;
    case v1::RETURN_TO_SENDER: return core::NonDeliveryMeasure::kReturnToSender;
    default: return std::nullopt;
  }
}

v1::MailClass ToProto(core::MailClass mail_class) {
  switch (mail_class) {
    case core::MailClass::kLetterPost: return v1::LETTER_POST;
    case core::MailClass::kParcels: return v1::PARCELS;
    case core::MailClass::kEms: return v1::EMS;
  }
  return v1::MAIL_CLASS_UNSPECIFIED;
}

std::optional<core::MailClass> FromProto(v1::MailClass mail_class) {
  switch (mail_class) {
    case v1::LETTER_POST: return core::MailClass::kLetterPost;
    case v1::PARCELS: return core::MailClass::kParcels;
    case v1::EMS: return core::MailClass::kEms;
    default: return std::nullopt;
  }
}

void ToProto(const storage::ItemState& state, const core::Item* pre_advice, bool personal_data,
             const core::Router& router, v1::ItemView* out) {
  out->set_item_id(state.id.ToString());
  out->set_status(ToProto(state.status));
  if (state.latest) ToProto(state.id, storage::StoredEvent{*state.latest}, out->mutable_last_event());
  out->set_location(state.facility);
  ToProto(state.since, out->mutable_since());
  out->set_event_count(state.event_count);
  out->set_destination_postcode(state.destination_postcode);
  if (pre_advice) ToProto(*pre_advice, personal_data, out->mutable_pre_advice());

  const std::optional<core::Postcode> postcode = core::Postcode::Parse(state.destination_postcode);
  if (!postcode) return;
  const core::OfficeMatch office = router.Resolve(*postcode);
  if (office.match == core::PostcodeMatch::kNone) return;
  const core::Network& network = router.network();
  out->set_destination_office(network.facility(office.office).code);
  if (state.status == core::ItemStatus::kDelivered || state.status == core::ItemStatus::kReturned) return;
  // Abroad or not scanned yet: the route starts at the office of exchange.
  const std::optional<core::FacilityId> here = network.Find(state.facility);
  const core::FacilityId from = here ? *here : network.office_of_exchange();
  const std::optional<core::Path> path = router.FindPath(from, office.office);
  if (!path) return;
  for (core::LinkId id : path->legs) {
    const core::Link& l = network.link(id);
    v1::RouteLeg* leg = out->add_route();
    leg->set_from(network.facility(l.from).code);
    leg->set_to(network.facility(l.to).code);
    leg->set_mode(std::string(core::Name(l.mode)));
    leg->set_minutes(int32_t(l.minutes));
  }
  if (state.expected_delivery) ToProto(*state.expected_delivery, out->mutable_expected_delivery());
}

}  // namespace pochta::services
