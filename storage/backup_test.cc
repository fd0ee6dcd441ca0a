#include "storage/backup.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "storage/testing/histories.h"
#include "storage/tracking_store.h"

namespace pochta::storage {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pochta_backup_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    StoreOptions options;
    options.durability = Durability::kSync;
    store_ = *TrackingStore::Open(dir_ + "/db", options);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Write(uint32_t first, uint32_t items) {
    std::vector<ReportedEvent> events;
    for (uint32_t i = first; i < first + items; ++i) {
      for (const core::TrackingEvent& e : testing::TestHistory(testing::kEpoch2025 + std::chrono::hours(i))) {
        events.push_back(testing::Reported(testing::TestItemId(i), e));
      }
    }
    ASSERT_TRUE(store_->AppendEvents(events).ok());
  }

  std::string dir_;
  std::unique_ptr<TrackingStore> store_;
};

TEST_F(BackupTest, EachBackupRestoresTheStoreAsItWasAndCopiesOnlyWhatIsNew) {
  Write(0, 100);
  const absl::StatusOr<BackupInfo> first = store_->Backup(dir_ + "/backups");
  ASSERT_TRUE(first.ok()) << first.status();
  Write(100, 100);
  const absl::StatusOr<BackupInfo> second = store_->Backup(dir_ + "/backups");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->id, 1u);
  EXPECT_EQ(second->id, 2u);
  EXPECT_EQ(first->new_bytes, first->bytes);
  EXPECT_LT(second->new_bytes, second->bytes) << "the first backup's table files are shared";

  for (const auto& [id, items] : {std::pair<uint32_t, uint64_t>{1, 100}, {2, 200}}) {
    const std::string db = dir_ + "/restored" + std::to_string(id);
    ASSERT_TRUE(RestoreBackup(dir_ + "/backups", db, id).ok());
    StoreOptions read;
    read.read_only = true;
    const std::unique_ptr<TrackingStore> restored = *TrackingStore::Open(db, read);
    const absl::StatusOr<VerifyReport> report = restored->Verify();
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->problem_count, 0u);
    EXPECT_EQ(report->items, items);
  }
  const absl::StatusOr<std::vector<BackupInfo>> listed = ListBackups(dir_ + "/backups");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  ASSERT_TRUE(store_->Backup(dir_ + "/backups", /*keep=*/1).ok());
  EXPECT_EQ(ListBackups(dir_ + "/backups")->size(), 1u);
}

TEST_F(BackupTest, ARestoreThatCannotCompleteLeavesNothing) {
  Write(0, 50);
  ASSERT_TRUE(store_->Backup(dir_ + "/backups").ok());
  // Over an existing directory: refused.
  EXPECT_EQ(RestoreBackup(dir_ + "/backups", dir_ + "/db").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(RestoreBackup(dir_ + "/none", dir_ + "/restored").code(), absl::StatusCode::kNotFound);
  // A table file of the backup damaged: refused, and nothing at the target.
  bool damaged = false;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir_ + "/backups")) {
    if (e.path().extension() == ".sst" && !damaged) {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(100);
      f.put('\x5a');
      damaged = true;
    }
  }
  ASSERT_TRUE(damaged);
  const absl::Status s = RestoreBackup(dir_ + "/backups", dir_ + "/restored");
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(dir_ + "/restored"));
  EXPECT_FALSE(fs::exists(dir_ + "/restored.restoring"));
}

}  // namespace
}  // namespace pochta::storage
