// Tracking events (UPU EMSEVT codes) and the status of an item derived from them.
//
// An item's status is a pure function of the *set* of its events: events are
// put in one canonical order (event time, then the code's place in the mail
// flow, then office, then non-delivery measure) and folded, so any arrival
// order, and any number of duplicates, gives the same status.
//
// Thread-safety: pure functions and value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pochta::core {

// Event time: UTC, whole seconds.
using Timestamp = std::chrono::sys_seconds;

// What customers and counter staff see.
enum class ItemStatus : uint8_t {
  kInfoReceived,        // pre-advice received, no physical scan yet
  kInTransit,           // accepted and moving between offices
  kAtCustoms,           // presented to or held by export or import customs
  kAwaitingCollection,  // at the delivery office or a pick-up point, waiting for the addressee
  kOutForDelivery,
  kDeliveryFailed,  // a delivery attempt failed; another attempt or collection follows
  kDelivered,       // final
  kReturned,        // being returned to the sender; final for the destination operator
  kException,       // held, cancelled or otherwise stopped
};
inline constexpr int kItemStatusCount = 9;

std::string_view Name(ItemStatus status);  // "in-transit", ...
std::optional<ItemStatus> ParseItemStatus(std::string_view name);

// UPU EMSEVT event codes, in the order an item meets them.
enum class EventCode : uint8_t {
  kEMA,
  kEMB,
  kEXA,
  kEXB,
  kEXC,
  kEXD,
  kEXX,
  kEMC,
  kEMJ,
  kEMK,
  kEMD,
  kEDA,
  kEDB,
  kEME,
  kEDC,
  kEMF,
  kEDD,
  kEDE,
  kEMG,
  kEDF,
  kEDH,
  kEDG,
  kEMH,
  kEDX,
  kEMI,
};
inline constexpr int kEventCodeCount = 25;

// Which operator's side reports an event.
enum class EventSide : uint8_t {
  kOrigin,       // the designated operator of the sending country (CN, LV, VU)
  kTransit,      // an operator the dispatch transits through
  kDestination,  // Uzbekiston Pochtasi
};

struct EventCodeInfo {
  EventCode code;
  std::string_view text;     // "EMA"
  std::string_view meaning;  // "Posting / collection"
  EventSide side;
  ItemStatus status;  // the status an item has when this is its latest event
};

const EventCodeInfo& Info(EventCode code);
std::string_view Name(EventCode code);  // "EMA"
std::string_view Name(EventSide side);  // "origin", "transit", "destination"
std::optional<EventCode> ParseEventCode(std::string_view text);

// What was done after an unsuccessful delivery (EMH), from UPU's non-delivery measures.
enum class NonDeliveryMeasure : uint8_t {
  kNone,
  kRedeliver,          // another delivery attempt will be made
  kHoldForCollection,  // addressee notified to collect at the office
  kReturnToSender,     // the item goes back to the sender
};

std::string_view Name(NonDeliveryMeasure measure);
std::optional<NonDeliveryMeasure> ParseNonDeliveryMeasure(std::string_view name);

struct TrackingEvent {
  EventCode code = EventCode::kEMA;
  Timestamp time{};
  std::string office;  // facility or IMPC code where it happened
  NonDeliveryMeasure measure = NonDeliveryMeasure::kNone;

  friend bool operator==(const TrackingEvent&, const TrackingEvent&) = default;
};

// The canonical order of events: time, then the code's place in the mail
// flow, then measure, then office. A strict weak order, equal only for
// identical events.
bool CanonicalLess(const TrackingEvent& a, const TrackingEvent& b);

// One step of the fold behind DeriveState: the status once `added` joins
// events whose status was `status` and whose latest event was `latest`
// (null when there were none). Folding a set of events in any order gives
// DeriveState's answer.
ItemStatus FoldStatus(ItemStatus status, const TrackingEvent* latest, const TrackingEvent& added);

struct DerivedState {
  ItemStatus status = ItemStatus::kInfoReceived;
  // Index (into the span given) of the latest event in canonical order; -1 when there are none.
  int latest = -1;
};

// The state of an item with these events, in any order, duplicates allowed.
// Delivery (EMI) is final whatever its time; a return to sender is final
// unless the item is delivered after all; otherwise the latest event decides.
DerivedState DeriveState(std::span<const TrackingEvent> events);

}  // namespace pochta::core
