// Test helper for crash_test: writes crash batches into a store without end
// and prints "items N" / "events N" once the store acknowledged batch N.
// With "small-memtables" its memtables are tiny, so that flushes and
// compactions run all the time, and after each acknowledgement it prints
// "compacting N" while a compaction is running.
//
//   pochta_crash_writer DIR DURABILITY FIRST_BATCH [small-memtables]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/testing/crash_batches.h"

int main(int argc, char** argv) {
  using namespace pochta::storage;
  const bool small = argc == 5 && std::string(argv[4]) == "small-memtables";
  if (argc != 4 && !small) {
    std::fprintf(stderr, "usage: %s DIR DURABILITY FIRST_BATCH [small-memtables]\n", argv[0]);
    return 2;
  }
  StoreOptions options;
  options.durability = *ParseDurability(argv[2]);
  options.group_commit_delay = std::chrono::microseconds(500);
  if (small) options.write_buffer_bytes = 256u << 10;  // 64 KiB per family, RocksDB's least
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(argv[1], options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  const auto acknowledge = [&](const char* kind, uint64_t batch) {
    std::printf("%s %llu\n", kind, static_cast<unsigned long long>(batch));
    if (small && (*store)->Metrics().running_compactions > 0) {
      std::printf("compacting %llu\n", static_cast<unsigned long long>(batch));
    }
    std::fflush(stdout);
  };
  for (uint64_t batch = std::strtoull(argv[3], nullptr, 10);; ++batch) {
    if (!(*store)->PutItems(testing::CrashItems(batch)).ok()) return 1;
    acknowledge("items", batch);
    if (!(*store)->AppendEvents(testing::CrashEvents(batch)).ok()) return 1;
    acknowledge("events", batch);
  }
}
