#include "storage/tracking_store.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/routing.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/internal/codes.h"
#include "storage/internal/impl.h"
#include "storage/internal/keys.h"
#include "storage/network_route_predictor.h"
#include "storage/testing/histories.h"
#include "storage/testing/tamper.h"

namespace pochta::storage {
namespace {

using core::EventCode;
using core::ItemStatus;
using std::chrono::hours;
using testing::kEpoch2025;
using testing::Reported;
using testing::TestHistory;
using testing::TestItemId;
using testing::TestPreAdvice;

std::string NewDir() {
  std::string dir = ::testing::TempDir() + "pochta_store_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Tests run buffered unless they are about durability: fsyncs only slow them down.
  static StoreOptions Buffered() {
    StoreOptions options;
    options.durability = Durability::kBuffered;
    return options;
  }
  void Reopen(const StoreOptions& options = Buffered()) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(dir_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::vector<WriteOutcome> Append(const std::vector<ReportedEvent>& events) {
    absl::StatusOr<std::vector<Outcome>> outcomes = store_->AppendEvents(events);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    std::vector<WriteOutcome> result;
    for (const Outcome& o : *outcomes) result.push_back(o.outcome);
    return result;
  }
  std::vector<ReportedEvent> Events(core::ItemId id, const std::vector<core::TrackingEvent>& history) {
    std::vector<ReportedEvent> events;
    for (const core::TrackingEvent& e : history) events.push_back(Reported(id, e));
    return events;
  }
  std::vector<std::string> ListAll(WorkListQuery q) {
    std::vector<std::string> ids;
    do {
      absl::StatusOr<WorkListPage> page = store_->ListItems(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (core::ItemId id : page->items) ids.push_back(id.ToString());
      q.page_token = page->next_page_token;
    } while (!q.page_token.empty());
    return ids;
  }

  std::string dir_ = NewDir();
  std::unique_ptr<TrackingStore> store_;
};

TEST_F(StoreTest, PreAdviceRoundTripsAndStartsAsInfoReceived) {
  const core::Item item = TestPreAdvice(TestItemId(1), kEpoch2025);
  absl::StatusOr<std::vector<Outcome>> put = store_->PutItems({&item, 1});
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ((*put)[0].outcome, WriteOutcome::kAccepted);
  EXPECT_EQ(*store_->GetItem(item.id), item);
  const ItemState state = *store_->GetState(item.id);
  EXPECT_EQ(state.status, ItemStatus::kInfoReceived);
  EXPECT_TRUE(state.has_preadvice);
  EXPECT_EQ(state.destination_postcode, "140105");
  EXPECT_EQ(state.since, kEpoch2025);
  EXPECT_EQ(store_->GetItem(TestItemId(2)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetState(TestItemId(2)).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, PreAdviceIsIdempotentAndCorrectable) {
  core::Item item = TestPreAdvice(TestItemId(1), kEpoch2025);
  store_->PutItems({&item, 1}).IgnoreError();
  EXPECT_EQ((*store_->PutItems({&item, 1}))[0].outcome, WriteOutcome::kDuplicate);
  item.weight_grams = 900;
  item.recipient.postcode = "100000";
  EXPECT_EQ((*store_->PutItems({&item, 1}))[0].outcome, WriteOutcome::kUpdated);
  EXPECT_EQ(store_->GetItem(item.id)->weight_grams, 900u);
  EXPECT_EQ(store_->GetState(item.id)->destination_postcode, "100000");
  EXPECT_TRUE(store_->Verify()->problems.empty());
}

TEST_F(StoreTest, PreAdviceWithAMalformedDispatchIsRejectedAlone) {
  core::Item good = TestPreAdvice(TestItemId(1), kEpoch2025);
  core::Item bad = TestPreAdvice(TestItemId(2), kEpoch2025);
  bad.dispatch_id = "CNSHAAUZTASAAUN5004X";
  const std::vector<core::Item> items = {good, bad};
  const std::vector<Outcome> outcomes = *store_->PutItems(items);
  EXPECT_EQ(outcomes[0].outcome, WriteOutcome::kAccepted);
  EXPECT_EQ(outcomes[1].outcome, WriteOutcome::kRejected);
  EXPECT_NE(outcomes[1].reason.find("dispatch number"), std::string::npos) << outcomes[1].reason;
  EXPECT_EQ(store_->GetItem(bad.id).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, EventsAreStoredOnceAndReportedAsDuplicates) {
  const core::ItemId id = TestItemId(7);
  const std::vector<ReportedEvent> events = Events(id, TestHistory(kEpoch2025));
  EXPECT_EQ(Append(events), std::vector<WriteOutcome>(events.size(), WriteOutcome::kAccepted));
  EXPECT_EQ(Append(events), std::vector<WriteOutcome>(events.size(), WriteOutcome::kDuplicate));
  // A duplicate within one call, and one of an older event.
  EXPECT_EQ(Append({events[3], events[3]}),
            (std::vector<WriteOutcome>{WriteOutcome::kDuplicate, WriteOutcome::kDuplicate}));
  const std::vector<StoredEvent> history = *store_->ListEvents(id);
  ASSERT_EQ(history.size(), events.size());
  for (size_t i = 0; i < history.size(); ++i) EXPECT_EQ(history[i].event, events[i].event) << i;
  const ItemState state = *store_->GetState(id);
  EXPECT_EQ(state.status, ItemStatus::kDelivered);
  EXPECT_EQ(state.event_count, events.size());
  EXPECT_EQ(state.facility, "140105");
}

// Who reported an event is any operator of the operators file: the four of
// the first release keep their stored numbers, others are stored by country.
TEST_F(StoreTest, EveryOperatorIsStoredAsWhoReported) {
  const core::ItemId id = TestItemId(8, "LV");
  std::vector<ReportedEvent> events = {Reported(id, {EventCode::kEMC, kEpoch2025, "LVRIXA"}),
                                       Reported(id, {EventCode::kEMJ, kEpoch2025 + hours(5), "TRISTA"}),
                                       Reported(id, {EventCode::kEMD, kEpoch2025 + hours(30), "UZTASA"})};
  events[0].reported_by = core::Operator("LV");
  events[1].reported_by = core::Operator("TR");
  EXPECT_EQ(Append(events), std::vector<WriteOutcome>(events.size(), WriteOutcome::kAccepted));
  const std::vector<StoredEvent> history = *store_->ListEvents(id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].reported_by, core::Operator("LV"));
  EXPECT_EQ(history[1].reported_by, core::Operator("TR"));
  EXPECT_EQ(history[2].reported_by, core::kUzbekistanPost);
}

// A coded reason is stored with its event and in the item's state; it is
// not part of the event's identity, so a copy with another reason is a
// duplicate and the first stays.
TEST_F(StoreTest, ACodedReasonIsStoredWithItsEventAndInTheState) {
  const core::ItemId id = TestItemId(9);
  const ReportedEvent held = Reported(id, {EventCode::kEME, kEpoch2025, "UZTASA", core::NonDeliveryMeasure::kNone,
                                           core::EventReason::kInspection});
  EXPECT_EQ(Append({held}), std::vector<WriteOutcome>{WriteOutcome::kAccepted});
  ReportedEvent again = held;
  again.event.reason = core::EventReason::kDocuments;
  EXPECT_EQ(Append({again}), std::vector<WriteOutcome>{WriteOutcome::kDuplicate});
  const std::vector<StoredEvent> history = *store_->ListEvents(id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].event.reason, core::EventReason::kInspection);
  const ItemState state = *store_->GetState(id);
  ASSERT_TRUE(state.latest.has_value());
  EXPECT_EQ(state.latest->reason, core::EventReason::kInspection);
  EXPECT_EQ(state.status, ItemStatus::kAtCustoms);
}

TEST(StoredOperatorTest, TheFirstFourKeepTheirNumbersAndEveryCountryHasOne) {
  using internal::OperatorFromStored;
  using internal::StoredOperator;
  EXPECT_EQ(StoredOperator(core::kUzbekistanPost), 0u);
  EXPECT_EQ(StoredOperator(core::Operator("CN")), 1u);
  EXPECT_EQ(StoredOperator(core::Operator("LV")), 2u);
  EXPECT_EQ(StoredOperator(core::Operator("VU")), 3u);
  EXPECT_EQ(StoredOperator(core::Operator("TR")), internal::kOperatorBase + core::Operator("TR").index());
  std::set<uint32_t> numbers;
  for (uint32_t i = 0; i < uint32_t(core::kOperatorIndexCount); ++i) {
    const core::Operator op = *core::Operator::FromIndex(i);
    EXPECT_EQ(OperatorFromStored(StoredOperator(op)), op) << op.code();
    numbers.insert(StoredOperator(op));
  }
  EXPECT_EQ(numbers.size(), size_t(core::kOperatorIndexCount));
  for (uint32_t corrupt : {4u, 999u, internal::kOperatorBase + core::kOperatorIndexCount}) {
    EXPECT_FALSE(OperatorFromStored(corrupt).has_value()) << corrupt;
  }
}

TEST_F(StoreTest, DuplicatesWithinOneCallAreStoredOnce) {
  const core::ItemId id = TestItemId(8);
  const ReportedEvent e = Reported(id, {EventCode::kEMD, kEpoch2025, "UZTASA"});
  EXPECT_EQ(Append({e, e, e}),
            (std::vector<WriteOutcome>{WriteOutcome::kAccepted, WriteOutcome::kDuplicate, WriteOutcome::kDuplicate}));
  EXPECT_EQ(store_->GetState(id)->event_count, 1u);
}

TEST_F(StoreTest, ALateArrivalScanNeverUndoesDelivery) {
  const core::ItemId id = TestItemId(9);
  std::vector<core::TrackingEvent> history = TestHistory(kEpoch2025);
  const core::TrackingEvent emd = history[5];
  history.erase(history.begin() + 5);
  Append(Events(id, history));
  ASSERT_EQ(store_->GetState(id)->status, ItemStatus::kDelivered);
  EXPECT_EQ(Append(Events(id, {emd})), std::vector<WriteOutcome>{WriteOutcome::kAccepted});
  EXPECT_EQ(store_->GetState(id)->status, ItemStatus::kDelivered);
  EXPECT_EQ(store_->GetState(id)->latest->code, EventCode::kEMI);
}

TEST_F(StoreTest, BadOfficeIsRejectedAndTheRestStored) {
  const core::ItemId id = TestItemId(10);
  const std::vector<ReportedEvent> events = {Reported(id, {EventCode::kEMD, kEpoch2025, ""}),
                                             Reported(id, {EventCode::kEMF, kEpoch2025 + hours(1), "UZTASA"})};
  const std::vector<Outcome> outcomes = *store_->AppendEvents(events);
  EXPECT_EQ(outcomes[0].outcome, WriteOutcome::kRejected);
  EXPECT_NE(outcomes[0].reason.find("office"), std::string::npos);
  EXPECT_EQ(outcomes[1].outcome, WriteOutcome::kAccepted);
  EXPECT_EQ(store_->GetState(id)->event_count, 1u);
}

// The whole logical content of a store, for comparing two stores.
struct Snapshot {
  std::vector<std::string> states;
  std::vector<std::string> histories;
  std::vector<std::string> facility_lists;
  bool operator==(const Snapshot&) const = default;
};

TEST_F(StoreTest, AnyArrivalOrderGivesTheSameStore) {
  // 24 items: pre-advice and 14-20 events each, delivered or returned.
  std::vector<core::Item> items;
  std::vector<ReportedEvent> events;
  for (uint32_t i = 0; i < 24; ++i) {
    const core::ItemId id = TestItemId(100 + i);
    const core::Timestamp start = kEpoch2025 + hours(7 * i);
    items.push_back(TestPreAdvice(id, start - hours(2)));
    for (const core::TrackingEvent& e : TestHistory(start, int(i % 3), i % 5 == 0)) events.push_back(Reported(id, e));
  }
  const auto snapshot = [&](TrackingStore& store) {
    Snapshot s;
    for (const core::Item& item : items) {
      const ItemState state = *store.GetState(item.id);
      s.states.push_back(fmt::format("{} {} {} {} {} {}", item.id.ToString(), core::Name(state.status),
                                     state.event_count, state.facility, state.since.time_since_epoch().count(),
                                     state.posting_day));
      const std::vector<StoredEvent> history = *store.ListEvents(item.id);
      std::string h;
      std::vector<core::TrackingEvent> plain;
      for (const StoredEvent& e : history) {
        h += std::string(core::Name(e.event.code)) + " ";
        plain.push_back(e.event);
      }
      s.histories.push_back(h);
      // Cross-check with the pure derivation.
      EXPECT_EQ(core::DeriveState(plain).status, state.status);
    }
    for (const char* facility : {"140105", "UZTASA", "SC-SKD", ""}) {
      WorkListQuery q;
      q.facility = facility;
      q.page_size = 7;
      for (const std::string& id : ListAll(q)) s.facility_lists.push_back(std::string(facility) + ":" + id);
    }
    EXPECT_TRUE(store.Verify()->problems.empty());
    return s;
  };

  ASSERT_TRUE(store_->PutItems(items).ok());
  Append(events);
  const Snapshot in_order = snapshot(*store_);

  std::mt19937 rng(424242);
  for (int trial = 0; trial < 12; ++trial) {
    const std::string dir = NewDir();
    std::unique_ptr<TrackingStore> store = *TrackingStore::Open(dir, Buffered());
    // Shuffle, duplicate some, and deliver pre-advice and events in random
    // batches, pre-advice anywhere in the stream.
    std::vector<ReportedEvent> arrived = events;
    for (int d = 0; d < 40; ++d) arrived.push_back(events[rng() % events.size()]);
    std::shuffle(arrived.begin(), arrived.end(), rng);
    std::vector<core::Item> advice = items;
    std::shuffle(advice.begin(), advice.end(), rng);
    size_t a = 0;
    for (size_t e = 0; e < arrived.size();) {
      const size_t n = std::min(arrived.size() - e, size_t(1 + rng() % 60));
      ASSERT_TRUE(store->AppendEvents(std::span(arrived).subspan(e, n)).ok());
      e += n;
      const size_t m = std::min(advice.size() - a, size_t(rng() % 4));
      ASSERT_TRUE(store->PutItems(std::span(advice).subspan(a, m)).ok());
      a += m;
    }
    ASSERT_TRUE(store->PutItems(std::span(advice).subspan(a)).ok());
    EXPECT_EQ(snapshot(*store), in_order) << "trial " << trial;
    store.reset();
    std::filesystem::remove_all(dir);
  }
}

std::vector<std::string> DumpOf(const TrackingStore& store) {
  std::vector<std::string> lines;
  const absl::Status s = store.Dump([&](std::string_view line) { lines.emplace_back(line); });
  EXPECT_TRUE(s.ok()) << s;
  return lines;
}

// Random batches as a simulation or a careless client might write them: good
// records, duplicates, corrections, and records every write path must refuse.
BulkRecords RandomRecords(std::mt19937& rng) {
  const auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
  const auto dispatch_id = [](uint32_t n) { return fmt::format("CNSHAAUZTASAAUN5{:04d}", n + 1); };
  const auto receptacle_id = [&](uint32_t dispatch, uint32_t r) {
    return fmt::format("{}{:03d}{}0{:04d}", dispatch_id(dispatch), r + 1, r == 2 ? 1 : 0, 10 + r);
  };
  BulkRecords records;
  const uint32_t n_items = 20 + pick(30);
  for (uint32_t i = 0; i < n_items; ++i) {
    const core::ItemId id = TestItemId(1000 + pick(n_items), pick(4) == 0 ? "LV" : "CN");
    const core::Timestamp start = kEpoch2025 + hours(pick(500));
    if (pick(4) != 0) {
      core::Item item = TestPreAdvice(id, start - hours(2));
      switch (pick(6)) {
        case 0: break;  // no dispatch
        case 1: item.dispatch_id = dispatch_id(pick(3)); break;
        case 2: item.dispatch_id = "CNSHAAUZTASAAUN5000X"; break;  // malformed
        case 3:                                                    // a receptacle of another dispatch
          item.dispatch_id = dispatch_id(0);
          item.receptacle_id = receptacle_id(1, 0);
          break;
        default: {
          const uint32_t d = pick(3);
          item.dispatch_id = dispatch_id(d);
          item.receptacle_id = receptacle_id(d, pick(3));
        }
      }
      if (pick(5) == 0) item.weight_grams += 1;  // a correction, when the id repeats
      records.items.push_back(item);
      if (pick(6) == 0) records.items.push_back(item);  // an identical repeat
    }
    for (const core::TrackingEvent& e : TestHistory(start, int(pick(3)), pick(7) == 0)) {
      if (pick(3) == 0) continue;  // an incomplete history
      ReportedEvent r = Reported(id, e);
      if (pick(20) == 0)
        r.event.office = std::vector<std::string>{"", "uztasa", "UZTASA-SORTING-CENTRE", "UZ TAS"}[pick(4)];
      if (pick(3) == 0) r.received_at = e.time + hours(1 + pick(5));
      records.events.push_back(r);
      if (pick(10) == 0) {  // a duplicate, reported again later or with another reason, before or after it
        ReportedEvent again = r;
        if (pick(2) == 0) again.received_at = e.time + hours(pick(8));
        if (pick(2) == 0) again.reason = "reported twice";
        records.events.insert(pick(2) == 0 ? records.events.end() : records.events.end() - 1, again);
      }
    }
  }
  for (uint32_t d = 0; d < 4; ++d) {
    DispatchDeclaration dispatch{pick(5) == 0 ? "CNSHAAUZTASAAUN50001X" : dispatch_id(pick(3)), {}};
    for (uint32_t r = 0; r < 1 + pick(3); ++r) {
      DispatchDeclaration::Receptacle receptacle{receptacle_id(pick(6) == 0 ? 2 : 0, r), {}};
      if (pick(2) == 0) receptacle.receptacle_id.replace(0, 20, dispatch.dispatch_id.substr(0, 20));
      for (uint32_t k = 0; k < 1 + pick(4); ++k) receptacle.items.push_back(TestItemId(1000 + pick(n_items)));
      dispatch.receptacles.push_back(std::move(receptacle));
    }
    records.dispatches.push_back(std::move(dispatch));
  }
  return records;
}

TEST_F(StoreTest, BulkLoadGivesExactlyWhatOrdinaryWritesGive) {
  const core::ManualClock clock(kEpoch2025 + hours(24 * 40));
  StoreOptions options = Buffered();
  options.clock = &clock;
  std::mt19937 rng(20251121);
  uint64_t rejected = 0, duplicates = 0, updated = 0;
  for (int trial = 0; trial < 15; ++trial) {
    const BulkRecords records = RandomRecords(rng);
    const std::string ordinary_dir = NewDir(), bulk_dir = NewDir();
    std::unique_ptr<TrackingStore> ordinary = *TrackingStore::Open(ordinary_dir, options);
    std::unique_ptr<TrackingStore> bulk = *TrackingStore::Open(bulk_dir, options);

    BulkLoadReport expected;
    const auto count = [](BulkLoadReport::Counts& c, WriteOutcome o) {
      c.accepted += o == WriteOutcome::kAccepted;
      c.duplicates += o == WriteOutcome::kDuplicate;
      c.updated += o == WriteOutcome::kUpdated;
      c.rejected += o == WriteOutcome::kRejected;
    };
    const std::vector<Outcome> put = *ordinary->PutItems(records.items);
    for (const Outcome& o : put) count(expected.items, o.outcome);
    for (const DispatchDeclaration& d : records.dispatches) {
      count(expected.dispatches, ordinary->DeclareDispatch(d).ok() ? WriteOutcome::kAccepted : WriteOutcome::kRejected);
    }
    const std::vector<Outcome> appended = *ordinary->AppendEvents(records.events);
    for (const Outcome& o : appended) count(expected.events, o.outcome);

    BulkRecords to_load = records;
    const absl::StatusOr<BulkLoadReport> report = bulk->BulkLoad(to_load);
    ASSERT_TRUE(report.ok()) << report.status();
    // The same records, but for the feed: a bulk load is not in it.
    std::vector<std::string> ordinary_dump = DumpOf(*ordinary);
    const auto feed_lines = std::ranges::remove_if(
        ordinary_dump, [](const std::string& line) { return line.starts_with(R"({"family":"feed")"); });
    EXPECT_EQ(uint64_t(feed_lines.size()), expected.events.accepted) << "trial " << trial;
    ordinary_dump.erase(feed_lines.begin(), feed_lines.end());
    EXPECT_EQ(DumpOf(*bulk), ordinary_dump) << "trial " << trial;
    EXPECT_EQ(bulk->Feed().newest, 0u);
    EXPECT_EQ(bulk->Verify()->problem_count, 0u) << "trial " << trial;
    for (auto [got, want] :
         {std::pair{report->items, expected.items}, std::pair{report->dispatches, expected.dispatches},
          std::pair{report->events, expected.events}}) {
      EXPECT_EQ(got.accepted, want.accepted) << "trial " << trial;
      EXPECT_EQ(got.duplicates, want.duplicates) << "trial " << trial;
      EXPECT_EQ(got.updated, want.updated) << "trial " << trial;
      EXPECT_EQ(got.rejected, want.rejected) << "trial " << trial;
    }
    EXPECT_EQ(report->rejected_items.size(), report->items.rejected);
    EXPECT_EQ(report->rejected_events.size(), report->events.rejected);
    rejected += report->items.rejected + report->dispatches.rejected + report->events.rejected;
    duplicates += report->items.duplicates + report->events.duplicates;
    updated += report->items.updated;

    // Only into an empty store, and then the records are left as they were.
    BulkRecords again = records;
    EXPECT_EQ(bulk->BulkLoad(again).status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(again.events, records.events);
    ordinary.reset();
    bulk.reset();
    std::filesystem::remove_all(ordinary_dir);
    std::filesystem::remove_all(bulk_dir);
  }
  // The generator did produce what the rules are about.
  EXPECT_GT(rejected, 15u);
  EXPECT_GT(duplicates, 15u);
  EXPECT_GT(updated, 3u);
}

TEST_F(StoreTest, BulkLoadListsTheItemsOfADispatchByTheirPreAdvice) {
  BulkRecords records;
  for (uint32_t i = 0; i < 3; ++i) {
    core::Item item = TestPreAdvice(TestItemId(70 + i), kEpoch2025);
    item.dispatch_id = "CNSHAAUZTASAAUN50042";
    item.receptacle_id = fmt::format("CNSHAAUZTASAAUN50042{:03d}000150", i + 1);
    records.items.push_back(item);
  }
  ASSERT_TRUE(store_->BulkLoad(records).ok());
  WorkListQuery q;
  q.kind = WorkListQuery::Kind::kDispatch;
  q.dispatch_id = "CNSHAAUZTASAAUN50042";
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(70).ToString(), TestItemId(71).ToString(),
                                                  TestItemId(72).ToString()}));
}

// A receptacle missent on the way: its items are in the dispatch, and listed
// as unscanned until Tashkent scans them, whatever the origin reported.
TEST_F(StoreTest, ADispatchListsItsItemsNotYetScannedInUzbekistan) {
  const std::string dispatch = "CNSHAAUZTASAAUN50042";
  ASSERT_TRUE(store_
                  ->DeclareDispatch({dispatch,
                                     {{dispatch + "00100" + "0150", {TestItemId(1), TestItemId(2)}},
                                      {dispatch + "00210" + "0090", {TestItemId(3), TestItemId(4)}}}})
                  .ok());
  for (uint32_t i = 1; i <= 4; ++i) Append({Reported(TestItemId(i), {EventCode::kEMC, kEpoch2025, "CNSHAA"})});
  // Receptacle 001 arrives; item 4 was never reported by anyone.
  Append({Reported(TestItemId(1), {EventCode::kEMD, kEpoch2025 + hours(8), "UZTASA"}),
          Reported(TestItemId(2), {EventCode::kEMD, kEpoch2025 + hours(8), "UZTASA"})});
  Append({Reported(TestItemId(3), {EventCode::kEMC, kEpoch2025 + hours(9), "CNSHAA"})});  // a late origin scan
  WorkListQuery q;
  q.kind = WorkListQuery::Kind::kDispatch;
  q.dispatch_id = dispatch;
  q.unscanned_only = true;
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(3).ToString(), TestItemId(4).ToString()}));
  q.page_size = 1;  // the filter pages like any list
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(3).ToString(), TestItemId(4).ToString()}));
  // The token of the filtered list is not a token of the whole list.
  q.page_token = store_->ListItems(q)->next_page_token;
  ASSERT_FALSE(q.page_token.empty());
  q.unscanned_only = false;
  EXPECT_EQ(store_->ListItems(q).status().code(), absl::StatusCode::kInvalidArgument);
  Append({Reported(TestItemId(3), {EventCode::kEMD, kEpoch2025 + hours(80), "UZTASA"})});
  q.page_token.clear();
  q.unscanned_only = true;
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(4).ToString()}));
}

TEST_F(StoreTest, WorkListsFindItemsByFacilityStatusAndAge) {
  // Ten items arrive at UZTASA an hour apart; three go on to customs.
  for (uint32_t i = 0; i < 10; ++i) {
    const core::ItemId id = TestItemId(200 + i);
    Append({Reported(id, {EventCode::kEMD, kEpoch2025 + hours(i), "UZTASA"})});
    if (i % 3 == 0)
      Append({Reported(id, {EventCode::kEDB, kEpoch2025 + hours(i) + std::chrono::minutes(5), "UZTASA"})});
  }
  WorkListQuery q;
  q.facility = "UZTASA";
  q.status = ItemStatus::kInTransit;
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(201).ToString(), TestItemId(202).ToString(),
                                                  TestItemId(204).ToString(), TestItemId(205).ToString(),
                                                  TestItemId(207).ToString(), TestItemId(208).ToString()}));
  q.status = ItemStatus::kAtCustoms;
  EXPECT_EQ(ListAll(q).size(), 4u);
  // In transit since 04:00 or earlier.
  q.status = ItemStatus::kInTransit;
  q.not_after = kEpoch2025 + hours(4);
  EXPECT_EQ(ListAll(q), (std::vector<std::string>{TestItemId(201).ToString(), TestItemId(202).ToString(),
                                                  TestItemId(204).ToString()}));
  // Any status, older than 04:00, one item per page.
  q.status.reset();
  q.page_size = 1;
  EXPECT_EQ(ListAll(q).size(), 5u);  // 200, 203 at customs; 201, 202, 204 in transit
}

TEST_F(StoreTest, PageTokensResumeOnlyTheirOwnQuery) {
  for (uint32_t i = 0; i < 25; ++i) Append({Reported(TestItemId(300 + i), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
  WorkListQuery q;
  q.facility = "UZTASA";
  q.page_size = 10;
  const WorkListPage first = *store_->ListItems(q);
  ASSERT_EQ(first.items.size(), 10u);
  ASSERT_FALSE(first.next_page_token.empty());
  std::set<std::string> seen;
  for (const std::string& id : ListAll(q)) EXPECT_TRUE(seen.insert(id).second) << id;
  EXPECT_EQ(seen.size(), 25u);

  WorkListQuery other = q;
  other.facility = "SC-SKD";
  other.page_token = first.next_page_token;
  EXPECT_EQ(store_->ListItems(other).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_token = "not a token";
  EXPECT_EQ(store_->ListItems(q).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_token.clear();
  q.page_size = 0;
  EXPECT_EQ(store_->ListItems(q).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_size = 1001;
  EXPECT_EQ(store_->ListItems(q).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, WorkListsByDispatchAndByCountryAndDay) {
  const std::string dispatch = "CNSHAAUZTASAAUN50042";
  DispatchDeclaration declaration{
      dispatch,
      {{dispatch + "00100" + "0150", {TestItemId(1), TestItemId(2)}}, {dispatch + "00210" + "0090", {TestItemId(3)}}}};
  ASSERT_TRUE(store_->DeclareDispatch(declaration).ok());
  WorkListQuery q;
  q.kind = WorkListQuery::Kind::kDispatch;
  q.dispatch_id = dispatch;
  EXPECT_EQ(ListAll(q),
            (std::vector<std::string>{TestItemId(1).ToString(), TestItemId(2).ToString(), TestItemId(3).ToString()}));
  // Declared again with fewer items: the old list is replaced.
  declaration.receptacles.pop_back();
  ASSERT_TRUE(store_->DeclareDispatch(declaration).ok());
  EXPECT_EQ(ListAll(q).size(), 2u);
  declaration.receptacles[0].receptacle_id = "LVRIXAUZTASAAUN50042001000150";
  EXPECT_EQ(store_->DeclareDispatch(declaration).code(), absl::StatusCode::kInvalidArgument);
  q.dispatch_id = "nonsense";
  EXPECT_EQ(store_->ListItems(q).status().code(), absl::StatusCode::kInvalidArgument);

  const core::Item cn = TestPreAdvice(TestItemId(10, "CN"), kEpoch2025 + hours(30));
  const core::Item lv = TestPreAdvice(TestItemId(11, "LV"), kEpoch2025 + hours(30));
  const std::vector<core::Item> items = {cn, lv};
  ASSERT_TRUE(store_->PutItems(items).ok());
  Append({Reported(TestItemId(12, "CN"), {EventCode::kEMA, kEpoch2025 + hours(31), "CN518000"})});
  WorkListQuery by_day;
  by_day.kind = WorkListQuery::Kind::kCountryDay;
  by_day.country = "CN";
  by_day.day = internal::DayOf(kEpoch2025) + 1;
  EXPECT_EQ(ListAll(by_day),
            (std::vector<std::string>{TestItemId(10, "CN").ToString(), TestItemId(12, "CN").ToString()}));
  by_day.country = "LV";
  EXPECT_EQ(ListAll(by_day).size(), 1u);
  by_day.day -= 1;
  EXPECT_TRUE(ListAll(by_day).empty());
}

TEST_F(StoreTest, StatsCountItemsAndEvents) {
  Append(Events(TestItemId(1), TestHistory(kEpoch2025)));
  Append({Reported(TestItemId(2), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
  const core::Item lv = TestPreAdvice(TestItemId(3, "LV"), kEpoch2025);
  ASSERT_TRUE(store_->PutItems({&lv, 1}).ok());
  const StoreStats stats = *store_->Stats();
  EXPECT_EQ(stats.items, 3u);
  EXPECT_EQ(stats.events, TestHistory(kEpoch2025).size() + 1);
  EXPECT_EQ(stats.by_status,
            (std::vector<std::pair<std::string, uint64_t>>{{"delivered", 1}, {"in-transit", 1}, {"info-received", 1}}));
  EXPECT_EQ(stats.by_country, (std::vector<std::pair<std::string, uint64_t>>{{"CN", 2}, {"LV", 1}}));
}

TEST_F(StoreTest, ForEachInFlowGivesTheItemsNotYetDeliveredWithTheirPreAdvice) {
  Append(Events(TestItemId(1), TestHistory(kEpoch2025)));  // delivered
  Append({Reported(TestItemId(2), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
  const core::Item lv = TestPreAdvice(TestItemId(3, "LV"), kEpoch2025);
  ASSERT_TRUE(store_->PutItems({&lv, 1}).ok());
  Append({Reported(TestItemId(4), {EventCode::kEMH, kEpoch2025, "140105", core::NonDeliveryMeasure::kReturnToSender})});
  std::vector<std::string> seen;
  ASSERT_TRUE(store_
                  ->ForEachInFlow([&](const ItemState& state, const core::Item* item) {
                    seen.push_back(state.id.ToString() + (item ? " pre-advised" : ""));
                    if (item) EXPECT_EQ(*item, lv);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(seen,
            (std::vector<std::string>{TestItemId(2).ToString(), TestItemId(3, "LV").ToString() + " pre-advised"}));
  // Stopping early stops.
  seen.clear();
  ASSERT_TRUE(store_
                  ->ForEachInFlow([&](const ItemState& state, const core::Item*) {
                    seen.push_back(state.id.ToString());
                    return false;
                  })
                  .ok());
  EXPECT_EQ(seen.size(), 1u);
}

void Tamper(const std::string& dir, internal::Family family, const std::string& key, const std::string* value) {
  ASSERT_TRUE(testing::Tamper(dir, family, key, value));
}

TEST_F(StoreTest, VerifyReportsCorruptionWithTheKeyAndNeverCrashes) {
  const core::ItemId id = TestItemId(1);
  Append(Events(id, TestHistory(kEpoch2025)));
  Append(Events(TestItemId(2), TestHistory(kEpoch2025)));
  EXPECT_EQ(store_->Verify()->problem_count, 0u);
  EXPECT_EQ(store_->Verify()->events, 2 * TestHistory(kEpoch2025).size());
  store_.reset();

  const std::string garbage = "\x01\xff\xff\xff";
  Tamper(dir_, internal::kState, internal::ItemKey(id), &garbage);
  const std::string empty;
  Tamper(dir_, internal::kIdxFacility,
         internal::FacilityKey("UZTASA", ItemStatus::kAtCustoms, kEpoch2025, TestItemId(2)), &empty);
  Reopen();
  const VerifyReport report = *store_->Verify();
  EXPECT_EQ(report.problem_count, 2u);
  const std::string all = fmt::format("{}", fmt::join(report.problems, "\n"));
  EXPECT_NE(all.find(internal::Hex(internal::ItemKey(id))), std::string::npos) << all;
  EXPECT_NE(all.find("undecodable"), std::string::npos) << all;
  EXPECT_NE(all.find("idx_facility"), std::string::npos) << all;
  EXPECT_EQ(store_->GetState(id).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->Stats().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(StoreTest, VerifyFindsAStateThatDisagreesWithItsHistory) {
  const core::ItemId id = TestItemId(1);
  const std::vector<core::TrackingEvent> history = TestHistory(kEpoch2025);
  Append(Events(id, history));
  store_.reset();
  Tamper(dir_, internal::kEvents, internal::EventKey(id, history.back()), nullptr);  // EMI lost
  Reopen();
  const VerifyReport report = *store_->Verify();
  ASSERT_EQ(report.problem_count, 2u);
  EXPECT_NE(report.problems[0].find("stored status delivered"), std::string::npos) << report.problems[0];
  // Its feed entry is the last.
  EXPECT_EQ(report.problems[1], fmt::format("feed {}: names no stored event", internal::Hex(internal::FeedKey(history.size()))));
}

TEST_F(StoreTest, RefusesAFormatItDoesNotReadNamingDirectoryAndVersions) {
  for (const std::string found : {"3", "0", "1x", ""}) {
    store_.reset();
    Tamper(dir_, internal::kDefault, internal::kFormatKey, &found);
    const absl::Status s = TrackingStore::Open(dir_, {}).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << found;
    EXPECT_EQ(s.message(), fmt::format("tracking store {} has format version \"{}\"; this build of pochta reads "
                                       "format versions 1, 2",
                                       dir_, found));
  }
}

// The directory's files and their sizes.
std::map<std::string, uintmax_t> FilesOf(const std::string& dir) {
  std::map<std::string, uintmax_t> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files[entry.path().filename().string()] = entry.file_size();
  }
  return files;
}

TEST_F(StoreTest, AReadOnlyStoreWritesNothingAndRefusesWrites) {
  const core::Item item = TestPreAdvice(TestItemId(1), kEpoch2025);
  ASSERT_TRUE(store_->PutItems({&item, 1}).ok());
  Append(Events(item.id, TestHistory(kEpoch2025)));  // in the write-ahead log only
  store_.reset();
  const std::map<std::string, uintmax_t> before = FilesOf(dir_);

  StoreOptions options;
  options.read_only = true;
  std::unique_ptr<TrackingStore> reader = *TrackingStore::Open(dir_, options);
  EXPECT_EQ(reader->GetState(item.id)->status, ItemStatus::kDelivered);
  EXPECT_EQ(reader->Verify()->problem_count, 0u);
  const core::Item other = TestPreAdvice(TestItemId(2), kEpoch2025);
  EXPECT_EQ(reader->PutItems({&other, 1}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader->AppendEvents(Events(TestItemId(2), TestHistory(kEpoch2025))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader->DeclareDispatch({"CNSHAAUZTASAAUN50042", {}}).code(), absl::StatusCode::kFailedPrecondition);
  BulkRecords records;
  EXPECT_EQ(reader->BulkLoad(records).status().code(), absl::StatusCode::kFailedPrecondition);
  reader.reset();
  EXPECT_EQ(FilesOf(dir_), before);

  // A directory that holds no store is not made into one.
  const std::string empty = NewDir();
  EXPECT_FALSE(TrackingStore::Open(empty + "/none", options).ok());
  EXPECT_FALSE(std::filesystem::exists(empty + "/none"));
  std::filesystem::remove_all(empty);
}

TEST_F(StoreTest, EveryDurabilityModeKeepsAcknowledgedWrites) {
  for (Durability mode : {Durability::kSync, Durability::kGroup, Durability::kBuffered}) {
    StoreOptions options;
    options.durability = mode;
    store_.reset();
    std::unique_ptr<TrackingStore> store = *TrackingStore::Open(dir_, options);
    const core::ItemId id = TestItemId(500 + uint32_t(mode));
    ASSERT_TRUE(store->AppendEvents(Events(id, TestHistory(kEpoch2025))).ok()) << Name(mode);
    store.reset();
    Reopen();
    EXPECT_EQ(store_->GetState(id)->status, ItemStatus::kDelivered) << Name(mode);
  }
}

TEST_F(StoreTest, GroupCommitAcknowledgesConcurrentWriters) {
  StoreOptions options;
  options.durability = Durability::kGroup;
  store_.reset();
  std::unique_ptr<TrackingStore> store = *TrackingStore::Open(dir_, options);
  std::vector<std::thread> writers;
  for (uint32_t w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (uint32_t i = 0; i < 20; ++i) {
        const core::ItemId id = TestItemId(1000 + w * 100 + i);
        const std::vector<ReportedEvent> events = {Reported(id, {EventCode::kEMD, kEpoch2025, "UZTASA"})};
        ASSERT_TRUE(store->AppendEvents(events).ok());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(store->Stats()->items, 160u);
  EXPECT_EQ(store->Verify()->problem_count, 0u);
}

// Memory is bounded by the two budgets, not by the size of the store: the
// memtables of all families flush at write_buffer_bytes, and index and
// filter blocks are charged to the block cache instead of being held by
// every open table.
TEST_F(StoreTest, MemoryStaysWithinItsBudgetsAsTheStoreGrows) {
  StoreOptions options = Buffered();
  options.block_cache_bytes = 2u << 20;
  options.write_buffer_bytes = 2u << 20;
  Reopen(options);
  constexpr uint32_t kItems = 30'000;
  const std::vector<core::TrackingEvent> history = TestHistory(kEpoch2025);
  for (size_t step = 0; step < 4; ++step) {  // 120,000 events, about 16 MB written
    std::vector<ReportedEvent> batch;
    for (uint32_t i = 0; i < kItems; ++i) {
      batch.push_back(Reported(TestItemId(i), history[step]));
      if (batch.size() == 1000) {
        ASSERT_TRUE(store_->AppendEvents(batch).ok());
        batch.clear();
      }
    }
  }
  for (uint32_t i = 0; i < kItems; i += 7) ASSERT_TRUE(store_->GetState(TestItemId(i)).ok());
  const StoreMetrics m = store_->Metrics();
  EXPECT_GT(m.bytes_written, 6u * options.write_buffer_bytes);
  EXPECT_LE(m.memtable_bytes, 2 * options.write_buffer_bytes);  // room for a flush in progress
  EXPECT_LE(m.block_cache_bytes, options.block_cache_bytes);
  EXPECT_GT(m.block_cache_bytes, 0u);
  EXPECT_LE(m.table_reader_bytes, 256u << 10) << "index and filter blocks outside the cache";
}

TEST_F(StoreTest, DurabilityNamesRoundTrip) {
  for (Durability d : {Durability::kSync, Durability::kGroup, Durability::kBuffered})
    EXPECT_EQ(ParseDurability(Name(d)), d);
  EXPECT_FALSE(ParseDurability("maybe").has_value());
}

TEST_F(StoreTest, StatePredictsTheRouteWithinUzbekistan) {
  const core::Network network = *core::Network::Load(POCHTA_NETWORK_FILE);
  const core::RoutePlanner planner(network);
  const NetworkRoutePredictor predictor(planner.router());
  StoreOptions options = Buffered();
  options.route_predictor = &predictor;
  Reopen(options);
  const core::ItemId id = TestItemId(1);
  const core::Item item = TestPreAdvice(id, kEpoch2025);
  ASSERT_TRUE(store_->PutItems({&item, 1}).ok());
  EXPECT_TRUE(store_->GetState(id)->next_facility.empty());  // not scanned yet
  Append({Reported(id, {EventCode::kEMD, kEpoch2025 + hours(60), "UZTASA"})});
  ItemState state = *store_->GetState(id);
  EXPECT_EQ(state.next_facility, "SC-SKD");
  EXPECT_EQ(state.expected_delivery, kEpoch2025 + hours(60) + std::chrono::minutes(320));  // pochta route 140105
  Append({Reported(id, {EventCode::kEMD, kEpoch2025 - hours(1), "CNSHAA"})});  // abroad, but older
  EXPECT_EQ(store_->GetState(id)->next_facility, "SC-SKD");
  Append({Reported(id, {EventCode::kEMI, kEpoch2025 + hours(70), "140105"})});
  state = *store_->GetState(id);
  EXPECT_TRUE(state.next_facility.empty());
  EXPECT_FALSE(state.expected_delivery.has_value());
}

}  // namespace
}  // namespace pochta::storage

namespace pochta::storage {
namespace {

std::map<std::string, uint64_t> ByStatusFromMetrics(const TrackingStore& store) {
  std::vector<uint64_t> counts;
  for (int i = 0; i < 2000 && counts.empty(); ++i) {  // the count at the open runs on its own thread
    counts = store.Metrics().items_by_status;
    if (counts.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::map<std::string, uint64_t> by_status;
  for (size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] != 0) by_status[std::string(core::Name(core::ItemStatus(s)))] = counts[s];
  }
  return by_status;
}

std::map<std::string, uint64_t> ByStatusFromScan(const TrackingStore& store) {
  const StoreStats stats = *store.Stats();
  return {stats.by_status.begin(), stats.by_status.end()};
}

// Items by status without a scan per question: the count at the open plus
// what every write changes, including writes that race with the count.
TEST_F(StoreTest, ItemsByStatusAreCountedAtTheOpenAndKeptByEveryWrite) {
  const std::vector<core::TrackingEvent> history = TestHistory(kEpoch2025);
  for (uint32_t i = 0; i < 3000; ++i) {
    const core::Item item = TestPreAdvice(TestItemId(i), kEpoch2025 - hours(1));
    ASSERT_TRUE(store_->PutItems({&item, 1}).ok());
    Append(Events(TestItemId(i), {history.begin(), history.begin() + 1 + i % history.size()}));
  }
  StoreOptions options = Buffered();
  options.count_by_status = true;
  Reopen(options);
  std::thread writer([&] {  // during the count: new items, and old ones that move on
    for (uint32_t i = 0; i < 3000; i += 3) Append(Events(TestItemId(i), history));
    for (uint32_t i = 5000; i < 5500; ++i) {
      const core::Item item = TestPreAdvice(TestItemId(i), kEpoch2025);
      ASSERT_TRUE(store_->PutItems({&item, 1}).ok());
    }
  });
  writer.join();
  EXPECT_EQ(ByStatusFromMetrics(*store_), ByStatusFromScan(*store_));
  Append(Events(TestItemId(1), history));  // after the count
  EXPECT_EQ(ByStatusFromMetrics(*store_), ByStatusFromScan(*store_));
  Reopen(Buffered());
  EXPECT_TRUE(store_->Metrics().items_by_status.empty()) << "no count unless asked";
}

TEST_F(StoreTest, ItemsByStatusCountABulkLoad) {
  StoreOptions options = Buffered();
  options.count_by_status = true;
  Reopen(options);
  BulkRecords records;
  const std::vector<core::TrackingEvent> history = TestHistory(kEpoch2025);
  for (uint32_t i = 0; i < 200; ++i) {
    records.items.push_back(TestPreAdvice(TestItemId(i), kEpoch2025 - hours(1)));
    for (size_t e = 0; e <= i % history.size(); ++e) records.events.push_back(Reported(TestItemId(i), history[e]));
  }
  ASSERT_TRUE(store_->BulkLoad(records).ok());
  EXPECT_EQ(ByStatusFromMetrics(*store_), ByStatusFromScan(*store_));
}

class CountingObserver final : public SyncObserver {
 public:
  void OnSync(uint64_t batches, std::chrono::nanoseconds took) override {
    syncs += 1;
    this->batches += batches;
    EXPECT_GE(took.count(), 0);
  }
  std::atomic<uint64_t> syncs{0}, batches{0};
};

// Every acknowledged batch is covered by exactly one reported fsync; under
// group commit, concurrent writers share them.
TEST_F(StoreTest, TheSyncObserverSeesEveryAcknowledgingFsync) {
  for (Durability durability : {Durability::kSync, Durability::kGroup}) {
    CountingObserver observer;
    StoreOptions options;
    options.durability = durability;
    options.sync_observer = &observer;
    Reopen(options);
    std::vector<std::thread> writers;
    for (uint32_t w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (uint32_t i = 0; i < 25; ++i) {
          Append({Reported(TestItemId(10'000 * (w + 1) + i + uint32_t(durability) * 1000),
                           {EventCode::kEMD, kEpoch2025, "UZTASA"})});
        }
      });
    }
    for (std::thread& t : writers) t.join();
    EXPECT_EQ(observer.batches.load(), 100u) << Name(durability);
    if (durability == Durability::kSync) {
      EXPECT_EQ(observer.syncs.load(), 100u);
    } else {
      EXPECT_LE(observer.syncs.load(), 100u);
    }
    store_.reset();
  }
}

std::vector<std::string> FeedOf(const absl::StatusOr<std::vector<FeedEntry>>& entries) {
  EXPECT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> lines;
  if (!entries.ok()) return lines;
  for (const FeedEntry& e : *entries) {
    lines.push_back(fmt::format("{} {} {} {}", e.cursor, e.item.ToString(), core::Name(e.event.event.code),
                                e.event.event.office));
  }
  return lines;
}

TEST_F(StoreTest, TheFeedHoldsEveryStoredEventOnceUnderGaplessCursorsInStoreOrder) {
  const core::ItemId a = TestItemId(1), b = TestItemId(2, "LV");
  // One call: by item, then by time, whatever the order given.
  std::vector<ReportedEvent> first = {Reported(b, {EventCode::kEMD, kEpoch2025 + hours(30), "UZTASA"}),
                                      Reported(a, {EventCode::kEDB, kEpoch2025 + hours(31), "UZTASA"}),
                                      Reported(a, {EventCode::kEMD, kEpoch2025 + hours(30), "UZTASA"})};
  first.push_back(first[1]);  // a duplicate in the call
  Append(first);
  EXPECT_EQ(store_->Feed().newest, 3u);
  // A duplicate of a stored event takes no cursor; new ones take the next.
  Append({first[0], Reported(b, {EventCode::kEDB, kEpoch2025 + hours(29), "UZTASA"})});
  const std::vector<std::string> all = {"1 " + a.ToString() + " EMD UZTASA", "2 " + a.ToString() + " EDB UZTASA",
                                        "3 " + b.ToString() + " EMD UZTASA", "4 " + b.ToString() + " EDB UZTASA"};
  EXPECT_EQ(FeedOf(store_->ReadFeed(0, 100)), all);
  EXPECT_EQ(FeedOf(store_->ReadFeed(1, 2)), std::vector<std::string>(all.begin() + 1, all.begin() + 3));
  EXPECT_EQ(FeedOf(store_->ReadFeed(4, 100)), std::vector<std::string>{});
  EXPECT_EQ((*store_->ReadFeed(3, 1))[0].event.reported_by, core::kUzbekistanPost);

  // Cursors go on after a reopen, under every durability, and a writer sees
  // its events in the feed once its call returns.
  for (Durability durability : {Durability::kGroup, Durability::kSync, Durability::kBuffered}) {
    StoreOptions options;
    options.durability = durability;
    Reopen(options);
    const uint64_t before = store_->Feed().newest;
    Append({Reported(TestItemId(3 + uint32_t(durability)), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
    EXPECT_EQ(store_->Feed().newest, before + 1) << Name(durability);
    EXPECT_EQ(store_->ReadFeed(before, 10)->at(0).cursor, before + 1);
  }
  EXPECT_EQ(store_->Verify()->problem_count, 0u);
}

// Writers under group commit and readers of the feed at once: every reader
// sees every event once, in one order, with no gap and nothing it would see
// differently later (under the tsan preset too).
TEST_F(StoreTest, ConcurrentWritersAndReadersAgreeOnTheFeed) {
  StoreOptions options;
  options.durability = Durability::kGroup;
  Reopen(options);
  constexpr uint32_t kWriters = 4, kCalls = 50;
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (uint32_t i = 0; i < kCalls; ++i) {
        Append({Reported(TestItemId(20'000 * (w + 1) + i), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
      }
    });
  }
  std::vector<std::vector<std::string>> seen(2);
  for (auto& lines : seen) {
    threads.emplace_back([&] {
      uint64_t after = 0;
      while (lines.size() < kWriters * kCalls) {
        absl::StatusOr<std::vector<FeedEntry>> entries = store_->ReadFeed(after, 7);
        ASSERT_TRUE(entries.ok()) << entries.status();
        for (const FeedEntry& e : *entries) {
          ASSERT_EQ(e.cursor, after + 1);
          after = e.cursor;
          lines.push_back(fmt::format("{} {}", e.cursor, e.item.ToString()));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const absl::StatusOr<std::vector<FeedEntry>> feed = store_->ReadFeed(0, 1000);
  ASSERT_TRUE(feed.ok()) << feed.status();
  std::vector<std::string> all;
  for (const FeedEntry& e : *feed) all.push_back(fmt::format("{} {}", e.cursor, e.item.ToString()));
  EXPECT_EQ(all.size(), kWriters * kCalls);
  EXPECT_EQ(seen[0], all);
  EXPECT_EQ(seen[1], all);
}

TEST_F(StoreTest, ACursorBeforeTheTrimmedFeedOrPastItsEndIsOutOfRange) {
  std::vector<ReportedEvent> events;
  for (uint32_t i = 0; i < 10; ++i) {
    ReportedEvent e = Reported(TestItemId(100 + i), {EventCode::kEMD, kEpoch2025, "UZTASA"});
    e.received_at = kEpoch2025 + hours(i);
    events.push_back(e);
    Append({e});  // one call each: cursor i + 1
  }
  const absl::Status past = store_->ReadFeed(11, 10).status();
  EXPECT_EQ(past.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(past.message(), "cursor 11 is past the newest entry of the feed, cursor 10: a cursor of another store?");

  EXPECT_EQ(*store_->TrimFeed(kEpoch2025 + hours(4)), 4u);  // received at hours 0 to 3
  EXPECT_EQ(*store_->TrimFeed(kEpoch2025 + hours(4)), 0u);
  const absl::Status trimmed = store_->ReadFeed(3, 10).status();
  EXPECT_EQ(trimmed.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(trimmed.message(), "cursor 3 is older than the feed keeps: it keeps the events after cursor 4");
  EXPECT_EQ(store_->ReadFeed(4, 1)->at(0).cursor, 5u);

  // The trimmed mark survives a reopen; trimming everything keeps the cursors going.
  Reopen();
  EXPECT_EQ(store_->Feed().trimmed, 4u);
  EXPECT_EQ(store_->ReadFeed(0, 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(*store_->TrimFeed(kEpoch2025 + hours(100)), 6u);
  Reopen();
  EXPECT_EQ(store_->Feed().trimmed, 10u);
  EXPECT_EQ(FeedOf(store_->ReadFeed(10, 10)), std::vector<std::string>{});
  Append({Reported(TestItemId(200), {EventCode::kEMD, kEpoch2025, "UZTASA"})});
  EXPECT_EQ(store_->ReadFeed(10, 10)->at(0).cursor, 11u);
  // The events themselves stay.
  EXPECT_EQ(store_->Verify()->events, 11u);
}

}  // namespace
}  // namespace pochta::storage
