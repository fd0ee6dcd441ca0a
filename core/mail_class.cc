#include "core/mail_class.h"

namespace pochta::core {

std::string_view Name(MailClass mail_class) {
  switch (mail_class) {
    case MailClass::kLetterPost: return "letter-post";
    case MailClass::kParcels: return "parcels";
    case MailClass::kEms: return "ems";
  }
  return "?";
}

std::optional<MailClass> ParseMailClass(std::string_view name) {
  for (MailClass c : {MailClass::kLetterPost, MailClass::kParcels, MailClass::kEms}) {
    if (Name(c) == name) return c;
  }
  return std::nullopt;
}

std::optional<ServiceIndicatorInfo> LookupServiceIndicator(std::string_view indicator) {
  if (indicator.size() != 2) return std::nullopt;
  const char first = indicator[0];
  const char second = indicator[1];
  if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') return std::nullopt;

  constexpr std::string_view kBilateral = "domestic, bilateral or multilateral use";
  switch (first) {
    case 'C': return ServiceIndicatorInfo{"parcel post", MailClass::kParcels};
    case 'E': return ServiceIndicatorInfo{"EMS", MailClass::kEms};
    case 'H': return ServiceIndicatorInfo{"e-commerce parcel", MailClass::kParcels};
    case 'L': return ServiceIndicatorInfo{"letter post, tracked (express)", MailClass::kLetterPost};
    case 'M': return ServiceIndicatorInfo{"letter post, M bag (printed matter to one addressee)", MailClass::kLetterPost};
    case 'R': return ServiceIndicatorInfo{"letter post, registered", MailClass::kLetterPost};
    case 'U': return ServiceIndicatorInfo{"letter post with customs declaration (CN 22/CN 23)", MailClass::kLetterPost};
    case 'V': return ServiceIndicatorInfo{"letter post, insured", MailClass::kLetterPost};
    case 'Q':
      if (second <= 'M') return ServiceIndicatorInfo{"international business reply", MailClass::kLetterPost};
      return std::nullopt;
    case 'A':
      if (second >= 'V') return ServiceIndicatorInfo{kBilateral, std::nullopt};
      return std::nullopt;
    case 'G':
      if (second == 'A' || second == 'D') return ServiceIndicatorInfo{kBilateral, std::nullopt};
      return std::nullopt;
    case 'B':
    case 'D':
    case 'N':
    case 'P':
    case 'Z': return ServiceIndicatorInfo{kBilateral, std::nullopt};
    default: return std::nullopt;
  }
}

}  // namespace pochta::core
