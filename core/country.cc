#include "core/country.h"

#include <array>
#include <cstdint>

namespace pochta::core {
namespace {

// Officially assigned ISO 3166-1 alpha-2 codes (249 entries).
constexpr std::string_view kAssigned =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

// One bit per (first, second) letter pair: 26 rows of 26 bits.
constexpr std::array<uint32_t, 26> BuildTable() {
  std::array<uint32_t, 26> rows{};
  for (size_t i = 0; i + 1 < kAssigned.size(); i += 3) {
    rows[kAssigned[i] - 'A'] |= uint32_t{1} << (kAssigned[i + 1] - 'A');
  }
  return rows;
}

constexpr std::array<uint32_t, 26> kTable = BuildTable();

}  // namespace

bool IsIsoCountryCode(std::string_view code) {
  if (code.size() != 2) return false;
  const char a = code[0];
  const char b = code[1];
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return false;
  return (kTable[a - 'A'] >> (b - 'A')) & 1u;
}

}  // namespace pochta::core
