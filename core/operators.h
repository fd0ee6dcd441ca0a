// The postal operators pochta deals with.
//
// Uzbekiston Pochtasi (UZ) is the destination operator; China Post (CN),
// Latvijas Pasts (LV) and Vanuatu Post (VU) are the designated operators that
// send it e-commerce mail. Their offices of exchange are data: see
// core/exchange_offices.h.
//
// Thread-safety: immutable static tables.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace pochta::core {

// The numbers are stored on disk (who reported an event): pinned, new
// operators appended (see core/tracking.h).
enum class Operator : uint8_t { kUZ = 0, kCN = 1, kLV = 2, kVU = 3 };
inline constexpr int kOperatorCount = 4;

struct OperatorInfo {
  Operator op;
  std::string_view country;  // ISO 3166-1 alpha-2; also the S10 country of its items
  std::string_view name;
  bool destination;  // true for Uzbekiston Pochtasi, false for designated operators sending to it
};

std::span<const OperatorInfo> AllOperators();
const OperatorInfo& Info(Operator op);
std::string_view Code(Operator op);  // "UZ", "CN", "LV", "VU"
std::optional<Operator> ParseOperator(std::string_view country_code);

// Designated operators sending to Uzbekistan: CN, LV, VU.
std::span<const Operator> SendingOperators();

// True when `code` has the shape of an IMPC code: an ISO country, three
// capital letters and a capital letter or digit. It need not be in the table.
bool IsImpcCode(std::string_view code);

}  // namespace pochta::core
