// FNV-1a, 64 bits: a stable hash of bytes for what must not change between
// runs or builds (random stream names, page tokens). Not for hash tables
// facing untrusted input, nor for anything secret.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace pochta::core {

inline constexpr uint64_t kFnv1aOffset = 1469598103934665603ull;

// REQUIRES: `h` is kFnv1aOffset or the result of an earlier call, to hash
// several pieces as one.
constexpr uint64_t Fnv1a(std::string_view bytes, uint64_t h = kFnv1aOffset) {
  for (char c : bytes) h = (h ^ uint8_t(c)) * 1099511628211ull;
  return h;
}

}  // namespace pochta::core
