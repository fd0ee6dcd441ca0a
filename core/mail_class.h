// Mail classes and the S10 service indicators that name them.
#pragma once

#include <optional>
#include <string_view>

namespace pochta::core {

// The three streams a postal operator processes separately.
// The numbers are stored on disk: pinned, new classes appended (see
// core/tracking.h).
enum class MailClass : uint8_t {
  kLetterPost = 0,  // letters, small packets (up to 2 kg), registered and tracked letters
  kParcels = 1,     // parcel post, including e-commerce parcels
  kEms = 2,         // Express Mail Service
};
inline constexpr int kMailClassCount = 3;

std::string_view Name(MailClass mail_class);  // "letter-post", "parcels", "ems"
std::optional<MailClass> ParseMailClass(std::string_view name);

// What UPU S10 says about a two-letter service indicator.
struct ServiceIndicatorInfo {
  std::string_view meaning;
  // The mail class the indicator implies; empty for the ranges S10 leaves to
  // bilateral agreement, where the pre-advice must say.
  std::optional<MailClass> mail_class;
};

// The ranges are those of S10 version 12, as the Wikipedia article "S10 (UPU
// standard)" tabulates them. Returns nothing for indicators S10 leaves
// unassigned or reserved (e.g. "FA", "JA", "XX")
// and for anything that is not two capital letters.
std::optional<ServiceIndicatorInfo> LookupServiceIndicator(std::string_view indicator);

}  // namespace pochta::core
