// Fuzzes the S10 parser: a parse either fails with a reason, or gives an id
// whose text is the input and whose 64-bit key unpacks to itself.
#include <cstdlib>
#include <string>

#include "core/item_id.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  pochta::core::ItemIdError why = pochta::core::ItemIdError::kNone;
  const std::optional<pochta::core::ItemId> id = pochta::core::ItemId::TryParse(text, &why);
  if (id.has_value() != pochta::core::ItemId::Parse(text).ok()) std::abort();
  if (!id) {
    if (why == pochta::core::ItemIdError::kNone) std::abort();
    return 0;
  }
  if (id->ToString() != text) std::abort();
  if (pochta::core::ItemId::Unpack(id->Pack()) != id) std::abort();
  return 0;
}
