#include "storage/internal/codec.h"

#include "fmt/format.h"
#include "storage/internal/codes.h"
#include "storage/internal/keys.h"
#include "storage/records.pb.h"

namespace pochta::storage::internal {
namespace {

namespace pb = ::pochta::storage::v1;

int64_t Seconds(core::Timestamp t) { return t.time_since_epoch().count(); }
core::Timestamp FromSeconds(int64_t s) { return core::Timestamp(std::chrono::seconds(s)); }

std::string Versioned(const google::protobuf::MessageLite& message) {
  std::string value(1, kValueVersion);
  message.AppendToString(&value);
  return value;
}

absl::Status Corrupt(std::string_view what, std::string_view key, std::string_view why) {
  return absl::DataLossError(fmt::format("{} {}: {}", what, Hex(key), why));
}

absl::Status ParseVersioned(std::string_view value, google::protobuf::MessageLite* message, std::string_view what,
                            std::string_view key) {
  if (value.empty()) return Corrupt(what, key, "empty value");
  if (value[0] != kValueVersion) {
    return Corrupt(what, key, fmt::format("value version {} is not {}", int(uint8_t(value[0])), int(kValueVersion)));
  }
  if (!message->ParseFromArray(value.data() + 1, int(value.size() - 1))) return Corrupt(what, key, "undecodable value");
  return absl::OkStatus();
}

void ToProto(const core::Party& p, pb::Party* out) {
  out->set_name(p.name);
  out->set_address(p.address);
  out->set_postcode(p.postcode);
  out->set_country(p.country);
  out->set_phone(p.phone);
  out->set_email(p.email);
}

core::Party FromProto(const pb::Party& p) {
  return core::Party{p.name(), p.address(), p.postcode(), p.country(), p.phone(), p.email()};
}

}  // namespace

std::string EncodeItem(const core::Item& item) {
  pb::Item out;
  out.set_mail_class(uint32_t(item.mail_class));
  out.set_weight_grams(item.weight_grams);
  out.set_declared_value_minor(item.declared_value_minor);
  out.set_currency(item.currency);
  for (const core::ContentLine& line : item.contents) {
    pb::ContentLine* c = out.add_contents();
    c->set_description(line.description);
    c->set_hs_code(line.hs_code);
    c->set_quantity(line.quantity);
    c->set_net_weight_grams(line.net_weight_grams);
    c->set_value_minor(line.value_minor);
    c->set_origin_country(line.origin_country);
  }
  ToProto(item.sender, out.mutable_sender());
  ToProto(item.recipient, out.mutable_recipient());
  out.set_posted_at(Seconds(item.posted_at));
  out.set_dispatch_id(item.dispatch_id);
  out.set_receptacle_id(item.receptacle_id);
  return Versioned(out);
}

absl::StatusOr<core::Item> DecodeItem(core::ItemId id, std::string_view value, std::string_view key) {
  pb::Item in;
  if (absl::Status s = ParseVersioned(value, &in, "item", key); !s.ok()) return s;
  if (!IsStoredMailClass(in.mail_class())) return Corrupt("item", key, "unknown mail class");
  core::Item item{.id = id};
  item.mail_class = core::MailClass(in.mail_class());
  item.weight_grams = in.weight_grams();
  item.declared_value_minor = in.declared_value_minor();
  item.currency = in.currency();
  for (const pb::ContentLine& c : in.contents()) {
    item.contents.push_back(core::ContentLine{c.description(), c.hs_code(), c.quantity(), c.net_weight_grams(),
                                              c.value_minor(), c.origin_country()});
  }
  item.sender = FromProto(in.sender());
  item.recipient = FromProto(in.recipient());
  item.posted_at = FromSeconds(in.posted_at());
  item.dispatch_id = in.dispatch_id();
  item.receptacle_id = in.receptacle_id();
  return item;
}

std::string EncodeState(const ItemState& state) {
  pb::State out;
  out.set_status(uint32_t(state.status));
  if (state.latest) {
    out.set_has_event(true);
    out.set_latest_time(Seconds(state.latest->time));
    out.set_latest_code(uint32_t(state.latest->code));
    out.set_latest_measure(uint32_t(state.latest->measure));
    out.set_latest_office(state.latest->office);
    out.set_latest_reason(uint32_t(state.latest->reason));
  }
  out.set_event_count(state.event_count);
  if (state.first_event) out.set_first_event_time(Seconds(*state.first_event));
  out.set_has_preadvice(state.has_preadvice);
  out.set_posted_at(Seconds(state.posted_at));
  out.set_destination_postcode(state.destination_postcode);
  out.set_next_facility(state.next_facility);
  if (state.expected_delivery) out.set_expected_delivery(Seconds(*state.expected_delivery));
  return Versioned(out);
}

absl::StatusOr<ItemState> DecodeState(core::ItemId id, std::string_view value, std::string_view key) {
  pb::State in;
  if (absl::Status s = ParseVersioned(value, &in, "state", key); !s.ok()) return s;
  if (!IsStoredStatus(in.status())) return Corrupt("state", key, "unknown status");
  if (in.has_event() && (!IsStoredEventCode(in.latest_code()) || !IsStoredMeasure(in.latest_measure()) ||
                         !IsStoredReason(in.latest_reason()))) {
    return Corrupt("state", key, "unknown event code, measure or reason");
  }
  ItemState state{.id = id};
  state.status = core::ItemStatus(in.status());
  if (in.has_event()) {
    state.latest = core::TrackingEvent{core::EventCode(in.latest_code()), FromSeconds(in.latest_time()),
                                       in.latest_office(), core::NonDeliveryMeasure(in.latest_measure()),
                                       core::EventReason(in.latest_reason())};
    state.facility = in.latest_office();
    state.since = FromSeconds(in.latest_time());
    state.first_event = FromSeconds(in.first_event_time());
  }
  state.event_count = in.event_count();
  state.has_preadvice = in.has_preadvice();
  state.posted_at = FromSeconds(in.posted_at());
  if (!in.has_event()) state.since = state.posted_at;
  state.destination_postcode = in.destination_postcode();
  state.next_facility = in.next_facility();
  if (in.expected_delivery() != 0) state.expected_delivery = FromSeconds(in.expected_delivery());
  state.posting_day = DayOf(state.has_preadvice ? state.posted_at : state.first_event.value_or(state.posted_at));
  return state;
}

std::string EncodeEvent(const ReportedEvent& event, core::Timestamp received_at) {
  pb::Event out;
  out.set_reported_by(StoredOperator(event.reported_by));
  out.set_reason(event.reason);
  out.set_reason_code(uint32_t(event.event.reason));
  out.set_received_at(Seconds(received_at));
  return Versioned(out);
}

absl::StatusOr<StoredEvent> DecodeEvent(const core::TrackingEvent& event, std::string_view value,
                                        std::string_view key) {
  pb::Event in;
  if (absl::Status s = ParseVersioned(value, &in, "event", key); !s.ok()) return s;
  const std::optional<core::Operator> by = OperatorFromStored(in.reported_by());
  if (!by) return Corrupt("event", key, "unknown reporting operator");
  if (!IsStoredReason(in.reason_code())) return Corrupt("event", key, "unknown reason code");
  StoredEvent stored{event, *by, in.reason(), FromSeconds(in.received_at())};
  stored.event.reason = core::EventReason(in.reason_code());
  return stored;
}

std::string EncodeDispatch(const DispatchDeclaration& dispatch, core::Timestamp declared_at) {
  pb::Dispatch out;
  out.set_declared_at(Seconds(declared_at));
  for (const DispatchDeclaration::Receptacle& r : dispatch.receptacles) {
    pb::Receptacle* rec = out.add_receptacles();
    rec->set_receptacle_id(r.receptacle_id);
    for (core::ItemId id : r.items) rec->add_items(id.Pack());
  }
  return Versioned(out);
}

absl::StatusOr<DecodedDispatch> DecodeDispatch(std::string_view value, std::string_view key) {
  pb::Dispatch in;
  if (absl::Status s = ParseVersioned(value, &in, "dispatch", key); !s.ok()) return s;
  DecodedDispatch out{{std::string(key), {}}, FromSeconds(in.declared_at())};
  for (const pb::Receptacle& r : in.receptacles()) {
    DispatchDeclaration::Receptacle receptacle{r.receptacle_id(), {}};
    for (uint64_t packed : r.items()) {
      const std::optional<core::ItemId> id = core::ItemId::Unpack(packed);
      if (!id) return Corrupt("dispatch", key, "an item is not an S10 key");
      receptacle.items.push_back(*id);
    }
    out.declaration.receptacles.push_back(std::move(receptacle));
  }
  return out;
}

absl::StatusOr<FeedEntry> DecodeFeedEntry(std::string_view key, std::string_view value) {
  const std::optional<FeedRecord> record = SplitFeedValue(value);
  const std::optional<core::ItemId> item = record ? ItemFromHead(record->event_key) : std::nullopt;
  const std::optional<core::TrackingEvent> event = record ? DecodeEventKey(record->event_key) : std::nullopt;
  if (key.size() != 8 || !item || !event) return absl::DataLossError(fmt::format("feed {}: malformed entry", Hex(key)));
  absl::StatusOr<StoredEvent> stored = DecodeEvent(*event, record->event_value, key);
  if (!stored.ok()) return stored.status();
  return FeedEntry{ReadBigEndian(key, 8), *item, *std::move(stored)};
}

}  // namespace pochta::storage::internal
