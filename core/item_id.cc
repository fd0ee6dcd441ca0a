#include "core/item_id.h"

#include "core/country.h"
#include "core/mail_class.h"
#include "fmt/format.h"

namespace pochta::core {
namespace {

// Key layout, most significant first, so integer order is text order:
// indicator letters (5 + 5 bits), serial (27), check digit (4), country letters (5 + 5).
constexpr int kCountry2Shift = 0;
constexpr int kCountry1Shift = 5;
constexpr int kCheckShift = 10;
constexpr int kSerialShift = 14;
constexpr int kIndicator2Shift = 41;
constexpr int kIndicator1Shift = 46;
constexpr uint64_t kLetterMask = 0x1f;
constexpr uint64_t kSerialMask = (uint64_t{1} << 27) - 1;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

uint64_t PackParts(char i1, char i2, uint32_t serial, int check, char c1, char c2) {
  return (uint64_t(i1 - 'A') << kIndicator1Shift) | (uint64_t(i2 - 'A') << kIndicator2Shift) |
         (uint64_t(serial) << kSerialShift) | (uint64_t(check) << kCheckShift) |
         (uint64_t(c1 - 'A') << kCountry1Shift) | (uint64_t(c2 - 'A') << kCountry2Shift);
}

char Letter(uint64_t key, int shift) { return char('A' + ((key >> shift) & kLetterMask)); }

}  // namespace

std::string_view Describe(ItemIdError error) {
  switch (error) {
    case ItemIdError::kNone: return "valid";
    case ItemIdError::kLength: return "an S10 identifier has exactly 13 characters";
    case ItemIdError::kServiceIndicator:
      return "service indicator (characters 1-2) is not two capital letters of a range allocated by UPU S10";
    case ItemIdError::kSerial: return "serial number (characters 3-10) is not eight digits";
    case ItemIdError::kCheckDigit: return "check digit (character 11) does not match the serial number";
    case ItemIdError::kCountry: return "country (characters 12-13) is not an ISO 3166-1 alpha-2 code";
  }
  return "?";
}

int ItemId::CheckDigit(uint32_t serial) {
  static constexpr int kWeights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (int i = 7; i >= 0; --i) {
    sum += int(serial % 10) * kWeights[i];
    serial /= 10;
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 0;
  if (check == 11) return 5;
  return check;
}

std::optional<ItemId> ItemId::TryParse(std::string_view text, ItemIdError* why) {
  const auto fail = [why](ItemIdError error) -> std::optional<ItemId> {
    if (why != nullptr) *why = error;
    return std::nullopt;
  };
  if (text.size() != kTextLength) return fail(ItemIdError::kLength);
  if (!LookupServiceIndicator(text.substr(0, 2))) return fail(ItemIdError::kServiceIndicator);
  uint32_t serial = 0;
  for (size_t i = 2; i < 10; ++i) {
    if (!IsDigit(text[i])) return fail(ItemIdError::kSerial);
    serial = serial * 10 + uint32_t(text[i] - '0');
  }
  const int check = CheckDigit(serial);
  if (!IsDigit(text[10]) || text[10] - '0' != check) return fail(ItemIdError::kCheckDigit);
  if (!IsIsoCountryCode(text.substr(11, 2))) return fail(ItemIdError::kCountry);
  if (why != nullptr) *why = ItemIdError::kNone;
  return ItemId(PackParts(text[0], text[1], serial, check, text[11], text[12]));
}

absl::StatusOr<ItemId> ItemId::Parse(std::string_view text) {
  ItemIdError why = ItemIdError::kNone;
  const std::optional<ItemId> id = TryParse(text, &why);
  if (!id) return absl::InvalidArgumentError(fmt::format("item id \"{}\": {}", text, Describe(why)));
  return *id;
}

absl::StatusOr<ItemId> ItemId::Make(std::string_view service_indicator, uint32_t serial, std::string_view country) {
  if (!LookupServiceIndicator(service_indicator)) {
    return absl::InvalidArgumentError(
        fmt::format("service indicator \"{}\" is not allocated by UPU S10", service_indicator));
  }
  if (serial > kMaxSerial) {
    return absl::InvalidArgumentError(fmt::format("serial {} has more than eight digits", serial));
  }
  if (!IsIsoCountryCode(country)) {
    return absl::InvalidArgumentError(fmt::format("country \"{}\" is not an ISO 3166-1 alpha-2 code", country));
  }
  return ItemId(
      PackParts(service_indicator[0], service_indicator[1], serial, CheckDigit(serial), country[0], country[1]));
}

std::optional<ItemId> ItemId::Unpack(uint64_t key) {
  if (key >> (kIndicator1Shift + 5) != 0) return std::nullopt;
  for (int shift : {kIndicator1Shift, kIndicator2Shift, kCountry1Shift, kCountry2Shift}) {
    if (((key >> shift) & kLetterMask) >= 26) return std::nullopt;
  }
  const uint32_t serial = uint32_t((key >> kSerialShift) & kSerialMask);
  if (serial > kMaxSerial) return std::nullopt;
  if (int((key >> kCheckShift) & 0xf) != CheckDigit(serial)) return std::nullopt;
  const char indicator[2] = {Letter(key, kIndicator1Shift), Letter(key, kIndicator2Shift)};
  const char country[2] = {Letter(key, kCountry1Shift), Letter(key, kCountry2Shift)};
  if (!LookupServiceIndicator({indicator, 2}) || !IsIsoCountryCode({country, 2})) return std::nullopt;
  return ItemId(key);
}

std::array<char, 2> ItemId::service_indicator() const {
  return {Letter(key_, kIndicator1Shift), Letter(key_, kIndicator2Shift)};
}

uint32_t ItemId::serial() const { return uint32_t((key_ >> kSerialShift) & kSerialMask); }

int ItemId::check_digit() const { return int((key_ >> kCheckShift) & 0xf); }

std::array<char, 2> ItemId::country() const { return {Letter(key_, kCountry1Shift), Letter(key_, kCountry2Shift)}; }

bool ItemId::HasCountry(std::string_view country_code) const {
  const auto c = country();
  return country_code.size() == 2 && country_code[0] == c[0] && country_code[1] == c[1];
}

void ItemId::Format(char* out) const {
  out[0] = Letter(key_, kIndicator1Shift);
  out[1] = Letter(key_, kIndicator2Shift);
  uint32_t serial_left = serial();
  for (int i = 9; i >= 2; --i) {
    out[i] = char('0' + serial_left % 10);
    serial_left /= 10;
  }
  out[10] = char('0' + check_digit());
  out[11] = Letter(key_, kCountry1Shift);
  out[12] = Letter(key_, kCountry2Shift);
}

std::string ItemId::ToString() const {
  std::string text(kTextLength, ' ');
  Format(text.data());
  return text;
}

absl::StatusOr<ItemIdSequence> ItemIdSequence::Create(std::string_view service_indicator, std::string_view country,
                                                      uint32_t first_serial) {
  absl::StatusOr<ItemId> first = ItemId::Make(service_indicator, first_serial, country);
  if (!first.ok()) return first.status();
  return ItemIdSequence(*first);
}

ItemId ItemIdSequence::Next() {
  const ItemId current = next_;
  const uint32_t serial = current.serial() == ItemId::kMaxSerial ? 0 : current.serial() + 1;
  const auto indicator = current.service_indicator();
  const auto country = current.country();
  next_ = ItemId(PackParts(indicator[0], indicator[1], serial, ItemId::CheckDigit(serial), country[0], country[1]));
  return current;
}

}  // namespace pochta::core
