#include "core/operators.h"

#include <array>

#include "core/country.h"

namespace pochta::core {
namespace {

constexpr std::array<OperatorInfo, 4> kOperators = {{
    {Operator::kUZ, "UZ", "Uzbekiston Pochtasi", true},
    {Operator::kCN, "CN", "China Post", false},
    {Operator::kLV, "LV", "Latvijas Pasts", false},
    {Operator::kVU, "VU", "Vanuatu Post", false},
}};

constexpr std::array<Operator, 3> kSending = {Operator::kCN, Operator::kLV, Operator::kVU};

}  // namespace

std::span<const OperatorInfo> AllOperators() { return kOperators; }

const OperatorInfo& Info(Operator op) { return kOperators[static_cast<size_t>(op)]; }

std::string_view Code(Operator op) { return Info(op).country; }

std::optional<Operator> ParseOperator(std::string_view country_code) {
  for (const OperatorInfo& info : kOperators) {
    if (info.country == country_code) return info.op;
  }
  return std::nullopt;
}

std::span<const Operator> SendingOperators() { return kSending; }

bool IsImpcCode(std::string_view code) {
  if (code.size() != 6 || !IsIsoCountryCode(code.substr(0, 2))) return false;
  for (size_t i = 2; i < 5; ++i) {
    if (code[i] < 'A' || code[i] > 'Z') return false;
  }
  const char qualifier = code[5];
  return (qualifier >= 'A' && qualifier <= 'Z') || (qualifier >= '0' && qualifier <= '9');
}

}  // namespace pochta::core
