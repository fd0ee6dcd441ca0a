// Shared by the tests: small network files and readable names for
// parameterised cases.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace pochta::core::testing_networks {

// Two regions. From UZTASA, region 15 is faster via SC-A (100 + 150) than
// direct (300). Line numbers matter to the tests: the file starts with
// "network 1" on line 1.
inline constexpr const char* kSmall = R"(network 1
exchange UZTASA Tashkent office of exchange
sorting SC-A Alpha sorting centre
sorting SC-B Beta sorting centre
region 14 SC-A Alpha
region 15 SC-B Beta
district 1401 Alpha city
office 140100 Alpha head office
office 140101 Alpha branch 1
office 140102 Alpha branch 2
district 1501 Beta city
office 150100 Beta head office
office 150101 Beta branch 1
link UZTASA SC-A truck 100
link UZTASA SC-B truck 300
link SC-A SC-B truck 150
link SC-A 140100 truck 10
link 140100 140101 van 5
link 140100 140102 van 7
link SC-B 150100 truck 20
link 150100 150101 van 9
)";

}  // namespace pochta::core::testing_networks

namespace pochta::testing_names {

// "3_RA123456785GB" for case 3 of a suite whose input is that text: the index
// keeps names unique, the text says which case failed.
inline std::string CaseName(size_t index, std::string_view text) {
  std::string name = std::to_string(index) + "_";
  for (char c : text) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

}  // namespace pochta::testing_names
