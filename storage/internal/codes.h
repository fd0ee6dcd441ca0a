// The numbers the tracking store writes for core's enums: event codes and
// non-delivery measures in event keys, reasons in event values, statuses in the facility index and in
// state values, mail classes in items, operators in events. A store keeps
// them for years, so each is pinned here: renumbering a core enum fails the
// build instead of silently re-reading every stored record as another code.
// A new code takes the next free number, and a line is added here.
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>

#include "core/mail_class.h"
#include "core/operators.h"
#include "core/tracking.h"

namespace pochta::storage::internal {

// True when `number` names a value this build knows.
constexpr bool IsStoredEventCode(uint32_t number) { return number < uint32_t(core::kEventCodeCount); }
constexpr bool IsStoredMeasure(uint32_t number) { return number < uint32_t(core::kNonDeliveryMeasureCount); }
constexpr bool IsStoredReason(uint32_t number) { return number < uint32_t(core::kEventReasonCount); }
constexpr bool IsStoredStatus(uint32_t number) { return number < uint32_t(core::kItemStatusCount); }
constexpr bool IsStoredMailClass(uint32_t number) { return number < uint32_t(core::kMailClassCount); }

#define POCHTA_PINNED(value, number) static_assert(uint32_t(value) == (number), #value " is stored as " #number)

POCHTA_PINNED(core::EventCode::kEMA, 0);
POCHTA_PINNED(core::EventCode::kEMB, 1);
POCHTA_PINNED(core::EventCode::kEXA, 2);
POCHTA_PINNED(core::EventCode::kEXB, 3);
POCHTA_PINNED(core::EventCode::kEXC, 4);
POCHTA_PINNED(core::EventCode::kEXD, 5);
POCHTA_PINNED(core::EventCode::kEXX, 6);
POCHTA_PINNED(core::EventCode::kEMC, 7);
POCHTA_PINNED(core::EventCode::kEMJ, 8);
POCHTA_PINNED(core::EventCode::kEMK, 9);
POCHTA_PINNED(core::EventCode::kEMD, 10);
POCHTA_PINNED(core::EventCode::kEDA, 11);
POCHTA_PINNED(core::EventCode::kEDB, 12);
POCHTA_PINNED(core::EventCode::kEME, 13);
POCHTA_PINNED(core::EventCode::kEDC, 14);
POCHTA_PINNED(core::EventCode::kEMF, 15);
POCHTA_PINNED(core::EventCode::kEDD, 16);
POCHTA_PINNED(core::EventCode::kEDE, 17);
POCHTA_PINNED(core::EventCode::kEMG, 18);
POCHTA_PINNED(core::EventCode::kEDF, 19);
POCHTA_PINNED(core::EventCode::kEDH, 20);
POCHTA_PINNED(core::EventCode::kEDG, 21);
POCHTA_PINNED(core::EventCode::kEMH, 22);
POCHTA_PINNED(core::EventCode::kEDX, 23);
POCHTA_PINNED(core::EventCode::kEMI, 24);
static_assert(core::kEventCodeCount == 25, "a new event code needs its line above");

POCHTA_PINNED(core::NonDeliveryMeasure::kNone, 0);
POCHTA_PINNED(core::NonDeliveryMeasure::kRedeliver, 1);
POCHTA_PINNED(core::NonDeliveryMeasure::kHoldForCollection, 2);
POCHTA_PINNED(core::NonDeliveryMeasure::kReturnToSender, 3);
static_assert(core::kNonDeliveryMeasureCount == 4, "a new measure needs its line above");

POCHTA_PINNED(core::EventReason::kNone, 0);
POCHTA_PINNED(core::EventReason::kAddresseeAbsent, 1);
POCHTA_PINNED(core::EventReason::kRefused, 2);
POCHTA_PINNED(core::EventReason::kUnclaimed, 3);
POCHTA_PINNED(core::EventReason::kAddressIncorrect, 4);
POCHTA_PINNED(core::EventReason::kAddresseeUnknown, 5);
POCHTA_PINNED(core::EventReason::kMoved, 6);
POCHTA_PINNED(core::EventReason::kDeceased, 7);
POCHTA_PINNED(core::EventReason::kDocuments, 8);
POCHTA_PINNED(core::EventReason::kInspection, 9);
POCHTA_PINNED(core::EventReason::kDutyPayment, 10);
POCHTA_PINNED(core::EventReason::kProhibited, 11);
POCHTA_PINNED(core::EventReason::kDutyUnpaid, 12);
static_assert(core::kEventReasonCount == 13, "a new reason needs its line above");

POCHTA_PINNED(core::ItemStatus::kInfoReceived, 0);
POCHTA_PINNED(core::ItemStatus::kInTransit, 1);
POCHTA_PINNED(core::ItemStatus::kAtCustoms, 2);
POCHTA_PINNED(core::ItemStatus::kAwaitingCollection, 3);
POCHTA_PINNED(core::ItemStatus::kOutForDelivery, 4);
POCHTA_PINNED(core::ItemStatus::kDeliveryFailed, 5);
POCHTA_PINNED(core::ItemStatus::kDelivered, 6);
POCHTA_PINNED(core::ItemStatus::kReturned, 7);
POCHTA_PINNED(core::ItemStatus::kException, 8);
static_assert(core::kItemStatusCount == 9, "a new status needs its line above");

POCHTA_PINNED(core::MailClass::kLetterPost, 0);
POCHTA_PINNED(core::MailClass::kParcels, 1);
POCHTA_PINNED(core::MailClass::kEms, 2);
static_assert(core::kMailClassCount == 3, "a new mail class needs its line above");

// Operators (who reported an event). The four of the first release, when
// operators were an enum, keep their numbers; any other operator is stored as
// kOperatorBase plus its index, which its ISO country code fixes.
inline constexpr core::Operator kNumberedOperators[] = {core::Operator("UZ"), core::Operator("CN"),
                                                        core::Operator("LV"), core::Operator("VU")};
inline constexpr uint32_t kOperatorBase = 1000;

constexpr uint32_t StoredOperator(core::Operator op) {
  for (uint32_t n = 0; n < std::size(kNumberedOperators); ++n) {
    if (kNumberedOperators[n] == op) return n;
  }
  return kOperatorBase + op.index();
}

inline std::optional<core::Operator> OperatorFromStored(uint32_t number) {
  if (number < std::size(kNumberedOperators)) return kNumberedOperators[number];
  if (number < kOperatorBase) return std::nullopt;
  return core::Operator::FromIndex(number - kOperatorBase);
}

#undef POCHTA_PINNED

}  // namespace pochta::storage::internal
