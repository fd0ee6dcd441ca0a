// ISO 3166-1 alpha-2 country codes, as S10 item ids and IMPC codes carry them.
#pragma once

#include <string_view>

namespace pochta::core {

// True when `code` is two capital letters officially assigned by ISO 3166-1.
bool IsIsoCountryCode(std::string_view code);

}  // namespace pochta::core
