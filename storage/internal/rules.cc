#include "storage/internal/rules.h"

#include <tuple>

#include "core/dispatch_id.h"
#include "core/network.h"
#include "fmt/format.h"
#include "storage/internal/codes.h"
#include "storage/internal/keys.h"

namespace pochta::storage::internal {
namespace {

// The receptacle's number within `dispatch`.
absl::StatusOr<uint16_t> ReceptacleNumber(const core::DispatchId& dispatch, const std::string& dispatch_text,
                                          const std::string& receptacle_text) {
  absl::StatusOr<core::ReceptacleId> receptacle = core::ReceptacleId::Parse(receptacle_text);
  if (!receptacle.ok()) return receptacle.status();
  if (receptacle->dispatch() != dispatch) {
    return absl::InvalidArgumentError(
        fmt::format("receptacle {} does not belong to dispatch {}", receptacle_text, dispatch_text));
  }
  return uint16_t(receptacle->number());
}

}  // namespace

absl::Status CheckEvent(const ReportedEvent& event) {
  if (core::IsFacilityCode(event.event.office)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("office \"{}\" must be 2-16 capital letters, digits or '-'", event.event.office));
}

bool StoredRatherThan(const ReportedEvent& a, const ReportedEvent& b, core::Timestamp now) {
  return std::tuple(a.received_at.value_or(now), StoredOperator(a.reported_by), std::string_view(a.reason)) <
         std::tuple(b.received_at.value_or(now), StoredOperator(b.reported_by), std::string_view(b.reason));
}

absl::StatusOr<std::optional<std::string>> DispatchIndexKeyOf(const core::Item& item) {
  if (item.dispatch_id.empty() && item.receptacle_id.empty()) return std::optional<std::string>();
  absl::StatusOr<core::DispatchId> dispatch = core::DispatchId::Parse(item.dispatch_id);
  if (!dispatch.ok()) return dispatch.status();
  if (item.receptacle_id.empty()) return std::optional<std::string>();
  absl::StatusOr<uint16_t> number = ReceptacleNumber(*dispatch, item.dispatch_id, item.receptacle_id);
  if (!number.ok()) return number.status();
  return std::optional<std::string>(DispatchKey(item.dispatch_id, *number, item.id));
}

absl::StatusOr<std::vector<std::string>> DispatchIndexKeysOf(const DispatchDeclaration& dispatch) {
  absl::StatusOr<core::DispatchId> id = core::DispatchId::Parse(dispatch.dispatch_id);
  if (!id.ok()) return id.status();
  std::vector<std::string> keys;
  for (const DispatchDeclaration::Receptacle& r : dispatch.receptacles) {
    absl::StatusOr<uint16_t> number = ReceptacleNumber(*id, dispatch.dispatch_id, r.receptacle_id);
    if (!number.ok()) return number.status();
    for (core::ItemId item : r.items) keys.push_back(DispatchKey(dispatch.dispatch_id, *number, item));
  }
  return keys;
}

}  // namespace pochta::storage::internal
