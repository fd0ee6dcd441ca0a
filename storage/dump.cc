// TrackingStore::Dump: every record as a line of JSON, for people and for cmp.
#include <chrono>

#include "fmt/chrono.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "storage/internal/codec.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"

namespace pochta::storage {
namespace {

using Json = nlohmann::ordered_json;

std::string Iso(core::Timestamp t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

Json PartyJson(const core::Party& p) {
  return {{"name", p.name},       {"address", p.address}, {"postcode", p.postcode},
          {"country", p.country}, {"phone", p.phone},     {"email", p.email}};
}

Json EventJson(const core::TrackingEvent& e) {
  Json j = {
      {"code", core::Name(e.code)}, {"time", Iso(e.time)}, {"office", e.office}, {"measure", core::Name(e.measure)}};
  if (e.reason != core::EventReason::kNone) j["reason_code"] = core::Name(e.reason);  // only when coded
  return j;
}

Json ItemJson(const core::Item& item) {
  Json contents = Json::array();
  for (const core::ContentLine& c : item.contents) {
    contents.push_back({{"description", c.description},
                        {"hs_code", c.hs_code},
                        {"quantity", c.quantity},
                        {"net_weight_grams", c.net_weight_grams},
                        {"value_minor", c.value_minor},
                        {"origin_country", c.origin_country}});
  }
  return {{"item", item.id.ToString()},         {"mail_class", core::Name(item.mail_class)},
          {"weight_grams", item.weight_grams},  {"declared_value_minor", item.declared_value_minor},
          {"currency", item.currency},          {"contents", std::move(contents)},
          {"sender", PartyJson(item.sender)},   {"recipient", PartyJson(item.recipient)},
          {"posted_at", Iso(item.posted_at)},   {"dispatch_id", item.dispatch_id},
          {"receptacle_id", item.receptacle_id}};
}

Json StateJson(const ItemState& s) {
  return {{"item", s.id.ToString()},
          {"status", core::Name(s.status)},
          {"latest", s.latest ? EventJson(*s.latest) : Json()},
          {"event_count", s.event_count},
          {"first_event", s.first_event ? Json(Iso(*s.first_event)) : Json()},
          {"has_preadvice", s.has_preadvice},
          {"posted_at", Iso(s.posted_at)},
          {"destination_postcode", s.destination_postcode},
          {"next_facility", s.next_facility},
          {"expected_delivery", s.expected_delivery ? Json(Iso(*s.expected_delivery)) : Json()}};
}

Json StoredEventJson(core::ItemId id, const StoredEvent& stored) {
  Json j = {{"item", id.ToString()}};
  j.update(EventJson(stored.event));
  j["reported_by"] = core::Code(stored.reported_by);
  j["reason"] = stored.reason;
  j["received_at"] = Iso(stored.received_at);
  return j;
}

// The fields of one record, decoded; DataLoss when it does not decode.
absl::StatusOr<Json> Decode(internal::Family family, std::string_view key, std::string_view value) {
  const auto malformed = [&] {
    return absl::DataLossError(fmt::format("{} {}: malformed key", internal::FamilyName(family), internal::Hex(key)));
  };
  switch (family) {
    case internal::kDefault: return Json{{"name", key}, {"value", value}};
    case internal::kItems: {
      const std::optional<core::ItemId> id = internal::ItemFromHead(key);
      if (!id || key.size() != internal::kItemKeySize) return malformed();
      absl::StatusOr<core::Item> item = internal::DecodeItem(*id, value, key);
      if (!item.ok()) return item.status();
      return ItemJson(*item);
    }
    case internal::kEvents: {
      const std::optional<core::ItemId> id = internal::ItemFromHead(key);
      const std::optional<core::TrackingEvent> event = internal::DecodeEventKey(key);
      if (!id || !event) return malformed();
      absl::StatusOr<StoredEvent> stored = internal::DecodeEvent(*event, value, key);
      if (!stored.ok()) return stored.status();
      return StoredEventJson(*id, *stored);
    }
    case internal::kState: {
      const std::optional<core::ItemId> id = internal::ItemFromHead(key);
      if (!id || key.size() != internal::kItemKeySize) return malformed();
      absl::StatusOr<ItemState> state = internal::DecodeState(*id, value, key);
      if (!state.ok()) return state.status();
      return StateJson(*state);
    }
    case internal::kDispatches: {
      absl::StatusOr<internal::DecodedDispatch> dispatch = internal::DecodeDispatch(value, key);
      if (!dispatch.ok()) return dispatch.status();
      Json receptacles = Json::array();
      for (const DispatchDeclaration::Receptacle& r : dispatch->declaration.receptacles) {
        Json ids = Json::array();
        for (core::ItemId id : r.items) ids.push_back(id.ToString());
        receptacles.push_back({{"receptacle_id", r.receptacle_id}, {"items", std::move(ids)}});
      }
      return Json{{"dispatch_id", key}, {"declared_at", Iso(dispatch->declared_at)}, {"receptacles", receptacles}};
    }
    case internal::kIdxFacility: {
      // len(1) facility status(1) since(8) item(8)
      const size_t n = key.empty() ? 0 : uint8_t(key[0]);
      const std::optional<core::ItemId> id = internal::ItemFromTail(key);
      if (!id || key.size() != 1 + n + 1 + 8 + 8 || uint8_t(key[1 + n]) >= core::kItemStatusCount) return malformed();
      return Json{{"facility", key.substr(1, n)},
                  {"status", core::Name(core::ItemStatus(uint8_t(key[1 + n])))},
                  {"since", Iso(internal::DecodeTime(internal::ReadBigEndian(key.substr(2 + n), 8)))},
                  {"item", id->ToString()}};
    }
    case internal::kIdxDispatch: {
      // dispatch(20) receptacle(2) item(8)
      const std::optional<core::ItemId> id = internal::ItemFromTail(key);
      if (!id || key.size() != 30) return malformed();
      return Json{{"dispatch_id", key.substr(0, 20)},
                  {"receptacle", internal::ReadBigEndian(key.substr(20), 2)},
                  {"item", id->ToString()}};
    }
    case internal::kIdxCountry: {
      // country(2) day(4) item(8)
      const std::optional<core::ItemId> id = internal::ItemFromTail(key);
      if (!id || key.size() != 14) return malformed();
      const int32_t day = int32_t(uint32_t(internal::ReadBigEndian(key.substr(2), 4)) ^ 0x8000'0000u);
      return Json{{"country", key.substr(0, 2)},
                  {"day", fmt::format("{:%Y-%m-%d}", std::chrono::sys_days(std::chrono::days(day)))},
                  {"item", id->ToString()}};
    }
    case internal::kFeed: {
      absl::StatusOr<FeedEntry> entry = internal::DecodeFeedEntry(key, value);
      if (!entry.ok()) return entry.status();
      Json j = {{"cursor", entry->cursor}};
      j.update(StoredEventJson(entry->item, entry->event));
      return j;
    }
    case internal::kFamilyCount: break;
  }
  return malformed();
}

// Whether a record of `family` concerns `item`.
bool Concerns(internal::Family family, std::string_view key, const Json& fields, core::ItemId item) {
  switch (family) {
    case internal::kDefault: return false;
    case internal::kItems:
    case internal::kEvents:
    case internal::kState: return internal::ItemFromHead(key) == item;
    case internal::kFeed: return fields["item"] == item.ToString();
    case internal::kDispatches:
      for (const Json& r : fields["receptacles"]) {
        for (const Json& id : r["items"]) {
          if (id == item.ToString()) return true;
        }
      }
      return false;
    default: return internal::ItemFromTail(key) == item;
  }
}

}  // namespace

absl::Status TrackingStore::Dump(const std::function<void(std::string_view line)>& line,
                                 std::optional<core::ItemId> item) const {
  const Impl& d = *impl_;
  const rocksdb::Snapshot* snapshot = d.db->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{d.db.get(), snapshot};
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.total_order_seek = true;
  for (size_t f = 0; f < internal::kFamilyCount; ++f) {
    const auto family = internal::Family(f);
    if (!d.cf[family]) continue;  // the feed of a store of format 1, opened for reading
    std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(read, d.cf[family]));
    // Families keyed by item first need only that item's range.
    const bool by_head =
        item && (family == internal::kItems || family == internal::kEvents || family == internal::kState);
    const std::string prefix = by_head ? internal::ItemKey(*item) : "";
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string_view key = it->key().ToStringView();
      Json record = {{"family", internal::FamilyName(family)}, {"key", internal::Hex(key)}};
      absl::StatusOr<Json> fields = Decode(family, key, it->value().ToStringView());
      if (!fields.ok()) {
        if (item && internal::ItemFromHead(key) != item && internal::ItemFromTail(key) != item) continue;
        record["error"] = std::string(fields.status().message());
      } else {
        if (item && !Concerns(family, key, *fields, *item)) continue;
        record.update(*fields);
      }
      line(record.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    if (absl::Status s = internal::FromRocks(it->status(), "cannot read the store"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace pochta::storage
