// What simulated items contain: the goods people order on AliExpress, Temu
// and Shein, each with its HS code, its share of items and how its value
// compares with the mean of the item's mail class. An assumption, stated in
// the README; the shares sum to 1 and the value factors average 1 over
// them, so the scenario's mean values per mail class hold. The goods are
// made in China, whichever operator carries them. The first line,
// documents, is what correspondence carries: never drawn for goods, no
// value and no HS code.
//
// Thread-safety: constant data.
#pragma once

#include <cstdint>
#include <string_view>

namespace pochta::sim::internal {

struct Contents {
  std::string_view description;
  std::string_view hs_code;  // Harmonized System, six digits
  double share;
  double value_factor;
};

inline constexpr Contents kContents[] = {
    {"documents", "", 0, 0},
    {"clothing", "610910", 0.30, 0.9},       {"phone accessories", "392690", 0.20, 0.6},
    {"household goods", "392410", 0.15, 0.8}, {"cosmetics", "330499", 0.10, 1.0},
    {"headphones", "851830", 0.10, 2.0},      {"toys", "950300", 0.10, 1.0},
    {"shoes", "640299", 0.05, 1.8},
};
inline constexpr uint8_t kDocuments = 0;

}  // namespace pochta::sim::internal
