#include "core/tracking.h"

#include <array>
#include <tuple>

namespace pochta::core {
namespace {

using S = ItemStatus;
using Side = EventSide;

// Indexed by EventCode's number; `flow` is the order of the mail flow.
constexpr std::array<EventCodeInfo, kEventCodeCount> kEvents = {{
    {EventCode::kEMA, "EMA", "Posting / collection", Side::kOrigin, S::kInTransit, 0},
    {EventCode::kEMB, "EMB", "Arrival at outward office of exchange", Side::kOrigin, S::kInTransit, 1},
    {EventCode::kEXA, "EXA", "Item presented to export customs", Side::kOrigin, S::kAtCustoms, 2},
    {EventCode::kEXB, "EXB", "Item held by export customs", Side::kOrigin, S::kAtCustoms, 3},
    {EventCode::kEXC, "EXC", "Item returned from export customs", Side::kOrigin, S::kInTransit, 4},
    {EventCode::kEXD, "EXD", "Item held at outward office of exchange", Side::kOrigin, S::kException, 5},
    {EventCode::kEXX, "EXX", "Item cancelled at origin (export cancellation)", Side::kOrigin, S::kException, 6},
    {EventCode::kEMC, "EMC", "Departure from outward office of exchange", Side::kOrigin, S::kInTransit, 7},
    {EventCode::kEMJ, "EMJ", "Arrival at transit office of exchange", Side::kTransit, S::kInTransit, 8},
    {EventCode::kEMK, "EMK", "Departure from transit office of exchange", Side::kTransit, S::kInTransit, 9},
    {EventCode::kEMD, "EMD", "Arrival at inward office of exchange", Side::kDestination, S::kInTransit, 10},
    {EventCode::kEDA, "EDA", "Item held at inward office of exchange", Side::kDestination, S::kException, 11},
    {EventCode::kEDB, "EDB", "Item presented to import customs", Side::kDestination, S::kAtCustoms, 12},
    {EventCode::kEME, "EME", "Handed over to customs (held for inspection)", Side::kDestination, S::kAtCustoms, 13},
    {EventCode::kEDC, "EDC", "Item returned from customs", Side::kDestination, S::kInTransit, 14},
    {EventCode::kEMF, "EMF", "Departure from inward office of exchange", Side::kDestination, S::kInTransit, 15},
    {EventCode::kEDD, "EDD", "Item into sorting centre", Side::kDestination, S::kInTransit, 16},
    {EventCode::kEDE, "EDE", "Item out of sorting centre", Side::kDestination, S::kInTransit, 17},
    {EventCode::kEMG, "EMG", "Arrival at delivery office", Side::kDestination, S::kInTransit, 18},
    {EventCode::kEDF, "EDF", "Item on hold at delivery office", Side::kDestination, S::kAwaitingCollection, 19},
    {EventCode::kEDH, "EDH", "Item arrived at collection point for pick-up", Side::kDestination, S::kAwaitingCollection,
     20},
    {EventCode::kEDG, "EDG", "Item out for physical delivery", Side::kDestination, S::kOutForDelivery, 21},
    {EventCode::kEMH, "EMH", "Unsuccessful (attempted) delivery", Side::kDestination, S::kDeliveryFailed, 22},
    {EventCode::kEDX, "EDX", "Item stopped at destination (import cancellation)", Side::kDestination, S::kException,
     23},
    {EventCode::kEMI, "EMI", "Final delivery", Side::kDestination, S::kDelivered, 24},
}};

constexpr bool IndexedByNumber() {
  for (size_t i = 0; i < kEvents.size(); ++i) {
    if (static_cast<size_t>(kEvents[i].code) != i) return false;
  }
  return true;
}
static_assert(IndexedByNumber(), "kEvents[i] must describe the code numbered i");

constexpr std::array<std::string_view, kItemStatusCount> kStatusNames = {
    "info-received", "in-transit", "at-customs", "awaiting-collection", "out-for-delivery", "delivery-failed",
    "delivered",     "returned",   "exception"};

constexpr std::array<std::string_view, 4> kMeasureNames = {"none", "redeliver", "hold-for-collection",
                                                           "return-to-sender"};

}  // namespace

bool IsReturn(const TrackingEvent& e) {
  return e.code == EventCode::kEMH && e.measure == NonDeliveryMeasure::kReturnToSender;
}

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

namespace {

struct ReasonInfo {
  std::string_view name;
  std::array<EventCode, 2> codes;  // the events it fits; a repeated code pads
};

constexpr std::array<ReasonInfo, kEventReasonCount> kReasons = {{
    {"none", {EventCode::kEMA, EventCode::kEMA}},
    {"addressee-absent", {EventCode::kEMH, EventCode::kEMH}},
    {"refused", {EventCode::kEMH, EventCode::kEMH}},
    {"unclaimed", {EventCode::kEMH, EventCode::kEMH}},
    {"address-incorrect", {EventCode::kEMH, EventCode::kEMH}},
    {"addressee-unknown", {EventCode::kEMH, EventCode::kEMH}},
    {"moved", {EventCode::kEMH, EventCode::kEMH}},
    {"deceased", {EventCode::kEMH, EventCode::kEMH}},
    {"documents", {EventCode::kEME, EventCode::kEME}},
    {"inspection", {EventCode::kEME, EventCode::kEME}},
    {"duty-payment", {EventCode::kEME, EventCode::kEME}},
    {"prohibited", {EventCode::kEDX, EventCode::kEMH}},
    {"duty-unpaid", {EventCode::kEDX, EventCode::kEMH}},
}};

}  // namespace

std::string_view Name(EventReason reason) { return kReasons[static_cast<size_t>(reason)].name; }

std::optional<EventReason> ParseEventReason(std::string_view name) {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i].name == name) return EventReason(i);
  }
  return std::nullopt;
}

bool ReasonFits(EventReason reason, EventCode code) {
  if (reason == EventReason::kNone) return true;
  const auto& codes = kReasons[static_cast<size_t>(reason)].codes;
  return codes[0] == code || codes[1] == code;
}

std::string_view Name(NonDeliveryMeasure measure) { return kMeasureNames[static_cast<size_t>(measure)]; }

std::optional<NonDeliveryMeasure> ParseNonDeliveryMeasure(std::string_view name) {
  for (size_t i = 0; i < kMeasureNames.size(); ++i) {
    if (kMeasureNames[i] == name) return NonDeliveryMeasure(i);
  }
  return std::nullopt;
}

bool CanonicalLess(const TrackingEvent& a, const TrackingEvent& b) {
  const uint8_t a_flow = Info(a.code).flow;
  const uint8_t b_flow = Info(b.code).flow;
  return std::tie(a.time, a_flow, a.measure, a.office) < std::tie(b.time, b_flow, b.measure, b.office);
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
