// Disk faults, on a small tmpfs of its own: a full disk gives a clear error
// and no corrupted state; a read-only directory gives a clear error on open.
// Needs to mount (root); skips, saying so, where it cannot.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "gtest/gtest.h"
#include "storage/testing/histories.h"
#include "storage/tracking_store.h"

namespace pochta::storage {
namespace {

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pochta_disk_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "); disk faults are not tested";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount(dir_.c_str());
    std::filesystem::remove_all(dir_);
  }
  void Remount(const char* options) { ASSERT_EQ(mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, options), 0); }

  static StoreOptions Sync() {
    StoreOptions options;
    options.durability = Durability::kSync;
    options.block_cache_bytes = 1 << 20;
    return options;
  }
  // 200 events of 50 items, distinct per batch.
  static std::vector<ReportedEvent> Batch(uint32_t b) {
    std::vector<ReportedEvent> events;
    for (uint32_t i = 0; i < 200; ++i) {
      events.push_back(testing::Reported(
          testing::TestItemId(b * 50 + i % 50),
          {core::EventCode(i % 9 + 10), testing::kEpoch2025 + std::chrono::minutes(b * 1000 + i), "UZTASA"}));
    }
    return events;
  }

  std::string dir_;
  bool mounted_ = false;
};

TEST_F(DiskFaultTest, AFullDiskGivesAClearErrorAndLosesNothingAcknowledged) {
  const std::string db = dir_ + "/db";
  uint32_t acknowledged = 0;
  absl::Status failure;
  {
    absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(db, Sync());
    ASSERT_TRUE(store.ok()) << store.status();
    for (uint32_t b = 0; b < 10000; ++b) {
      absl::StatusOr<std::vector<Outcome>> written = (*store)->AppendEvents(Batch(b));
      if (!written.ok()) {
        failure = written.status();
        break;
      }
      acknowledged = b + 1;
    }
  }
  ASSERT_FALSE(failure.ok()) << "4 MiB never filled up";
  EXPECT_GT(acknowledged, 0u);
  EXPECT_TRUE(absl::IsResourceExhausted(failure) || absl::IsInternal(failure)) << failure;
  EXPECT_NE(std::string(failure.message()).find("space"), std::string::npos) << failure;

  // With room again, the store opens, holds every acknowledged batch, and
  // every state matches its events.
  Remount("size=64m");
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(db, Sync());
  ASSERT_TRUE(store.ok()) << store.status();
  for (uint32_t b = 0; b < acknowledged; ++b) {
    const absl::StatusOr<std::vector<Outcome>> again = (*store)->AppendEvents(Batch(b));
    ASSERT_TRUE(again.ok()) << again.status();
    for (const Outcome& o : *again) ASSERT_EQ(o.outcome, WriteOutcome::kDuplicate) << "batch " << b;
  }
  const VerifyReport report = *(*store)->Verify();
  EXPECT_EQ(report.problem_count, 0u) << (report.problems.empty() ? "" : report.problems[0]);
}

TEST_F(DiskFaultTest, AReadOnlyDirectoryRefusesToOpenAndChangesNothing) {
  const std::string db = dir_ + "/db";
  {
    std::unique_ptr<TrackingStore> store = *TrackingStore::Open(db, Sync());
    ASSERT_TRUE(store->AppendEvents(Batch(0)).ok());
  }
  Remount("ro");
  const absl::StatusOr<std::unique_ptr<TrackingStore>> refused = TrackingStore::Open(db, Sync());
  ASSERT_FALSE(refused.ok());
  const std::string message(refused.status().message());
  EXPECT_NE(message.find("cannot open tracking store " + db), std::string::npos) << message;
  EXPECT_NE(message.find("Read-only file system"), std::string::npos) << message;

  Remount("rw");
  std::unique_ptr<TrackingStore> store = *TrackingStore::Open(db, Sync());
  EXPECT_EQ(store->Stats()->events, 200u);
  EXPECT_EQ(store->Verify()->problem_count, 0u);
}

}  // namespace
}  // namespace pochta::storage
