// The batches the crash writer writes: a pure function of the batch number,
// so the test can regenerate what was acknowledged.
#pragma once

#include "storage/testing/histories.h"

namespace pochta::storage::testing {

inline constexpr uint32_t kCrashItems = 400;
inline constexpr uint32_t kCrashBatchEvents = 100;

// 100 events over many of 400 items, codes and times spread so that items
// see their events out of order across batches.
inline std::vector<ReportedEvent> CrashEvents(uint64_t batch) {
  static const char* kOffices[] = {"CNSHAA", "UZTASA", "SC-SKD", "140105", "SC-NCU", "230105"};
  std::vector<ReportedEvent> events;
  for (uint32_t k = 0; k < kCrashBatchEvents; ++k) {
    const uint32_t item = uint32_t((batch * 37 + k * 11) % kCrashItems);
    const auto code = core::EventCode((batch * 7 + k * 3) % core::kEventCodeCount);
    const core::Timestamp time = kEpoch2025 + std::chrono::minutes((batch * 131 + k * 17) % 100000);
    events.push_back(Reported(TestItemId(item), {code, time, kOffices[(batch + k) % 6]}));
  }
  return events;
}

// Pre-advice for ten of the items; an item's pre-advice is always the same.
inline std::vector<core::Item> CrashItems(uint64_t batch) {
  std::vector<core::Item> items;
  for (uint32_t k = 0; k < 10; ++k) {
    const uint32_t item = uint32_t((batch * 13 + k * 41) % kCrashItems);
    items.push_back(TestPreAdvice(TestItemId(item), kEpoch2025 + std::chrono::hours(item % 48)));
  }
  return items;
}

}  // namespace pochta::storage::testing
