// The postal operators pochta deals with and their offices of exchange.
//
// Uzbekiston Pochtasi (UZ) is the destination operator; China Post (CN),
// Latvijas Pasts (LV) and Vanuatu Post (VU) are the designated operators that
// send it e-commerce mail. Offices of exchange carry their UPU IMPC code:
// country (2) + IATA location (3) + qualifier (1), e.g. CNSHAA.
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

struct OfficeOfExchange {
  std::string_view impc;  // 6-character IMPC code
  Operator op;
  std::string_view city;
  bool inward;  // receives international mail (Tashkent); the others dispatch to it
};

std::span<const OperatorInfo> AllOperators();
const OperatorInfo& Info(Operator op);
std::string_view Code(Operator op);  // "UZ", "CN", "LV", "VU"
std::optional<Operator> ParseOperator(std::string_view country_code);

// Designated operators sending to Uzbekistan: CN, LV, VU.
std::span<const Operator> SendingOperators();

std::span<const OfficeOfExchange> AllOfficesOfExchange();
std::optional<OfficeOfExchange> FindOfficeOfExchange(std::string_view impc);

// True when `code` has the shape of an IMPC code: an ISO country, three
// capital letters and a capital letter or digit. It need not be in the table.
bool IsImpcCode(std::string_view code);

}  // namespace pochta::core
