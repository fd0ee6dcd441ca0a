// Fuzzes the S8 and S9 parsers: what parses prints back as the input.
#include <cstdlib>
#include <string>

#include "core/dispatch_id.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<pochta::core::DispatchId> d = pochta::core::DispatchId::Parse(text); d.ok()) {
    if (d->ToString() != text) std::abort();
  }
  if (absl::StatusOr<pochta::core::ReceptacleId> r = pochta::core::ReceptacleId::Parse(text); r.ok()) {
    if (r->ToString() != text || r->dispatch().text() != text.substr(0, 20)) std::abort();
  }
  return 0;
}
