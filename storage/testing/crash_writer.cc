// Test helper for crash_test: writes crash batches into a store without end
// and prints "items N" / "events N" once the store acknowledged batch N.
//
//   pochta_crash_writer DIR DURABILITY FIRST_BATCH
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/testing/crash_batches.h"

int main(int argc, char** argv) {
  using namespace pochta::storage;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR DURABILITY FIRST_BATCH\n", argv[0]);
    return 2;
  }
  StoreOptions options;
  options.durability = *ParseDurability(argv[2]);
  options.group_commit_delay = std::chrono::microseconds(500);
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(argv[1], options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  for (uint64_t batch = std::strtoull(argv[3], nullptr, 10);; ++batch) {
    if (!(*store)->PutItems(testing::CrashItems(batch)).ok()) return 1;
    std::printf("items %llu\n", static_cast<unsigned long long>(batch));
    std::fflush(stdout);
    if (!(*store)->AppendEvents(testing::CrashEvents(batch)).ok()) return 1;
    std::printf("events %llu\n", static_cast<unsigned long long>(batch));
    std::fflush(stdout);
  }
}
