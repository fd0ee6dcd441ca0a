#include "core/dispatch_id.h"

#include <cstring>

#include "core/ascii.h"
#include "core/operators.h"
#include "fmt/format.h"

namespace pochta::core {
namespace {

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

absl::Status FieldError(std::string_view kind, std::string_view text, std::string_view field, std::string_view value,
                        std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("{} \"{}\": {} \"{}\" {}", kind, text, field, value, why));
}

}  // namespace

absl::StatusOr<DispatchId> DispatchId::Parse(std::string_view text) {
  constexpr std::string_view kKind = "dispatch id";
  if (text.size() != kTextLength) {
    return absl::InvalidArgumentError(
        fmt::format("{} \"{}\": has {} characters, an S8 dispatch id has 20", kKind, text, text.size()));
  }
  if (!IsImpcCode(text.substr(0, 6))) {
    return FieldError(kKind, text, "origin office of exchange", text.substr(0, 6), "is not an IMPC code");
  }
  if (!IsImpcCode(text.substr(6, 6))) {
    return FieldError(kKind, text, "destination office of exchange", text.substr(6, 6), "is not an IMPC code");
  }
  if (text[12] < 'A' || text[12] > 'D') {
    return FieldError(kKind, text, "mail category", text.substr(12, 1), "is not A, B, C or D");
  }
  const std::string_view subclass = text.substr(13, 2);
  if (subclass[0] < 'A' || subclass[0] > 'Z' || subclass[1] < 'A' || subclass[1] > 'Z') {
    return FieldError(kKind, text, "mail subclass", subclass, "is not two capital letters");
  }
  if (!IsDigits(text.substr(15, 1))) {
    return FieldError(kKind, text, "year", text.substr(15, 1), "is not a digit");
  }
  const std::string_view number = text.substr(16, 4);
  if (!IsDigits(number) || ToInt(number) == 0) {
    return FieldError(kKind, text, "dispatch number", number, "is not a number from 0001 to 9999");
  }
  DispatchId id;
  std::memcpy(id.text_, text.data(), kTextLength);
  return id;
}

std::optional<MailClass> DispatchId::mail_class() const {
  switch (text_[13]) {
    case 'U': return MailClass::kLetterPost;
    case 'C': return MailClass::kParcels;
    case 'E': return MailClass::kEms;
    default: return std::nullopt;
  }
}

int DispatchId::number() const { return ToInt({text_ + 16, 4}); }

absl::StatusOr<ReceptacleId> ReceptacleId::Parse(std::string_view text) {
  constexpr std::string_view kKind = "receptacle id";
  if (text.size() != kTextLength) {
    return absl::InvalidArgumentError(
        fmt::format("{} \"{}\": has {} characters, an S9 receptacle id has 29", kKind, text, text.size()));
  }
  absl::StatusOr<DispatchId> dispatch = DispatchId::Parse(text.substr(0, DispatchId::kTextLength));
  if (!dispatch.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{} \"{}\": {}", kKind, text, std::string(dispatch.status().message())));
  }
  const std::string_view number = text.substr(20, 3);
  if (!IsDigits(number) || ToInt(number) == 0) {
    return FieldError(kKind, text, "receptacle number", number, "is not a number from 001 to 999");
  }
  if (text[23] != '0' && text[23] != '1') {
    return FieldError(kKind, text, "highest receptacle indicator", text.substr(23, 1), "is not 0 or 1");
  }
  if (text[24] != '0' && text[24] != '1' && text[24] != '9') {
    return FieldError(kKind, text, "registered/insured indicator", text.substr(24, 1), "is not 0, 1 or 9");
  }
  const std::string_view weight = text.substr(25, 4);
  if (!IsDigits(weight)) {
    return FieldError(kKind, text, "weight", weight, "is not four digits (tenths of a kilogram)");
  }
  ReceptacleId id;
  id.dispatch_ = *dispatch;
  id.number_ = ToInt(number);
  id.highest_ = text[23] == '1';
  id.contents_ = ReceptacleContents(text[24]);
  id.weight_hg_ = ToInt(weight);
  return id;
}

std::string ReceptacleId::ToString() const {
  return fmt::format("{}{:03d}{}{}{:04d}", dispatch_.text(), number_, highest_ ? '1' : '0', char(contents_),
                     weight_hg_);
}

}  // namespace pochta::core
