// StrongId: a 32-bit index that only compares with ids of the same kind, so a
// FacilityId can never be passed where a LinkId is expected.
//
// Thread-safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace pochta::core {

template <typename Tag>
class StrongId {
 public:
  static constexpr uint32_t kInvalidValue = std::numeric_limits<uint32_t>::max();

  constexpr StrongId() = default;
  constexpr explicit StrongId(uint32_t value) : value_(value) {}

  constexpr uint32_t value() const { return value_; }
  constexpr bool valid() const { return value_ != kInvalidValue; }

  friend constexpr auto operator<=>(StrongId, StrongId) = default;

 private:
  uint32_t value_ = kInvalidValue;
};

}  // namespace pochta::core

template <typename Tag>
struct std::hash<pochta::core::StrongId<Tag>> {
  size_t operator()(pochta::core::StrongId<Tag> id) const noexcept { return std::hash<uint32_t>()(id.value()); }
};
