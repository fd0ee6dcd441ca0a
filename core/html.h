// Text for HTML: what the planners' reports (cli/) and the gateway's pages
// (services/) write into a page.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace pochta::core {

// `text` escaped for HTML element content and (quoted) attribute values:
// & < > " and '.
std::string EscapeHtml(std::string_view text);

}  // namespace pochta::core
