#include "core/tracking.h"

#include <array>
#include <tuple>

namespace pochta::core {
namespace {

using S = ItemStatus;
using Side = EventSide;

// Indexed by EventCode; the order of the enum is the order of the mail flow.
constexpr std::array<EventCodeInfo, kEventCodeCount> kEvents = {{
    {EventCode::kEMA, "EMA", "Posting / collection", Side::kOrigin, S::kInTransit},
    {EventCode::kEMB, "EMB", "Arrival at outward office of exchange", Side::kOrigin, S::kInTransit},
    {EventCode::kEXA, "EXA", "Item presented to export customs", Side::kOrigin, S::kAtCustoms},
    {EventCode::kEXB, "EXB", "Item held by export customs", Side::kOrigin, S::kAtCustoms},
    {EventCode::kEXC, "EXC", "Item returned from export customs", Side::kOrigin, S::kInTransit},
    {EventCode::kEXD, "EXD", "Item held at outward office of exchange", Side::kOrigin, S::kException},
    {EventCode::kEXX, "EXX", "Item cancelled at origin (export cancellation)", Side::kOrigin, S::kException},
    {EventCode::kEMC, "EMC", "Departure from outward office of exchange", Side::kOrigin, S::kInTransit},
    {EventCode::kEMJ, "EMJ", "Arrival at transit office of exchange", Side::kTransit, S::kInTransit},
    {EventCode::kEMK, "EMK", "Departure from transit office of exchange", Side::kTransit, S::kInTransit},
    {EventCode::kEMD, "EMD", "Arrival at inward office of exchange", Side::kDestination, S::kInTransit},
    {EventCode::kEDA, "EDA", "Item held at inward office of exchange", Side::kDestination, S::kException},
    {EventCode::kEDB, "EDB", "Item presented to import customs", Side::kDestination, S::kAtCustoms},
    {EventCode::kEME, "EME", "Handed over to customs (held for inspection)", Side::kDestination, S::kAtCustoms},
    {EventCode::kEDC, "EDC", "Item returned from customs", Side::kDestination, S::kInTransit},
    {EventCode::kEMF, "EMF", "Departure from inward office of exchange", Side::kDestination, S::kInTransit},
    {EventCode::kEDD, "EDD", "Item into sorting centre", Side::kDestination, S::kInTransit},
    {EventCode::kEDE, "EDE", "Item out of sorting centre", Side::kDestination, S::kInTransit},
    {EventCode::kEMG, "EMG", "Arrival at delivery office", Side::kDestination, S::kInTransit},
    {EventCode::kEDF, "EDF", "Item on hold at delivery office", Side::kDestination, S::kAwaitingCollection},
    {EventCode::kEDH, "EDH", "Item arrived at collection point for pick-up", Side::kDestination,
     S::kAwaitingCollection},
    {EventCode::kEDG, "EDG", "Item out for physical delivery", Side::kDestination, S::kOutForDelivery},
    {EventCode::kEMH, "EMH", "Unsuccessful (attempted) delivery", Side::kDestination, S::kDeliveryFailed},
    {EventCode::kEDX, "EDX", "Item stopped at destination (import cancellation)", Side::kDestination, S::kException},
    {EventCode::kEMI, "EMI", "Final delivery", Side::kDestination, S::kDelivered},
}};

constexpr std::array<std::string_view, kItemStatusCount> kStatusNames = {
    "info-received", "in-transit", "at-customs", "awaiting-collection", "out-for-delivery", "delivery-failed",
    "delivered",     "returned",   "exception"};

constexpr std::array<std::string_view, 4> kMeasureNames = {"none", "redeliver", "hold-for-collection",
                                                           "return-to-sender"};

bool IsReturn(const TrackingEvent& e) {
  return e.code == EventCode::kEMH && e.measure == NonDeliveryMeasure::kReturnToSender;
}

}  // namespace

std::string_view Name(ItemStatus status) { return kStatusNames[static_cast<size_t>(status)]; }

std::optional<ItemStatus> ParseItemStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return ItemStatus(i);
  }
  return std::nullopt;
}

const EventCodeInfo& Info(EventCode code) { return kEvents[static_cast<size_t>(code)]; }

std::string_view Name(EventCode code) { return Info(code).text; }

std::string_view Name(EventSide side) {
  switch (side) {
    case EventSide::kOrigin: return "origin";
    case EventSide::kTransit: return "transit";
    case EventSide::kDestination: return "destination";
  }
  return "?";
}

std::optional<EventCode> ParseEventCode(std::string_view text) {
  for (const EventCodeInfo& info : kEvents) {
    if (info.text == text) return info.code;
  }
  return std::nullopt;
}

std::string_view Name(NonDeliveryMeasure measure) { return kMeasureNames[static_cast<size_t>(measure)]; }

std::optional<NonDeliveryMeasure> ParseNonDeliveryMeasure(std::string_view name) {
  for (size_t i = 0; i < kMeasureNames.size(); ++i) {
    if (kMeasureNames[i] == name) return NonDeliveryMeasure(i);
  }
  return std::nullopt;
}

bool CanonicalLess(const TrackingEvent& a, const TrackingEvent& b) {
  return std::tie(a.time, a.code, a.measure, a.office) < std::tie(b.time, b.code, b.measure, b.office);
}

ItemStatus FoldStatus(ItemStatus status, const TrackingEvent* latest, const TrackingEvent& added) {
  if (status == ItemStatus::kDelivered || added.code == EventCode::kEMI) return ItemStatus::kDelivered;
  if (status == ItemStatus::kReturned || IsReturn(added)) return ItemStatus::kReturned;
  const TrackingEvent& newest = (latest != nullptr && !CanonicalLess(*latest, added)) ? *latest : added;
  return Info(newest.code).status;
}

DerivedState DeriveState(std::span<const TrackingEvent> events) {
  DerivedState state;
  for (size_t i = 0; i < events.size(); ++i) {
    const TrackingEvent* latest = state.latest < 0 ? nullptr : &events[size_t(state.latest)];
    state.status = FoldStatus(state.status, latest, events[i]);
    if (latest == nullptr || CanonicalLess(*latest, events[i])) state.latest = int(i);
  }
  return state;
}

}  // namespace pochta::core
