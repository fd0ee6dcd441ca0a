// Writes the golden store: pochta_golden_writer DIR (DIR must not exist).
// Run once per format version; the store and its dump are committed under
// storage/testdata (see golden_store_test.cc for the commands).
#include <cstdio>
#include <filesystem>

#include "storage/testing/golden_records.h"

int main(int argc, char** argv) {
  using namespace pochta::storage;
  if (argc != 2 || std::filesystem::exists(argv[1])) {
    std::fprintf(stderr, "usage: %s NEW_DIR\n", argv[0]);
    return 2;
  }
  pochta::core::ManualClock clock(testing::kGoldenWrittenAt);
  const testing::GoldenPredictor predictor;
  StoreOptions options;
  options.durability = Durability::kSync;
  options.clock = &clock;
  options.route_predictor = &predictor;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(argv[1], options);
  absl::Status s = store.ok() ? testing::WriteGoldenRecords(**store, clock) : store.status();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
