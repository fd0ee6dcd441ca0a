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

// The numbers of the enums in this file are stored on disk (the tracking
// store's keys and values): they are pinned. A new value is appended with the
// next free number; no value is ever renumbered or reused. storage/ checks
// every number at compile time, and its golden store at run time.

// What customers and counter staff see.
enum class ItemStatus : uint8_t {
  kInfoReceived = 0,        // pre-advice received, no physical scan yet
  kInTransit = 1,           // accepted and moving between offices
  kAtCustoms = 2,           // presented to or held by export or import customs
  kAwaitingCollection = 3,  // at the delivery office or a pick-up point, waiting for the addressee
  kOutForDelivery = 4,
  kDeliveryFailed = 5,  // a delivery attempt failed; another attempt or collection follows
  kDelivered = 6,       // final
  kReturned = 7,        // being returned to the sender; final for the destination operator
  kException = 8,       // held, cancelled or otherwise stopped
};
inline constexpr int kItemStatusCount = 9;

std::string_view Name(ItemStatus status);  // "in-transit", ...
std::optional<ItemStatus> ParseItemStatus(std::string_view name);

// UPU EMSEVT event codes. Their numbers are pinned (see above); the order in
// which an item meets them is EventCodeInfo::flow, not the number.
enum class EventCode : uint8_t {
  kEMA = 0,
  kEMB = 1,
  kEXA = 2,
  kEXB = 3,
  kEXC = 4,
  kEXD = 5,
  kEXX = 6,
  kEMC = 7,
  kEMJ = 8,
  kEMK = 9,
  kEMD = 10,
  kEDA = 11,
  kEDB = 12,
  kEME = 13,
  kEDC = 14,
  kEMF = 15,
  kEDD = 16,
  kEDE = 17,
  kEMG = 18,
  kEDF = 19,
  kEDH = 20,
  kEDG = 21,
  kEMH = 22,
  kEDX = 23,
  kEMI = 24,
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
  uint8_t flow;       // the code's place in the mail flow: EMA 0 ... EMI last; breaks ties of time
};

const EventCodeInfo& Info(EventCode code);
std::string_view Name(EventCode code);  // "EMA"
std::string_view Name(EventSide side);  // "origin", "transit", "destination"
std::optional<EventCode> ParseEventCode(std::string_view text);

// What was done after an unsuccessful delivery (EMH), from UPU's non-delivery measures.
enum class NonDeliveryMeasure : uint8_t {
  kNone = 0,
  kRedeliver = 1,          // another delivery attempt will be made
  kHoldForCollection = 2,  // addressee notified to collect at the office
  kReturnToSender = 3,     // the item goes back to the sender
};
inline constexpr int kNonDeliveryMeasureCount = 4;

std::string_view Name(NonDeliveryMeasure measure);
std::optional<NonDeliveryMeasure> ParseNonDeliveryMeasure(std::string_view name);

// Why an item was not delivered (EMH), retained by customs (EME) or
// refused by customs (EDX): a coded reason, not free text. The categories
// are those of the UPU's reasons for non-delivery (the endorsements of the
// CN 15 return label: unknown, refused, unclaimed, moved, deceased,
// insufficient address) and of customs treatment; the UPU's own code lists
// are published to its members only, so these are pochta's numbers, pinned
// on disk (storage/internal/codes.h) and mapped one to one on the wire.
enum class EventReason : uint8_t {
  kNone = 0,
  kAddresseeAbsent = 1,   // EMH: delivery attempted, nobody to take it; a notice left
  kRefused = 2,           // EMH: the addressee refused the item
  kUnclaimed = 3,         // EMH: not collected within the holding period
  kAddressIncorrect = 4,  // EMH: incomplete or incorrect address
  kAddresseeUnknown = 5,  // EMH: nobody of that name at the address
  kMoved = 6,             // EMH: the addressee has moved
  kDeceased = 7,          // EMH
  kDocuments = 8,         // EME: the declaration and documents are checked
  kInspection = 9,        // EME: held for a physical inspection
  kDutyPayment = 10,      // EME: waiting for the addressee to pay duty and taxes
  kProhibited = 11,       // EDX, EMH: refused by customs, prohibited or restricted goods
  kDutyUnpaid = 12,       // EDX, EMH: duty not paid within the holding period
};
inline constexpr int kEventReasonCount = 13;

std::string_view Name(EventReason reason);  // "addressee-absent"
std::optional<EventReason> ParseEventReason(std::string_view name);
// True when `reason` may be given with an event of `code` (kNone always).
bool ReasonFits(EventReason reason, EventCode code);

struct TrackingEvent {
  EventCode code = EventCode::kEMA;
  Timestamp time{};
  std::string office;  // facility or IMPC code where it happened
  NonDeliveryMeasure measure = NonDeliveryMeasure::kNone;
  // Not part of the event's identity: the first stored copy keeps its own.
  EventReason reason = EventReason::kNone;

  friend bool operator==(const TrackingEvent&, const TrackingEvent&) = default;
};

// True for the event that returns an item to its sender: EMH with the
// measure return to sender.
bool IsReturn(const TrackingEvent& e);

// The canonical order of events: time, then the code's place in the mail
// flow, then measure, then office. A strict weak order, equal only for
// events of one identity (which the reason is not part of).
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
