// The golden store: a store written by pochta with format version 1, kept
// in storage/testdata/golden-v1, must read back as golden-v1.jsonl (its
// dump) in every later build. It was made with
//
//   build/release/storage/pochta_golden_writer /tmp/golden-v1
//   rm /tmp/golden-v1/LOG && cp -r /tmp/golden-v1 storage/testdata/
//   build/release/pochta store dump /tmp/golden-v1 > storage/testdata/golden-v1.jsonl
//
// and is never regenerated: a format change adds golden-v2 beside it.
#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "gtest/gtest.h"
#include "storage/testing/golden_records.h"
#include "storage/tracking_store.h"

namespace pochta::storage {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> DumpOf(const TrackingStore& store) {
  std::vector<std::string> lines;
  const absl::Status s = store.Dump([&](std::string_view line) { lines.emplace_back(line); });
  EXPECT_TRUE(s.ok()) << s;
  return lines;
}

class GoldenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pochta_golden_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    absl::StatusOr<std::string> text = core::ReadFile(POCHTA_TESTDATA_DIR "/golden-v1.jsonl", "golden dump");
    ASSERT_TRUE(text.ok()) << text.status();
    expected_ = Lines(*text);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::vector<std::string> expected_;
};

TEST_F(GoldenStoreTest, AStoreOfFormatOneReadsBackIdentically) {
  // Opening writes to the directory (a new manifest, the log replayed), so a copy.
  const std::string store_dir = dir_ + "/golden-v1";
  std::filesystem::copy(POCHTA_TESTDATA_DIR "/golden-v1", store_dir, std::filesystem::copy_options::recursive);
  StoreOptions options;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(store_dir, options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(DumpOf(**store), expected_);
  const absl::StatusOr<VerifyReport> report = (*store)->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->problems, std::vector<std::string>{});
  EXPECT_EQ(report->items, 5u);

  // The typed reads agree with the dump.
  const ItemState delivered = *(*store)->GetState(testing::TestItemId(1));
  EXPECT_EQ(delivered.status, core::ItemStatus::kDelivered);
  EXPECT_EQ((*store)->ListEvents(testing::TestItemId(1))->size(), 16u);
  EXPECT_EQ((*store)->GetState(testing::TestItemId(2))->status, core::ItemStatus::kReturned);
  EXPECT_EQ((*store)->GetState(testing::TestItemId(3, "LV"))->status, core::ItemStatus::kException);
  EXPECT_EQ((*store)->GetState(testing::TestItemId(4, "VU"))->status, core::ItemStatus::kDeliveryFailed);
}

TEST_F(GoldenStoreTest, ItReadsBackIdenticallyOpenedForReadingOnly) {
  StoreOptions options;
  options.read_only = true;  // writes nothing: the committed directory itself
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(POCHTA_TESTDATA_DIR "/golden-v1", options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(DumpOf(**store), expected_);
}

TEST_F(GoldenStoreTest, ThisBuildStillWritesTheGoldenRecordsTheSameWay) {
  core::ManualClock clock(testing::kGoldenWrittenAt);
  const testing::GoldenPredictor predictor;
  StoreOptions options;
  options.durability = Durability::kBuffered;
  options.clock = &clock;
  options.route_predictor = &predictor;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(dir_ + "/new", options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(testing::WriteGoldenRecords(**store, clock).ok());
  EXPECT_EQ(DumpOf(**store), expected_);
}

}  // namespace
}  // namespace pochta::storage
