// The golden stores: a store written by pochta with each format version,
// kept in storage/testdata/golden-vN, must read back as golden-vN.jsonl (its
// dump) in every later build. Each was made with
//
//   build/release/storage/pochta_golden_writer /tmp/golden-vN
//   rm /tmp/golden-vN/LOG && cp -r /tmp/golden-vN storage/testdata/
//   build/release/pochta store dump /tmp/golden-vN > storage/testdata/golden-vN.jsonl
//
// and is never regenerated: a format change adds the next one beside them.
// Format 2 added the feed.
#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "fmt/format.h"
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

std::vector<std::string> GoldenDump(int version) {
  absl::StatusOr<std::string> text =
      core::ReadFile(fmt::format("{}/golden-v{}.jsonl", POCHTA_TESTDATA_DIR, version), "golden dump");
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? Lines(*text) : std::vector<std::string>{};
}

class GoldenStoreTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "pochta_golden_XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    expected_ = GoldenDump(GetParam());
    ASSERT_FALSE(expected_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string golden() const { return fmt::format("{}/golden-v{}", POCHTA_TESTDATA_DIR, GetParam()); }

  std::string dir_;
  std::vector<std::string> expected_;
};

TEST_P(GoldenStoreTest, ItReadsBackIdenticallyAndIsStampedWithThisFormat) {
  // Opening writes to the directory (a new manifest, the log replayed), so a copy.
  const std::string store_dir = dir_ + "/golden";
  std::filesystem::copy(golden(), store_dir, std::filesystem::copy_options::recursive);
  StoreOptions options;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(store_dir, options);
  ASSERT_TRUE(store.ok()) << store.status();
  // Opened for writing, the store takes this build's format; nothing else changes.
  std::vector<std::string> expected = expected_;
  const std::string stamp = R"("name":"pochta.schema","value":")";
  ASSERT_NE(expected[0].find(stamp), std::string::npos);
  expected[0].replace(expected[0].find(stamp) + stamp.size(), 1, "2");
  EXPECT_EQ(DumpOf(**store), expected);
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

  // Version 1 had no feed: it starts empty, with the next event stored.
  const FeedBounds feed = (*store)->Feed();
  EXPECT_EQ(feed.newest, GetParam() == 1 ? 0u : 25u);  // the events written after the bulk load
  ASSERT_TRUE((*store)->AppendEvents({{testing::Reported(testing::TestItemId(9), {core::EventCode::kEMD,
                                                                                  testing::kEpoch2025, "UZTASA"})}})
                  .ok());
  EXPECT_EQ((*store)->ReadFeed(feed.newest, 10)->size(), 1u);
}

TEST_P(GoldenStoreTest, ItReadsBackIdenticallyOpenedForReadingOnly) {
  StoreOptions options;
  options.read_only = true;  // writes nothing: the committed directory itself
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(golden(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(DumpOf(**store), expected_);
  EXPECT_EQ((*store)->Feed().newest, GetParam() == 1 ? 0u : 25u);
}

INSTANTIATE_TEST_SUITE_P(Formats, GoldenStoreTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& info) { return fmt::format("v{}", info.param); });

TEST(GoldenWriteTest, ThisBuildStillWritesTheGoldenRecordsOfTheNewestFormat) {
  std::string dir = ::testing::TempDir() + "pochta_golden_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  core::ManualClock clock(testing::kGoldenWrittenAt);
  const testing::GoldenPredictor predictor;
  StoreOptions options;
  options.durability = Durability::kBuffered;
  options.clock = &clock;
  options.route_predictor = &predictor;
  absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(dir + "/new", options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(testing::WriteGoldenRecords(**store, clock).ok());
  EXPECT_EQ(DumpOf(**store), GoldenDump(2));
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pochta::storage
