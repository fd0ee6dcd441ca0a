#include "cli/in_flow.h"

#include <algorithm>

#include "absl/time/time.h"
#include "services/forecaster.h"
#include "storage/tracking_store.h"

namespace pochta::cli {

sim::Time Seconds(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string Date(const sim::LocalTime& clock, sim::Time t) {
  if (t == sim::kForever) return "-";
  const absl::Time at = absl::FromUnixSeconds(t);
  absl::TimeZone zone;
  absl::LoadTimeZone(clock.zone(), &zone);
  return absl::FormatTime("%Y-%m-%d %H:%M", at, zone);
}

absl::StatusOr<StoreInFlow> ReadInFlow(const std::string& db) {
  storage::StoreOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(db, options);
  if (!store.ok()) return store.status();
  StoreInFlow out;
  const absl::Status read =
      services::ForEachItemInFlow(**store, [&](const storage::ItemState& state, sim::ItemInFlow in) {
        out.items.push_back(std::move(in));
        out.expected_delivery.push_back(state.expected_delivery);
        if (state.latest) out.newest = std::max(out.newest, Seconds(state.latest->time));
      });
  if (!read.ok()) return read;
  return out;
}

std::string Where(const sim::ItemInFlow& item) {
  if (!item.latest) return "pre-advised, not scanned";
  switch (core::Info(item.latest->code).side) {
    case core::EventSide::kOrigin: return "at origin";
    case core::EventSide::kTransit: return "in transit abroad";
    case core::EventSide::kDestination: break;
  }
  switch (item.latest->code) {
    case core::EventCode::kEMD:
    case core::EventCode::kEDA: return "UZTASA, waiting for the arrival scan";
    case core::EventCode::kEDB:
    case core::EventCode::kEME: return "in customs";
    case core::EventCode::kEDC: return "UZTASA, waiting to be sorted";
    case core::EventCode::kEMF:
    case core::EventCode::kEDD:
    case core::EventCode::kEDE: return "on the line-haul";
    default: return "at the delivery office";
  }
}

}  // namespace pochta::cli
