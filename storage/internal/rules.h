// What the store accepts: the checks every write path makes, PutItems,
// DeclareDispatch, AppendEvents and BulkLoad alike, and the dispatch-index
// entries they derive. One rule, one function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/tracking_store.h"

namespace pochta::storage::internal {

// InvalidArgument when the event's office is not an office code (2-16
// capital letters, digits or '-', core::IsFacilityCode).
absl::Status CheckEvent(const ReportedEvent& event);

// Of two identical events (same item, time, code, measure, office) given in
// one call, whether `a` is the one to store rather than `b`: the earlier
// received (`now` for events without a time of their own), then the lower
// reporting operator, then the lower reason. Any order of the call gives
// the same stored record.
bool StoredRatherThan(const ReportedEvent& a, const ReportedEvent& b, core::Timestamp now);

// The dispatch-index entry of pre-advice that names its receptacle; nothing
// when it names none. InvalidArgument for a malformed dispatch or
// receptacle id, or a receptacle of another dispatch.
absl::StatusOr<std::optional<std::string>> DispatchIndexKeyOf(const core::Item& item);

// The dispatch-index entries of a declaration, receptacle by receptacle.
// InvalidArgument for a malformed id or a receptacle of another dispatch.
absl::StatusOr<std::vector<std::string>> DispatchIndexKeysOf(const DispatchDeclaration& dispatch);

}  // namespace pochta::storage::internal
