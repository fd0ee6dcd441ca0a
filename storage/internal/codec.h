// Values of the tracking store: one version byte, then a message of
// storage/records.proto. Decoding never trusts the bytes: a value of an
// unknown version, one that does not parse, or one naming an unknown enum
// value is a DataLoss error naming the key.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/item.h"
#include "storage/tracking_store.h"

namespace pochta::storage::internal {

inline constexpr char kValueVersion = 1;

std::string EncodeItem(const core::Item& item);
absl::StatusOr<core::Item> DecodeItem(core::ItemId id, std::string_view value, std::string_view key);

std::string EncodeState(const ItemState& state);
absl::StatusOr<ItemState> DecodeState(core::ItemId id, std::string_view value, std::string_view key);

std::string EncodeEvent(const ReportedEvent& event, core::Timestamp received_at);
// `event` is what the key says; the value adds who reported it and when.
absl::StatusOr<StoredEvent> DecodeEvent(const core::TrackingEvent& event, std::string_view value, std::string_view key);

// The feed entry under `key` (see keys.h), decoded.
absl::StatusOr<FeedEntry> DecodeFeedEntry(std::string_view key, std::string_view value);

std::string EncodeDispatch(const DispatchDeclaration& dispatch, core::Timestamp declared_at);
struct DecodedDispatch {
  DispatchDeclaration declaration;
  core::Timestamp declared_at;
};
// `key` is the S8 dispatch id.
absl::StatusOr<DecodedDispatch> DecodeDispatch(std::string_view value, std::string_view key);

}  // namespace pochta::storage::internal
