// Key layouts of the tracking store's column families. Every multi-byte
// number is big-endian (times offset-binary), so RocksDB's bytewise order is
// the order a reader wants: an item's events by time, a facility's items
// oldest first. Codes are the pinned numbers of storage/internal/codes.h;
// events of the same second run by code number, which need not be their
// canonical order (core/tracking.h), so readers sort an item's history.
//
//   items, state  item(8)
//   events        item(8) time(8) code(1) measure(1) office
//   dispatches    dispatch(20)
//   idx_facility  len(1) facility status(1) since(8) item(8)
//   idx_dispatch  dispatch(20) receptacle(2) item(8)
//   idx_country   country(2) day(4) item(8)
//   feed          cursor(8)            value: len(1) event key, event value
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/item_id.h"
#include "core/tracking.h"

namespace pochta::storage::internal {

enum Family : size_t {
  kDefault,
  kItems,
  kEvents,
  kState,
  kDispatches,
  kIdxFacility,
  kIdxDispatch,
  kIdxCountry,
  kFeed,  // since format 2
  kFamilyCount,
};
const char* FamilyName(Family family);

inline constexpr size_t kItemKeySize = 8;
inline constexpr size_t kMaxOfficeSize = 16;  // core::IsFacilityCode

void AppendBigEndian(std::string* out, uint64_t value, int bytes);
uint64_t ReadBigEndian(std::string_view in, int bytes);  // REQUIRES: in.size() >= bytes
uint64_t EncodeTime(core::Timestamp t);
core::Timestamp DecodeTime(uint64_t encoded);

std::string ItemKey(core::ItemId id);
// The S10 key at the end of an index key or at the start of an item key.
std::optional<core::ItemId> ItemFromTail(std::string_view key);
std::optional<core::ItemId> ItemFromHead(std::string_view key);

std::string EventKey(core::ItemId id, const core::TrackingEvent& event);
// The event a key names; nothing for a key the store never writes.
std::optional<core::TrackingEvent> DecodeEventKey(std::string_view key);

// The facility-index prefix: the facility alone, or with a status.
std::string FacilityPrefix(std::string_view facility, std::optional<core::ItemStatus> status);
std::string FacilityKey(std::string_view facility, core::ItemStatus status, core::Timestamp since, core::ItemId id);
std::string DispatchKey(std::string_view dispatch_id, uint16_t receptacle, core::ItemId id);
std::string CountryDayPrefix(std::string_view country, int32_t day);
std::string CountryDayKey(std::string_view country, int32_t day, core::ItemId id);

// The smallest key greater than every key starting with `prefix`; empty when
// there is none (a prefix of 0xff bytes only).
std::string PrefixEnd(std::string prefix);

// A feed entry: its key, and its value holding the event's key and value
// in the events family.
std::string FeedKey(uint64_t cursor);
std::string FeedValue(std::string_view event_key, std::string_view event_value);
struct FeedRecord {
  std::string_view event_key;
  std::string_view event_value;
};
// Nothing when the value is malformed.
std::optional<FeedRecord> SplitFeedValue(std::string_view value);

std::string Hex(std::string_view bytes);

// Days since 1970-01-01 of a UTC time.
int32_t DayOf(core::Timestamp t);

}  // namespace pochta::storage::internal
