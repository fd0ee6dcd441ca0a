#include "core/tracking.h"

#include <algorithm>
#include <random>

#include "gtest/gtest.h"

namespace pochta::core {
namespace {

using std::chrono::hours;

const Timestamp kPosted = Timestamp(std::chrono::seconds(1'735'689'600));  // 2025-01-01 00:00 UTC

TrackingEvent Ev(EventCode code, int hour, std::string office, NonDeliveryMeasure measure = NonDeliveryMeasure::kNone) {
  return TrackingEvent{code, kPosted + hours(hour), std::move(office), measure};
}

// A parcel from Shanghai to a Samarkand office: posted, exported, flown,
// cleared by customs, sorted, one failed attempt, then delivered.
std::vector<TrackingEvent> DeliveredHistory() {
  return {Ev(EventCode::kEMA, 0, "CN200000"), Ev(EventCode::kEMB, 20, "CNSHAA"),
          Ev(EventCode::kEXA, 22, "CNSHAA"),  Ev(EventCode::kEXC, 30, "CNSHAA"),
          Ev(EventCode::kEMC, 40, "CNSHAA"),  Ev(EventCode::kEMD, 60, "UZTASA"),
          Ev(EventCode::kEDB, 61, "UZTASA"),  Ev(EventCode::kEDC, 70, "UZTASA"),
          Ev(EventCode::kEMF, 72, "UZTASA"),  Ev(EventCode::kEDD, 80, "SC-SKD"),
          Ev(EventCode::kEDE, 82, "SC-SKD"),  Ev(EventCode::kEMG, 90, "140105"),
          Ev(EventCode::kEDG, 100, "140105"), Ev(EventCode::kEMH, 104, "140105", NonDeliveryMeasure::kRedeliver),
          Ev(EventCode::kEDG, 124, "140105"), Ev(EventCode::kEMI, 126, "140105")};
}

std::vector<TrackingEvent> ReturnedHistory() {
  std::vector<TrackingEvent> events = DeliveredHistory();
  events.pop_back();  // no EMI
  events.push_back(Ev(EventCode::kEDH, 128, "140105"));
  events.push_back(Ev(EventCode::kEMH, 500, "140105", NonDeliveryMeasure::kReturnToSender));
  events.push_back(Ev(EventCode::kEMC, 520, "UZTASA"));  // leaves Uzbekistan again
  return events;
}

TEST(TrackingTest, NoEventsMeansInfoReceived) {
  const DerivedState state = DeriveState({});
  EXPECT_EQ(state.status, ItemStatus::kInfoReceived);
  EXPECT_EQ(state.latest, -1);
}

TEST(TrackingTest, EveryPrefixOfAHistoryHasTheStatusOfItsLatestEvent) {
  const std::vector<TrackingEvent> history = DeliveredHistory();
  const ItemStatus expected[] = {
      ItemStatus::kInTransit,      ItemStatus::kInTransit,      ItemStatus::kAtCustoms,      ItemStatus::kInTransit,
      ItemStatus::kInTransit,      ItemStatus::kInTransit,      ItemStatus::kAtCustoms,      ItemStatus::kInTransit,
      ItemStatus::kInTransit,      ItemStatus::kInTransit,      ItemStatus::kInTransit,      ItemStatus::kInTransit,
      ItemStatus::kOutForDelivery, ItemStatus::kDeliveryFailed, ItemStatus::kOutForDelivery, ItemStatus::kDelivered};
  for (size_t n = 1; n <= history.size(); ++n) {
    const DerivedState state = DeriveState(std::span(history).first(n));
    EXPECT_EQ(state.status, expected[n - 1]) << "after " << Name(history[n - 1].code);
    EXPECT_EQ(state.latest, int(n - 1));
  }
}

TEST(TrackingTest, ShuffledAndDuplicatedEventsGiveTheSameState) {
  std::mt19937 rng(2025);
  for (const auto& history : {DeliveredHistory(), ReturnedHistory()}) {
    const DerivedState in_order = DeriveState(history);
    for (int trial = 0; trial < 500; ++trial) {
      // Every prefix in time, delivered in a random order with random duplicates.
      const size_t n = 1 + rng() % history.size();
      std::vector<TrackingEvent> arrived(history.begin(), history.begin() + std::ptrdiff_t(n));
      for (size_t d = rng() % 4; d > 0; --d) arrived.push_back(arrived[rng() % arrived.size()]);
      std::shuffle(arrived.begin(), arrived.end(), rng);
      const DerivedState expected = DeriveState(std::span(history).first(n));
      const DerivedState got = DeriveState(arrived);
      ASSERT_EQ(got.status, expected.status) << "trial " << trial;
      ASSERT_EQ(arrived[size_t(got.latest)], history[size_t(expected.latest)]) << "trial " << trial;
    }
    std::vector<TrackingEvent> all = history;
    std::shuffle(all.begin(), all.end(), rng);
    EXPECT_EQ(DeriveState(all).status, in_order.status);
  }
}

TEST(TrackingTest, ALateArrivalScanNeverUndoesDelivery) {
  std::vector<TrackingEvent> events = {Ev(EventCode::kEMA, 0, "CN200000"), Ev(EventCode::kEMI, 100, "140105")};
  events.push_back(Ev(EventCode::kEMD, 60, "UZTASA"));  // reported late, older time
  EXPECT_EQ(DeriveState(events).status, ItemStatus::kDelivered);
  events.push_back(Ev(EventCode::kEMD, 200, "UZTASA"));  // even with a skewed clock
  EXPECT_EQ(DeriveState(events).status, ItemStatus::kDelivered);
}

TEST(TrackingTest, ReturnToSenderIsFinalUnlessDelivered) {
  std::vector<TrackingEvent> events = ReturnedHistory();
  EXPECT_EQ(DeriveState(events).status, ItemStatus::kReturned);
  events.push_back(Ev(EventCode::kEMI, 510, "140105"));  // collected at the last moment
  EXPECT_EQ(DeriveState(events).status, ItemStatus::kDelivered);
}

TEST(TrackingTest, SimultaneousEventsFollowTheMailFlow) {
  // Arrival and customs presentation in the same second: customs is later in the flow.
  const std::vector<TrackingEvent> events = {Ev(EventCode::kEDB, 5, "UZTASA"), Ev(EventCode::kEMD, 5, "UZTASA")};
  EXPECT_EQ(DeriveState(events).status, ItemStatus::kAtCustoms);
  EXPECT_EQ(DeriveState(events).latest, 0);
}

TEST(TrackingTest, HoldsAndCancellationsAreExceptions) {
  EXPECT_EQ(DeriveState(std::vector{Ev(EventCode::kEXX, 1, "CNSHAA")}).status, ItemStatus::kException);
  EXPECT_EQ(DeriveState(std::vector{Ev(EventCode::kEDA, 1, "UZTASA")}).status, ItemStatus::kException);
  EXPECT_EQ(DeriveState(std::vector{Ev(EventCode::kEDH, 1, "140105")}).status, ItemStatus::kAwaitingCollection);
}

TEST(EventCodeTest, AllCodesParseAndHaveASide) {
  int origin = 0, transit = 0, destination = 0;
  for (int i = 0; i < kEventCodeCount; ++i) {
    const EventCodeInfo& info = Info(EventCode(i));
    EXPECT_EQ(ParseEventCode(info.text), info.code);
    EXPECT_EQ(int(info.code), i);
    origin += info.side == EventSide::kOrigin;
    transit += info.side == EventSide::kTransit;
    destination += info.side == EventSide::kDestination;
  }
  EXPECT_EQ(origin, 8);  // EMA EMB EXA EXB EXC EXD EXX EMC
  EXPECT_EQ(transit, 2);
  EXPECT_EQ(destination, 15);
  EXPECT_FALSE(ParseEventCode("EMZ").has_value());
  EXPECT_FALSE(ParseEventCode("ema").has_value());
}

TEST(ItemStatusTest, NamesRoundTrip) {
  for (int i = 0; i < kItemStatusCount; ++i) EXPECT_EQ(ParseItemStatus(Name(ItemStatus(i))), ItemStatus(i));
  EXPECT_FALSE(ParseItemStatus("lost").has_value());
}

}  // namespace
}  // namespace pochta::core
