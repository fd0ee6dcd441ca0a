// Character-class tests for the codes pochta parses (postcodes, S8/S9
// numbers, HS codes, office codes). ASCII only, whatever the locale.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <string_view>

namespace pochta::core {

// One or more of 0-9.
constexpr bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One or more of A-Z and 0-9.
constexpr bool IsUpperAlnum(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

}  // namespace pochta::core
