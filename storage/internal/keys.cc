#include "storage/internal/keys.h"

#include "storage/internal/codes.h"

namespace pochta::storage::internal {

const char* FamilyName(Family family) {
  static constexpr const char* kNames[kFamilyCount] = {"default",    "items",        "events",       "state",
                                                       "dispatches", "idx_facility", "idx_dispatch", "idx_country",  "feed"};
  return kNames[family];
}

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(char((value >> (8 * i)) & 0xff));
}

uint64_t ReadBigEndian(std::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | uint8_t(in[size_t(i)]);
  return value;
}

uint64_t EncodeTime(core::Timestamp t) { return uint64_t(t.time_since_epoch().count()) ^ (uint64_t{1} << 63); }

core::Timestamp DecodeTime(uint64_t encoded) {
  return core::Timestamp(std::chrono::seconds(int64_t(encoded ^ (uint64_t{1} << 63))));
}

std::string ItemKey(core::ItemId id) {
  std::string key;
  AppendBigEndian(&key, id.Pack(), 8);
  return key;
}

std::optional<core::ItemId> ItemFromTail(std::string_view key) {
  if (key.size() < kItemKeySize) return std::nullopt;
  return core::ItemId::Unpack(ReadBigEndian(key.substr(key.size() - kItemKeySize), 8));
}

std::optional<core::ItemId> ItemFromHead(std::string_view key) {
  if (key.size() < kItemKeySize) return std::nullopt;
  return core::ItemId::Unpack(ReadBigEndian(key, 8));
}

std::string EventKey(core::ItemId id, const core::TrackingEvent& event) {
  std::string key = ItemKey(id);
  AppendBigEndian(&key, EncodeTime(event.time), 8);
  key.push_back(char(event.code));
  key.push_back(char(event.measure));
  key += event.office;
  return key;
}

std::string FeedKey(uint64_t cursor) {
  std::string key;
  AppendBigEndian(&key, cursor, 8);
  return key;
}

std::string FeedValue(std::string_view event_key, std::string_view event_value) {
  std::string value(1, char(event_key.size()));
  value += event_key;
  value += event_value;
  return value;
}

std::optional<FeedRecord> SplitFeedValue(std::string_view value) {
  if (value.empty() || value.size() < 1 + size_t(uint8_t(value[0]))) return std::nullopt;
  const size_t n = uint8_t(value[0]);
  return FeedRecord{value.substr(1, n), value.substr(1 + n)};
}

std::optional<core::TrackingEvent> DecodeEventKey(std::string_view key) {
  constexpr size_t kFixed = kItemKeySize + 8 + 2;
  if (key.size() <= kFixed || key.size() > kFixed + kMaxOfficeSize) return std::nullopt;
  const uint8_t code = uint8_t(key[16]);
  const uint8_t measure = uint8_t(key[17]);
  if (!IsStoredEventCode(code) || !IsStoredMeasure(measure)) {
    return std::nullopt;
  }
  return core::TrackingEvent{core::EventCode(code), DecodeTime(ReadBigEndian(key.substr(8), 8)),
                             std::string(key.substr(kFixed)), core::NonDeliveryMeasure(measure)};
}

std::string FacilityPrefix(std::string_view facility, std::optional<core::ItemStatus> status) {
  std::string key;
  key.push_back(char(facility.size()));
  key += facility;
  if (status) key.push_back(char(*status));
  return key;
}

std::string FacilityKey(std::string_view facility, core::ItemStatus status, core::Timestamp since, core::ItemId id) {
  std::string key = FacilityPrefix(facility, status);
  AppendBigEndian(&key, EncodeTime(since), 8);
  AppendBigEndian(&key, id.Pack(), 8);
  return key;
}

std::string DispatchKey(std::string_view dispatch_id, uint16_t receptacle, core::ItemId id) {
  std::string key(dispatch_id);
  AppendBigEndian(&key, receptacle, 2);
  AppendBigEndian(&key, id.Pack(), 8);
  return key;
}

std::string CountryDayPrefix(std::string_view country, int32_t day) {
  std::string key(country);
  AppendBigEndian(&key, uint32_t(day) ^ 0x8000'0000u, 4);
  return key;
}

std::string CountryDayKey(std::string_view country, int32_t day, core::ItemId id) {
  std::string key = CountryDayPrefix(country, day);
  AppendBigEndian(&key, id.Pack(), 8);
  return key;
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    if (uint8_t(prefix.back()) != 0xff) {
      prefix.back() = char(uint8_t(prefix.back()) + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[uint8_t(c) >> 4]);
    out.push_back(kDigits[uint8_t(c) & 0xf]);
  }
  return out;
}

int32_t DayOf(core::Timestamp t) {
  return int32_t(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

}  // namespace pochta::storage::internal
