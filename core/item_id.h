// ItemId: a UPU S10 item identifier such as RR473124829CN, and ItemIdSequence,
// which issues valid identifiers for the simulator.
//
// An ItemId is always valid: the only ways to get one are parsing, Make() and
// Unpack(), which all check every field. It is stored as its 64-bit key, so
// copying and comparing are free and ordering is the order of the text.
//
// Thread-safety: value types; const methods may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pochta::core {

// Why text is not an S10 identifier. The checks run left to right, so the
// reason names the first field that is wrong.
enum class ItemIdError : uint8_t {
  kNone = 0,
  kLength,            // not exactly 13 characters
  kServiceIndicator,  // characters 1-2: not capital letters, or a range S10 leaves unassigned
  kSerial,            // characters 3-10: not eight digits
  kCheckDigit,        // character 11: not a digit, or not the check digit of the serial
  kCountry,           // characters 12-13: not an ISO 3166-1 alpha-2 code
};

// A short English phrase for the reason, e.g. "check digit does not match the serial".
std::string_view Describe(ItemIdError error);

class ItemId {
 public:
  static constexpr size_t kTextLength = 13;
  static constexpr uint32_t kMaxSerial = 99'999'999;

  // Parses `text` without allocating. On failure returns nothing and, when
  // `why` is given, stores the reason there.
  static std::optional<ItemId> TryParse(std::string_view text, ItemIdError* why = nullptr);

  // As above, with an InvalidArgument status naming the text and the reason.
  static absl::StatusOr<ItemId> Parse(std::string_view text);

  // The identifier with this service indicator, serial and issuing country;
  // the check digit is computed. InvalidArgument if a part is not valid.
  static absl::StatusOr<ItemId> Make(std::string_view service_indicator, uint32_t serial, std::string_view country);

  // The S10 check digit of an 8-digit serial: weights 8,6,4,2,3,5,9,7;
  // 11 - (sum mod 11), with 10 -> 0 and 11 -> 5. REQUIRES: serial <= kMaxSerial.
  static int CheckDigit(uint32_t serial);

  // The 64-bit storage key. Its value, and so its big-endian bytes, sort in
  // the same order as the 13-character text.
  uint64_t Pack() const { return key_; }
  // The identifier a key was packed from; nothing for a key Pack() never returns.
  static std::optional<ItemId> Unpack(uint64_t key);

  std::array<char, 2> service_indicator() const;
  uint32_t serial() const;
  int check_digit() const;
  std::array<char, 2> country() const;
  bool HasCountry(std::string_view country) const;

  // Writes the 13 characters of the text form into `out` (no terminator).
  void Format(char* out) const;
  std::string ToString() const;

  friend auto operator<=>(ItemId, ItemId) = default;

 private:
  friend class ItemIdSequence;
  explicit ItemId(uint64_t key) : key_(key) {}
  uint64_t key_ = 0;
};

// Issues consecutive valid identifiers for one service indicator and issuing
// country, as a designated operator allocates them from a serial range.
// Serials wrap from 99,999,999 back to 0. Not thread-safe.
class ItemIdSequence {
 public:
  // InvalidArgument if the indicator or country is not valid or first_serial
  // is above ItemId::kMaxSerial.
  static absl::StatusOr<ItemIdSequence> Create(std::string_view service_indicator, std::string_view country,
                                               uint32_t first_serial);
  ItemId Next();

 private:
  ItemIdSequence(ItemId first) : next_(first) {}
  ItemId next_;
};

}  // namespace pochta::core
