// The words of the tracking and work-list pages in Uzbek (Latin script,
// the official one), Russian and English: labels, statuses, what each UPU
// event code means to the person waiting for the item, and the reasons.
//
// Thread-safety: constant data.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "core/tracking.h"

namespace pochta::services {

enum class Language : uint8_t { kUzbek, kRussian, kEnglish };

struct PageText {
  std::string_view code;      // "uz", "ru", "en": the page's lang attribute
  std::string_view language;  // the language's own name: "O'zbekcha"
  std::string_view title;     // of the tracking page
  std::string_view staff_title;
  std::string_view key, item, track, show;
  std::string_view status, where, since, expected, expected_latest, hours, minutes, route, timeline;
  std::string_view when, event, place, reason;
  std::string_view sender, addressee, destination;
  std::string_view facility, any_status, older_than_hours, page_size, page, next_page, first_page, no_items;
  std::string_view local_time_note;                               // under the timeline: times are local to the place
  std::array<std::string_view, core::kItemStatusCount> statuses;  // by core::ItemStatus
  std::array<std::string_view, core::kEventCodeCount> events;     // by core::EventCode
  std::array<std::string_view, core::kEventReasonCount> reasons;  // by core::EventReason; kNone empty
  std::array<std::string_view, 4> modes;                          // truck, van, rail, air
};

const PageText& Text(Language language);
std::optional<Language> ParseLanguage(std::string_view code);  // "uz", "ru", "en"
// The first of uz, ru and en an Accept-Language header names, in the
// header's order of preference; Uzbek when it names none.
Language FromAcceptLanguage(std::string_view header);

}  // namespace pochta::services
