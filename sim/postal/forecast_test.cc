#include "sim/postal/forecast.h"

#include <cmath>
#include <map>

#include "gtest/gtest.h"
#include "sim/local_time.h"
#include "sim/random.h"
#include "sim/testing/shipped.h"

namespace pochta::sim {
namespace {

using testing::Builtin;
using testing::ShippedNetwork;

Time Seconds(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
core::Timestamp At(Time t) { return core::Timestamp(std::chrono::seconds(t)); }

// Keeps the pre-advice and the events of a run, by item.
struct Recorder : EventSink {
  std::map<uint64_t, core::Item> items;
  std::map<uint64_t, std::vector<core::TrackingEvent>> events;
  void PreAdvice(const core::Item& item) override { items.insert_or_assign(item.id.Pack(), item); }
  void Declare(const Dispatch&) override {}
  void Event(core::ItemId item, const core::TrackingEvent& e, core::Operator, core::Timestamp) override {
    events[item.Pack()].push_back(e);
  }
};

bool Finished(const std::vector<core::TrackingEvent>& events) {
  for (const core::TrackingEvent& e : events) {
    if (e.code == core::EventCode::kEMI || core::IsReturn(e)) return true;
  }
  return false;
}

// A scenario's run to `until`, as a store would hold it then: every item
// not finished, with its latest event and pre-advice. Events are kept if
// they happened by then.
std::vector<ItemInFlow> InFlowAt(const Scenario& s, Time until) {
  Recorder seen;
  PostalModel(s, ShippedNetwork(), &seen).Run({}, until);
  std::vector<ItemInFlow> out;
  for (auto& [key, events] : seen.events) {
    std::erase_if(events, [&](const core::TrackingEvent& e) { return Seconds(e.time) > until; });
    if (events.empty() || Finished(events)) continue;
    ItemInFlow in{.id = *core::ItemId::Unpack(key)};
    in.latest = *std::max_element(events.begin(), events.end(), core::CanonicalLess);
    in.posted = std::min_element(events.begin(), events.end(), core::CanonicalLess)->time;
    if (const auto it = seen.items.find(key); it != seen.items.end()) {
      const core::Item& item = it->second;
      in.posted = item.posted_at;
      in.mail_class = item.mail_class;
      in.weight_grams = item.weight_grams;
      if (item.currency == "USD") in.value_cents = uint32_t(item.declared_value_minor);
      in.documents = item.contents.empty();
      in.postcode = item.recipient.postcode;
      in.dispatch_id = item.dispatch_id;
      in.receptacle_id = item.receptacle_id;
    }
    out.push_back(std::move(in));
  }
  return out;
}

class ForecastTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    truth_ = new Scenario(Builtin("h1-2025"));
    truth_->days = 60;
    truth_->drain_days = 30;
    const LocalTime uz = LocalTime::Load(truth_->time_zone).value();
    now_ = uz.Midnight(truth_->start / 86400 + 45);
    in_flow_ = new std::vector<ItemInFlow>(InFlowAt(*truth_, now_));
    // The forecast: the same demand from now on, other seeds.
    forecast_ = new Scenario(*truth_);
    forecast_->days = 14;
    forecast_->drain_days = 0;
    forecast_->seed = 100;
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete forecast_;
    delete in_flow_;
  }
  static Scenario* truth_;
  static Scenario* forecast_;
  static Time now_;
  static std::vector<ItemInFlow>* in_flow_;
};
Scenario* ForecastTest::truth_ = nullptr;
Scenario* ForecastTest::forecast_ = nullptr;
Time ForecastTest::now_ = 0;
std::vector<ItemInFlow>* ForecastTest::in_flow_ = nullptr;

TEST_F(ForecastTest, ItemsGoOnFromWhereTheyAre) {
  ASSERT_GT(in_flow_->size(), 5000u);
  std::map<core::EventCode, int> at;  // items by latest event: every stage is there
  for (const ItemInFlow& item : *in_flow_) ++at[item.latest->code];
  for (core::EventCode code :
       {core::EventCode::kEMA, core::EventCode::kEMC, core::EventCode::kEMJ, core::EventCode::kEME,
        core::EventCode::kEDC, core::EventCode::kEDD, core::EventCode::kEDH}) {
    EXPECT_GT(at[code], 0) << core::Name(code);
  }

  Recorder after;
  const ForecastStart start{now_, *in_flow_};
  PostalModel model(*forecast_, ShippedNetwork(), &after, &start);
  model.Run();
  const std::vector<std::optional<InFlowEnd>> ends = model.in_flow_ends();
  ASSERT_EQ(ends.size(), in_flow_->size());
  size_t placed = 0, delivered = 0;
  for (size_t k = 0; k < in_flow_->size(); ++k) {
    const ItemInFlow& item = (*in_flow_)[k];
    if (!ends[k]) {
      EXPECT_TRUE(item.id.HasCountry("UZ")) << item.id.ToString();  // letters abroad only
      continue;
    }
    ++placed;
    delivered += ends[k]->delivered;
    if (ends[k]->at != 0) EXPECT_GE(ends[k]->at, now_) << item.id.ToString();
    // Nothing it does goes back in time, nor back in the flow, but for the
    // loops of the line-haul (sorting centre after sorting centre) and of
    // the delivery office (round after round); EMC is reported again on
    // landing. A returned item starts its way back.
    const auto flow_of = [](core::EventCode code) { return core::Info(code).flow; };
    const uint8_t flow = std::min(flow_of(item.latest->code), flow_of(core::EventCode::kEDD));
    const bool delivery = flow_of(item.latest->code) >= flow_of(core::EventCode::kEMG);
    for (const core::TrackingEvent& e : after.events[item.id.Pack()]) {
      EXPECT_GE(e.time, item.latest->time) << item.id.ToString() << " " << core::Name(e.code);
      if (core::IsReturn(e) || e.code == core::EventCode::kEDX) break;
      if (!delivery) {
        EXPECT_GE(flow_of(e.code), flow) << item.id.ToString() << " after " << core::Name(item.latest->code) << ": "
                                         << core::Name(e.code);
      }
    }
  }
  EXPECT_GT(placed, in_flow_->size() * 99 / 100);
  EXPECT_GT(delivered, placed / 2);
}

TEST_F(ForecastTest, DeliversAsTheRunItContinuesDid) {
  // What the run actually did after now, against the forecast from its
  // state then: how many of the items in flow each delivered by each day.
  Recorder truth;
  PostalModel(*truth_, ShippedNetwork(), &truth).Run();
  constexpr int kRuns = 4;
  std::vector<std::vector<std::optional<InFlowEnd>>> runs;
  const ForecastStart start{now_, *in_flow_};
  for (int r = 0; r < kRuns; ++r) {
    Scenario s = *forecast_;
    s.seed += uint64_t(r);
    PostalModel model(s, ShippedNetwork(), nullptr, &start);
    model.Run();
    runs.push_back(model.in_flow_ends());
  }
  for (int days : {1, 2, 4, 7, 14}) {
    const Time by = now_ + days * 86400;
    double actual = 0, forecast = 0;
    for (size_t k = 0; k < in_flow_->size(); ++k) {
      for (const core::TrackingEvent& e : truth.events[(*in_flow_)[k].id.Pack()]) {
        actual += e.code == core::EventCode::kEMI && Seconds(e.time) <= by;
      }
      for (const auto& run : runs) forecast += run[k] && run[k]->delivered && run[k]->at <= by ? 1.0 / kRuns : 0;
    }
    EXPECT_NEAR(forecast, actual, 0.05 * actual) << "delivered within " << days << " days";
  }
}

TEST_F(ForecastTest, ReplicationsAreReproducibleAndSpread) {
  const Forecast a = RunForecast(*forecast_, ShippedNetwork(), ForecastStart{now_, *in_flow_}, 3, 2);
  const Forecast b = RunForecast(*forecast_, ShippedNetwork(), ForecastStart{now_, *in_flow_}, 3, 1);
  ASSERT_EQ(a.items.size(), b.items.size());
  size_t spread = 0;
  for (size_t k = 0; k < a.items.size(); ++k) {
    EXPECT_EQ(a.items[k].p50, b.items[k].p50);
    EXPECT_LE(a.items[k].p10, a.items[k].p50);
    EXPECT_LE(a.items[k].p50, a.items[k].p90);
    spread += a.items[k].p10 < a.items[k].p90;
  }
  EXPECT_GT(spread, a.items.size() / 2);  // the replications differ
  EXPECT_EQ(a.hours.size(), a.in_system.size());
  ASSERT_EQ(a.backlog.size(), a.facility_names.size());
  EXPECT_EQ(a.backlog[0].size(), a.hours.size());
  EXPECT_GT(a.late.at("all").mean, 0);
}

TEST_F(ForecastTest, SaysWhyItemsAreNotPlaced) {
  std::vector<ItemInFlow> items;
  for (const char* country : {"UZ", "CN", "DE"}) {
    items.push_back(ItemInFlow{.id = *core::ItemId::Make("LP", uint32_t(items.size() + 1), country)});
  }
  items[1].latest = core::TrackingEvent{core::EventCode::kEDX, At(now_ - 3600), "UZTASA"};
  const Forecast f = RunForecast(*forecast_, ShippedNetwork(), ForecastStart{now_, items}, 1, 1);
  EXPECT_EQ(f.placed, 0u);
  EXPECT_EQ(f.not_placed.size(), 3u);
  EXPECT_EQ(f.not_placed.count("its journey ended here (EDX)"), 1u);
  EXPECT_EQ(f.not_placed.count("no flow of the scenario carries mail from DE"), 1u);
  EXPECT_EQ(f.items[1].p50, kForever);
}

TEST_F(ForecastTest, AStartAfterMidnightStillRunsItsWholeDays) {
  // From 23:00 on the start day: no postings that day (the store has them),
  // and the forecast's days counted from the midnight after.
  const Time late_evening = now_ + 23 * 3600;
  const Forecast f = RunForecast(*forecast_, ShippedNetwork(), ForecastStart{late_evening, {}}, 1, 1);
  EXPECT_EQ(f.end, now_ + Time(forecast_->days + 1) * 86400);
  ASSERT_FALSE(f.hours.empty());
  EXPECT_GE(f.hours.back() - f.start, Time(forecast_->days) * 86400);
  // From midnight exactly, the days from it.
  EXPECT_EQ(RunForecast(*forecast_, ShippedNetwork(), ForecastStart{now_, {}}, 1, 1).end,
            now_ + Time(forecast_->days) * 86400);
}

TEST(RandomTest, LogNormalAboveIsTheTailOfLogNormal) {
  Rng rng(7);
  const double mean = 10, cv = 0.8, floor = 15;
  // The tail's share and mean by plain draws, against the conditional draws.
  double tail = 0, tail_sum = 0;
  const int n = 400000;
  for (int k = 0; k < n; ++k) {
    const double x = rng.LogNormal(mean, cv);
    if (x > floor) {
      ++tail;
      tail_sum += x;
    }
  }
  EXPECT_NEAR(LogNormalSurvival(mean, cv, floor), tail / n, 0.003);
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    const double x = rng.LogNormalAbove(mean, cv, floor);
    ASSERT_GE(x, floor);
    sum += x;
  }
  EXPECT_NEAR(sum / n, tail_sum / tail, 0.02 * tail_sum / tail);
  EXPECT_EQ(rng.LogNormalAbove(mean, cv, 1e6), 1e6);  // past any draw: the floor
}

}  // namespace
}  // namespace pochta::sim
