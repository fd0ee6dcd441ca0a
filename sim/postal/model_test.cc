#include "sim/postal/model.h"

#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "core/operators.h"
#include "sim/local_time.h"
#include "gtest/gtest.h"
#include "sim/testing/shipped.h"

namespace pochta::sim {
namespace {

const core::Network& Network() { return testing::ShippedNetwork(); }
using testing::Builtin;
using testing::ShippedOperators;

// Letters Uzbekiston Pochtasi sends abroad: posted in Uzbekistan.
bool SentAbroad(core::ItemId id) { return id.HasCountry("UZ"); }
std::string Indicator(core::ItemId id) { return {id.service_indicator().data(), 2}; }
int64_t Seconds(core::Timestamp t) { return t.time_since_epoch().count(); }

// Keeps every record a run emits.
struct Recorder : EventSink {
  std::vector<core::Item> items;
  std::map<uint64_t, std::vector<core::TrackingEvent>> events;
  std::map<uint64_t, std::vector<core::Operator>> reporters;  // of each event, in order
  uint64_t count = 0;
  uint64_t hash = 1469598103934665603ull;
  std::vector<Dispatch> dispatches;
  void PreAdvice(const core::Item& item) override { items.push_back(item); }
  void Declare(const Dispatch& dispatch) override { dispatches.push_back(dispatch); }
  void Event(core::ItemId item, const core::TrackingEvent& e, core::Operator by, core::Timestamp reported_at) override {
    EXPECT_GE(reported_at, e.time) << "reported before it happened: " << item.ToString() << " " << core::Name(e.code);
    events[item.Pack()].push_back(e);
    reporters[item.Pack()].push_back(by);
    ++count;
    for (uint64_t v :
         {item.Pack(), uint64_t(e.code), uint64_t(e.time.time_since_epoch().count()), uint64_t(e.measure)}) {
      hash = (hash ^ v) * 1099511628211ull;
    }
  }
};

constexpr const char* kMinimal = R"(name = t
[operator CN]
items_per_day = 100
office_of_exchange = CNSHAA
)";

TEST(ScenarioTest, MinimalScenarioTakesTheDefaults) {
  absl::StatusOr<Scenario> s = ParseScenario(kMinimal, "t.scenario", ShippedOperators());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->days, 181);
  EXPECT_EQ(s->operators.size(), 1u);
  EXPECT_EQ(s->operators[0].mix, (std::vector<std::pair<std::string, double>>{{"LP", 1.0}}));
  EXPECT_EQ(s->customs.officers, 6);
}

struct BadScenario {
  const char* name;
  std::string text;
  const char* expected;
};

class BadScenarioTest : public ::testing::TestWithParam<BadScenario> {};

TEST_P(BadScenarioTest, IsRefusedWithTheLine) {
  const absl::StatusOr<Scenario> s = ParseScenario(GetParam().text, "t.scenario", ShippedOperators());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find(GetParam().expected), std::string::npos) << s.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfMistake, BadScenarioTest,
    ::testing::Values(BadScenario{"UnknownParameter", std::string(kMinimal) + "flights = 3\n",
                                  "t.scenario:5: unknown parameter \"flights\""},
                      BadScenario{"BadNumber", std::string(kMinimal) + "flight_capacity_kg = many\n",
                                  "t.scenario:5: flight_capacity_kg \"many\": expected a whole number of at least 1"},
                      BadScenario{"BadHubProcessing", std::string(kMinimal) + "[linehaul]\nhub_processing = SC-SKD\n",
                                  "t.scenario:6: hub_processing \"SC-SKD\": expected a list of \"SORTING-CENTRE HOURS\""},
                      BadScenario{"FlightSmallerThanABag", std::string(kMinimal) + "flight_capacity_kg = 20\n",
                                  "[operator CN] flight_capacity_kg 20 cannot take a full receptacle (30.5 kg)"},
                      BadScenario{"SubclassOfAnotherClass", std::string(kMinimal) + "[dispatch]\nparcel_subclass = UN\n",
                                  "t.scenario:6: parcel_subclass \"UN\": expected a code list 117 subclass of two "
                                  "capital letters starting with C"},
                      BadScenario{"SharesNotSummingToOne", std::string(kMinimal) + "mix = LP 0.5, CP 0.4\n",
                                  "shares that sum to 1 (these sum to 0.9000)"},
                      BadScenario{"UnassignedServiceIndicator", std::string(kMinimal) + "mix = XX 1\n",
                                  "expected a list of \"SERVICE-INDICATOR SHARE\" entries"},
                      BadScenario{"UnknownSection", std::string(kMinimal) + "[airport]\n",
                                  "t.scenario:5: unknown section [airport]"},
                      BadScenario{"DestinationAsOperator", std::string(kMinimal) + "[operator UZ]\n",
                                  "t.scenario:5: an operator section is [operator XX], XX a partner of the operators "
                                  "file (CN, LV, VU)"},
                      BadScenario{"TransitOperatorAsPartner", std::string(kMinimal) + "[operator TR]\n",
                                  "t.scenario:5: an operator section is [operator XX]"},
                      BadScenario{"UnknownTransitOffice", std::string(kMinimal) + "transit_office = DEFRAA\n",
                                  "t.scenario:5: transit_office \"DEFRAA\": expected a transit office of the "
                                  "operators file (TRISTA, AUSYDA)"},
                      BadScenario{"PostedAbroad", std::string(kMinimal) + "posting_office = LV1050\n",
                                  "[operator CN]: posting_office LV1050 must be an office of CN"},
                      BadScenario{"SetTwice", std::string(kMinimal) + "items_per_day = 5\n",
                                  "t.scenario:5: \"items_per_day\" is set twice (first at line 3)"},
                      BadScenario{"BadTimes", std::string(kMinimal) + "dispatch_departures = 20:00, 07:00\n",
                                  "expected times of day in ascending order"},
                      BadScenario{"ForeignOffice", "name = t\n[operator LV]\noffice_of_exchange = CNSHAA\n",
                                  "[operator LV] needs office_of_exchange, an office of exchange of LV in the operators "
                                  "file (LVRIXA)"},
                      BadScenario{"OfficeNotInTheFile", "name = t\n[operator CN]\noffice_of_exchange = CNPEKA\n",
                                  "[operator CN] needs office_of_exchange, an office of exchange of CN in the "
                                  "operators file (CNSHAA, CNBJSA, CNCANA, CNURCA)"},
                      BadScenario{"CorrespondenceWithoutDirection", std::string(kMinimal) + "[correspondence CN]\n",
                                  "t.scenario:5: a correspondence section is [correspondence from XX] or "
                                  "[correspondence to XX]"},
                      BadScenario{"LettersAbroadGoNowhere",
                                  std::string(kMinimal) + "[correspondence to CN]\noffice_of_exchange = UZTASA\n",
                                  "[correspondence to CN] needs destination_office, an office of exchange of CN in "
                                  "the operators file (CNSHAA, CNBJSA, CNCANA, CNURCA), and delivery_postcodes"},
                      BadScenario{"LettersAbroadLeaveFromUzbekistan",
                                  std::string(kMinimal) +
                                      "[correspondence to CN]\noffice_of_exchange = CNBJSA\ndestination_office = "
                                      "CNBJSA\ndelivery_postcodes = 100000\n",
                                  "[correspondence to CN] needs office_of_exchange, an office of exchange of UZ in the "
                                  "operators file (UZTASA)"},
                      BadScenario{"OrdinaryLettersWithGoods", std::string(kMinimal) + "ordinary_kg_per_day = 3\n",
                                  "[operator CN]: ordinary_kg_per_day is for correspondence sections only"},
                      BadScenario{"TwoFlowsInOneSeries",
                                  std::string(kMinimal) + "[correspondence from CN]\noffice_of_exchange = CNSHAA\n",
                                  "[correspondence from CN]: office_of_exchange CNSHAA already dispatches another "
                                  "flow there"},
                      BadScenario{"NoOperator", "name = t\n", "at least one [operator XX] section is required"},
                      BadScenario{"BadDate", std::string(kMinimal) + "[run]\nstart = 2025-02-30\n",
                                  "t.scenario:6: start \"2025-02-30\": expected a date like 2025-01-01"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ScenarioTest, BuiltInScenariosLoadAndFitTheNetwork) {
  for (const char* name : {"h1-2025", "peak-11-11", "customs-slowdown", "road-closure", "pickup-points"}) {
    const Scenario s = Builtin(name);
    EXPECT_EQ(s.name, name);
    EXPECT_EQ(std::count_if(s.operators.begin(), s.operators.end(),
                            [](const OperatorFlow& f) { return f.kind == OperatorFlow::Kind::kGoods; }),
              3)
        << name;
    EXPECT_TRUE(CheckAgainstNetwork(s, Network()).ok()) << name;
  }
  // road-closure is h1-2025 with one closure.
  const Scenario closure = Builtin("road-closure");
  ASSERT_EQ(closure.closures.size(), 1u);
  EXPECT_EQ(closure.closures[0].from, "UZTASA");
  EXPECT_EQ(closure.operators[0].items_per_day, Builtin("h1-2025").operators[0].items_per_day);
  // It keeps the files it was read from, its base's first, for the report.
  ASSERT_EQ(closure.sources.size(), 2u);
  EXPECT_EQ(closure.sources[0].file, "h1-2025.scenario");
  EXPECT_EQ(closure.sources[1].file, "road-closure.scenario");
  EXPECT_TRUE(closure.sources[1].text.starts_with("#")) << closure.sources[1].text;
  EXPECT_NE(closure.sources[1].text.find("base = h1-2025"), std::string::npos);
  Scenario broken = closure;
  broken.closures[0].to = "140105";
  EXPECT_FALSE(CheckAgainstNetwork(broken, Network()).ok());
  Scenario office_as_centre = Builtin("h1-2025");
  office_as_centre.hub_processing = {{"140100", 3}};
  EXPECT_NE(CheckAgainstNetwork(office_as_centre, Network()).message().find("140100 is not a sorting centre"),
            std::string::npos);
}

TEST(PostalModelTest, H1IsCalibratedTo226TonnesDeliveredByTheEndOfJune) {
  const Scenario s = Builtin("h1-2025");
  PostalModel model(s, Network(), nullptr);
  const RunSummary r = model.Run();
  const double tonnes = r.operators.at("all").delivered_tonnes_window;
  EXPECT_NEAR(tonnes, 226, 226 * 0.05);
  // China sends most; Vanuatu's long route is slowest.
  EXPECT_GT(r.operators.at("CN").posted, 5 * r.operators.at("LV").posted);
  EXPECT_GT(r.operators.at("VU").transit_days.p50, r.operators.at("CN").transit_days.p50);
  EXPECT_EQ(r.operators.at("all").in_flow, 0u) << "the drain days should empty the network";
  // The correspondence exchanged with China both ways, January-June 2025:
  // 3,085 kg and 6,014 registered letters.
  const RunSummary::ByOperator& in = r.operators.at("CN->UZ letters");
  const RunSummary::ByOperator& out = r.operators.at("UZ->CN letters");
  EXPECT_NEAR(in.exchanged_kg + out.exchanged_kg, 3085, 3085 * 0.05);
  EXPECT_NEAR(double(in.exchanged_registered + out.exchanged_registered), 6014, 6014 * 0.05);
  EXPECT_GT(in.exchanged_registered, out.exchanged_registered) << "more comes from China than goes to it";
  EXPECT_EQ(in.in_flow + out.in_flow, 0u);
}

// Latvia's goods are ordered from sellers in China and reach Riga in daily
// bulk shipments: they are posted there together, days after the orders.
TEST(ConsolidationTest, GoodsPostedInRigaArriveInBulkShipmentsFromChina) {
  Scenario s = Builtin("h1-2025");
  s.days = 20;
  s.drain_days = 40;
  Recorder r;
  const RunSummary summary = PostalModel(s, Network(), &r).Run();
  std::set<int64_t> shipments;  // EMA times in Riga
  int64_t first_lv = INT64_MAX, first_cn = INT64_MAX;
  size_t lv = 0;
  for (const core::Item& item : r.items) {
    const int64_t posted = Seconds(item.posted_at);
    if (item.id.HasCountry("LV")) {
      ++lv;
      shipments.insert(Seconds(r.events.at(item.id.Pack()).front().time));
      first_lv = std::min(first_lv, posted);
    } else if (item.id.HasCountry("CN")) {
      first_cn = std::min(first_cn, posted);
    }
  }
  EXPECT_GT(lv, 3000u);
  EXPECT_LE(shipments.size(), size_t(s.days + 1)) << "one posting time per daily shipment";
  EXPECT_LT(first_cn - s.start, 86400) << "China's customers post from the first day";
  EXPECT_GT(first_lv - s.start, 3 * 86400) << "nothing reaches Riga before the first shipment";
  const RunSummary::ByOperator& o = summary.operators.at("LV");
  EXPECT_GT(o.order_to_delivery_days.p50, o.transit_days.p50 + 0.7 * s.operators[1].consolidation_days);
  EXPECT_EQ(summary.operators.at("CN").order_to_delivery_days.p50, summary.operators.at("CN").transit_days.p50);
}

// A registered letter to China: posted at an Uzbek office, dispatched from
// Tashkent to Beijing, received and delivered there, each event reported by
// the operator whose office it happened at.
TEST(CorrespondenceTest, LettersToChinaAreReportedByWhoeverHandlesThem) {
  Scenario s = Builtin("h1-2025");
  s.days = 5;
  s.drain_days = 30;
  Recorder r;
  PostalModel(s, Network(), &r).Run();
  const LocalTime tashkent = *LocalTime::Load("Asia/Tashkent");
  size_t letters = 0;
  for (const core::Item& item : r.items) {
    if (!SentAbroad(item.id)) continue;
    ++letters;
    EXPECT_EQ(Indicator(item.id), "RR");
    EXPECT_EQ(item.recipient.country, "CN");
    EXPECT_EQ(item.dispatch_id.substr(0, 12), "UZTASACNBJSA");
    std::vector<std::pair<core::EventCode, core::Operator>> seen;
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    for (size_t k = 0; k < events.size(); ++k) seen.emplace_back(events[k].code, r.reporters.at(item.id.Pack())[k]);
    using core::EventCode;
    using core::Operator;
    ASSERT_EQ(seen, (std::vector<std::pair<EventCode, Operator>>{{EventCode::kEMA, Operator("UZ")},
                                                                 {EventCode::kEMB, Operator("UZ")},
                                                                 {EventCode::kEMC, Operator("UZ")},
                                                                 {EventCode::kEMD, Operator("CN")},
                                                                 {EventCode::kEMI, Operator("CN")}}))
        << item.id.ToString();
    EXPECT_EQ(events[0].office, item.sender.postcode);
    // Posted over the counter, in opening hours on a working day.
    const int64_t day = tashkent.DayOf(Seconds(events[0].time));
    const int second = tashkent.SecondOfDay(Seconds(events[0].time));
    EXPECT_TRUE(second >= s.office_open && second < s.office_close) << second / 3600.0 << "h";
    EXPECT_TRUE(s.working_days[Weekday(day) - 1]) << "weekday " << Weekday(day);
    EXPECT_EQ(events[1].office, "UZTASA");
    EXPECT_EQ(events[3].office, "CNBJSA");
    EXPECT_TRUE(events[4].office.starts_with("CN")) << events[4].office;
    EXPECT_EQ(core::DeriveState(events).status, core::ItemStatus::kDelivered);
  }
  EXPECT_NEAR(double(letters), 5 * s.operators.back().items_per_day, 25);
}

// Riga's mail changes planes at Istanbul and Port Vila's at Sydney: the
// transit events there are reported by the operators that run those offices
// (TR, AU in data/operators.txt), every other origin-side event by the sender.
TEST(TransitTest, TransitEventsAreReportedByTheOperatorOfTheTransitOffice) {
  Scenario s = Builtin("h1-2025");
  s.days = 10;
  s.drain_days = 20;
  Recorder r;
  PostalModel(s, Network(), &r).Run();
  std::map<std::string, std::set<std::string>> transit;  // sender -> "OFFICE by REPORTER"
  for (const core::Item& item : r.items) {
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    const std::string sender(item.id.country().data(), 2);
    bool returned = false;  // then Uzbekiston Pochtasi reports the way back (ReturnsTest)
    for (size_t k = 0; k < events.size(); ++k) {
      const core::Operator by = r.reporters.at(item.id.Pack())[k];
      if (core::Info(events[k].code).side == core::EventSide::kTransit) {
        transit[sender].insert(events[k].office + " by " + std::string(by.code()));
      } else if (core::Info(events[k].code).side == core::EventSide::kOrigin && !SentAbroad(item.id) && !returned) {
        EXPECT_EQ(by.code(), sender) << item.id.ToString() << " " << core::Name(events[k].code);
      }
      returned |= core::IsReturn(events[k]);
    }
  }
  EXPECT_EQ(transit, (std::map<std::string, std::set<std::string>>{{"LV", {"TRISTA by TR"}},
                                                                    {"VU", {"AUSYDA by AU"}}}));
}

// A new partner is a few lines of the operators file and a section of the
// scenario: Kazakhstan's road link, with its zone from the file.
TEST(OperatorsFileTest, ANewPartnerIsDataNotARelease) {
  absl::StatusOr<core::Operators> file = core::Operators::Parse(
      "operator UZ home Asia/Tashkent Uzbekiston Pochtasi\n"
      "office UZTASA inward Tashkent\n"
      "operator KZ partner Asia/Almaty Kazpost\n"
      "office KZALAA outward Almaty\n",
      "operators.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<Scenario> s = ParseScenario(
      "name = road link\n[run]\ndays = 7\ndrain_days = 20\n[operator KZ]\nitems_per_day = 200\n"
      "office_of_exchange = KZALAA\ndispatch_departures = 06:00\nflight_hours = 14\n",
      "kz.scenario", std::make_shared<const core::Operators>(*std::move(file)));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->operators[0].time_zone, "Asia/Almaty");
  Recorder r;
  const RunSummary summary = PostalModel(*s, Network(), &r).Run();
  ASSERT_TRUE(summary.operators.contains("KZ"));
  EXPECT_GT(summary.operators.at("KZ").delivered, 1000u);
  for (const core::Item& item : r.items) {
    ASSERT_TRUE(item.id.HasCountry("KZ")) << item.id.ToString();
    EXPECT_TRUE(item.dispatch_id.starts_with("KZALAAUZTASA")) << item.dispatch_id;
    EXPECT_EQ(r.reporters.at(item.id.Pack())[0], core::Operator("KZ"));
  }
  // The shipped file has no KZ: the same scenario is refused against it.
  EXPECT_FALSE(ParseScenario("name = road link\n[operator KZ]\noffice_of_exchange = KZALAA\n", "kz.scenario",
                             ShippedOperators())
                   .ok());
}

TEST(PostalModelTest, SameSeedSameRecordsOtherSeedOtherRecords) {
  Scenario s = Builtin("h1-2025");
  s.days = 20;
  s.drain_days = 20;
  Recorder a, b, c;
  PostalModel(s, Network(), &a).Run();
  PostalModel(s, Network(), &b).Run();
  s.seed = 2;
  PostalModel(s, Network(), &c).Run();
  EXPECT_GT(a.count, 100000u);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.count, b.count);
  EXPECT_NE(a.hash, c.hash);
}

TEST(PostalModelTest, EveryItemHasAValidHistoryEndingDeliveredOrReturned) {
  Scenario s = Builtin("h1-2025");
  s.days = 10;
  s.drain_days = 50;  // long enough for duty waits and the holding period
  Recorder r;
  const RunSummary summary = PostalModel(s, Network(), &r).Run();
  uint64_t posted = 0, delivered_by_flow = 0, returned_by_flow = 0;
  for (const OperatorFlow& f : s.operators) {
    posted += summary.operators.at(Label(f)).posted;
    delivered_by_flow += summary.operators.at(Label(f)).delivered;
    returned_by_flow += summary.operators.at(Label(f)).returned;
  }
  ASSERT_EQ(r.items.size(), posted);
  std::set<uint64_t> ids;
  for (const core::Item& item : r.items) ASSERT_TRUE(ids.insert(item.id.Pack()).second) << item.id.ToString() << " twice";
  uint64_t delivered = 0, returned = 0, abroad = 0;
  for (const core::Item& item : r.items) {
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    ASSERT_EQ(events.front().code, core::EventCode::kEMA);
    // Uzbek offices are in the network: destination-side events of mail to
    // Uzbekistan, origin-side ones of letters sent abroad.
    const bool abroad_item = SentAbroad(item.id);
    abroad += abroad_item;
    bool leaving = abroad_item;  // and after a return to sender, the other way
    for (const core::TrackingEvent& e : events) {
      ASSERT_GE(e.time, item.posted_at) << item.id.ToString();
      const core::EventSide side = core::Info(e.code).side;
      const bool in_uzbekistan =
          side != core::EventSide::kTransit && (side == core::EventSide::kDestination) != leaving;
      ASSERT_EQ(Network().Find(e.office).has_value(), in_uzbekistan)
          << item.id.ToString() << " " << core::Name(e.code) << " at " << e.office;
      if (e.code == core::EventCode::kEMH && e.measure == core::NonDeliveryMeasure::kReturnToSender) leaving = !leaving;
    }
    const core::ItemStatus status = core::DeriveState(events).status;
    ASSERT_TRUE(status == core::ItemStatus::kDelivered || status == core::ItemStatus::kReturned)
        << item.id.ToString() << " ends " << core::Name(status);
    delivered += status == core::ItemStatus::kDelivered;
    returned += status == core::ItemStatus::kReturned;
    const std::string& postcode = abroad_item ? item.sender.postcode : item.recipient.postcode;
    ASSERT_TRUE(Network().FindOffice(*core::Postcode::Parse(postcode)).has_value()) << item.id.ToString();
  }
  // The store's derived status and the summary's counts agree, customs
  // refusals included.
  EXPECT_EQ(delivered, delivered_by_flow);
  EXPECT_EQ(returned, returned_by_flow);
  EXPECT_GT(summary.customs.refused + summary.customs.unpaid, 0u);
  EXPECT_GT(abroad, 0u) << "h1-2025 sends letters to China";
}

// A returned item goes home: back to Tashkent (EMB), out in a return
// dispatch to its flow's office of exchange (EMC), through the flow's
// transit office (EMJ, EMK), received there by its operator (EMD); each
// report from the operator whose office it is, and the item stays returned.
TEST(ReturnsTest, ReturnedItemsGoBackInReturnDispatchesAndStayReturned) {
  Scenario s = Builtin("h1-2025");
  s.days = 10;
  s.drain_days = 60;
  Recorder r;
  const RunSummary summary = PostalModel(s, Network(), &r).Run();
  std::map<std::string, std::string> return_dispatch_of;  // item -> S8
  for (const Dispatch& d : r.dispatches) {
    if (d.id.origin() != "UZTASA") continue;
    for (const Dispatch::Receptacle& rec : d.receptacles) {
      for (core::ItemId id : rec.items) {
        if (!SentAbroad(id)) {
          EXPECT_TRUE(return_dispatch_of.emplace(id.ToString(), d.id.ToString()).second);
        }
      }
    }
  }
  uint64_t returned = 0, home = 0, through_transit = 0;
  for (const core::Item& item : r.items) {
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    const std::vector<core::Operator>& by = r.reporters.at(item.id.Pack());
    const auto rts = std::find_if(events.begin(), events.end(), [](const core::TrackingEvent& e) {
      return e.code == core::EventCode::kEMH && e.measure == core::NonDeliveryMeasure::kReturnToSender;
    });
    if (rts == events.end() || SentAbroad(item.id)) continue;
    ++returned;
    ASSERT_EQ(core::DeriveState(events).status, core::ItemStatus::kReturned) << item.id.ToString();
    const size_t k = size_t(rts - events.begin());
    ASSERT_GE(events.size(), k + 3) << item.id.ToString() << " did not leave Tashkent";
    const core::Operator partner = *core::Operator::Parse(std::string_view(item.id.country().data(), 2));
    const std::string origin_office = item.dispatch_id.substr(0, 6);
    EXPECT_EQ(events[k + 1].code, core::EventCode::kEMB);
    EXPECT_EQ(events[k + 1].office, "UZTASA");
    EXPECT_EQ(by[k + 1], core::kUzbekistanPost);
    EXPECT_EQ(events[k + 2].code, core::EventCode::kEMC);
    EXPECT_EQ(by[k + 2], core::kUzbekistanPost);
    EXPECT_LT(events[k + 1].time, events[k + 2].time);
    ASSERT_TRUE(return_dispatch_of.contains(item.id.ToString())) << item.id.ToString() << " in no return dispatch";
    EXPECT_TRUE(return_dispatch_of[item.id.ToString()].starts_with("UZTASA" + origin_office))
        << return_dispatch_of[item.id.ToString()];
    // Through the flow's transit office, if it has one, reported by its operator.
    size_t next = k + 3;
    const std::string transit = partner == core::Operator("LV")   ? "TRISTA"
                                : partner == core::Operator("VU") ? "AUSYDA"
                                                                  : "";
    if (!transit.empty() && events.size() > next) {
      ASSERT_GE(events.size(), next + 2) << item.id.ToString();
      for (core::EventCode code : {core::EventCode::kEMJ, core::EventCode::kEMK}) {
        EXPECT_EQ(events[next].code, code) << item.id.ToString();
        EXPECT_EQ(events[next].office, transit);
        EXPECT_EQ(by[next].code(), transit.substr(0, 2));
        ++next;
      }
      ++through_transit;
    }
    if (events.size() > next) {
      ++home;
      EXPECT_EQ(events[next].code, core::EventCode::kEMD);
      EXPECT_EQ(events[next].office, origin_office);
      EXPECT_EQ(by[next], partner);
      EXPECT_EQ(events.size(), next + 1) << item.id.ToString();
    }
  }
  EXPECT_GT(through_transit, 10u);
  EXPECT_GT(returned, 100u);
  EXPECT_EQ(summary.returns.dispatched, returned);
  EXPECT_EQ(summary.returns.home, home);
  EXPECT_GT(home, returned * 9 / 10);
  EXPECT_GT(summary.returns.dispatches, 5u);
  EXPECT_GT(summary.returns.days_p50, s.returns.to_exchange_days);
  // Every return is counted once in the summary, by flow and in the returns.
  uint64_t by_flow = 0;
  for (const OperatorFlow& f : s.operators) by_flow += summary.operators.at(Label(f)).returned;
  EXPECT_EQ(summary.returns.returned, by_flow);
}

// Short runs of h1-2025 with every record kept.
Recorder RecordShortRun(Scenario s, int days = 10, int drain_days = 40) {
  s.days = days;
  s.drain_days = drain_days;
  Recorder r;
  PostalModel(s, Network(), &r).Run();
  return r;
}

core::Timestamp EventTime(const Recorder& r, core::ItemId id, core::EventCode code) {
  for (const core::TrackingEvent& e : r.events.at(id.Pack())) {
    if (e.code == code) return e.time;
  }
  ADD_FAILURE() << id.ToString() << " has no " << core::Name(code);
  return {};
}

TEST(DispatchingTest, EveryItemTravelsInOneReceptacleOfANumberedDispatch) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  ASSERT_FALSE(r.dispatches.empty());
  std::map<std::string, std::string> receptacle_of;  // item -> S9, from the dispatches
  std::map<std::string, int> last_number;             // series (S8 without the number) -> last number
  const double max_g = s.dispatching.receptacle_max_kg * 1000, tare_g = s.dispatching.receptacle_tare_kg * 1000;
  std::map<std::string, uint32_t> weight;
  for (const core::Item& item : r.items) weight[item.id.ToString()] = item.weight_grams;
  size_t ordinary_bags = 0;
  for (const Dispatch& d : r.dispatches) {
    const std::string series(d.id.text().substr(0, 16));
    EXPECT_EQ(d.id.number(), ++last_number[series]) << d.id.ToString() << ": numbers run on in each series";
    if (d.id.origin() == "UZTASA" && !d.receptacles[0].items.empty() && !SentAbroad(d.receptacles[0].items[0])) {
      continue;  // returns, going back (ReturnsTest)
    }
    // To Tashkent, or from it to China's office of exchange for letters.
    EXPECT_EQ(d.id.destination(), d.id.origin() == "UZTASA" ? "CNBJSA" : "UZTASA") << d.id.ToString();
    EXPECT_EQ(d.id.category(), core::MailCategory::kPriority);
    ASSERT_FALSE(d.receptacles.empty());
    for (size_t k = 0; k < d.receptacles.size(); ++k) {
      const Dispatch::Receptacle& rec = d.receptacles[k];
      EXPECT_EQ(rec.id.dispatch(), d.id);
      EXPECT_EQ(rec.id.number(), int(k + 1));
      EXPECT_EQ(rec.id.highest(), k + 1 == d.receptacles.size()) << rec.id.ToString();
      if (rec.items.empty()) {  // ordinary letters, by weight
        ++ordinary_bags;
        EXPECT_EQ(d.id.mail_class(), core::MailClass::kLetterPost) << rec.id.ToString();
        EXPECT_NE(rec.id.contents(), core::ReceptacleContents::kRegisteredOrInsured) << rec.id.ToString();
        EXPECT_LE(rec.id.weight_hectograms(), max_g / 100 + 0.5) << rec.id.ToString();
        EXPECT_GT(rec.id.weight_hectograms(), tare_g / 100) << rec.id.ToString();
        continue;
      }
      double gross = tare_g;
      for (core::ItemId id : rec.items) {
        EXPECT_TRUE(receptacle_of.emplace(id.ToString(), rec.id.ToString()).second) << id.ToString() << " twice";
        EXPECT_EQ(core::LookupServiceIndicator(Indicator(id))->mail_class, d.id.mail_class());
        const bool registered = Indicator(id)[0] == 'R' || Indicator(id)[0] == 'V';
        EXPECT_EQ(rec.id.contents() == core::ReceptacleContents::kRegisteredOrInsured, registered);
        gross += weight[id.ToString()];
      }
      EXPECT_NEAR(rec.id.weight_hectograms(), gross / 100, 0.51) << rec.id.ToString();
      if (rec.items.size() > 1) {
        EXPECT_LE(gross, max_g) << rec.id.ToString() << " is overweight";
      }
    }
  }
  EXPECT_GT(ordinary_bags, 10u) << "ordinary letters travel in bags of their own";
  // Each item's pre-advice names the receptacle that lists it.
  ASSERT_EQ(receptacle_of.size(), r.items.size());
  for (const core::Item& item : r.items) {
    EXPECT_EQ(item.receptacle_id, receptacle_of[item.id.ToString()]);
    EXPECT_EQ(item.dispatch_id, item.receptacle_id.substr(0, 20));
  }
}

TEST(DispatchingTest, ReceptaclesCloseAtTheCutOffAndLeaveOnAFlight) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  for (const core::Item& item : r.items) {
    const std::string& outward = r.events.at(item.id.Pack())[1].office;  // EMB
    const OperatorFlow& f = *std::find_if(s.operators.begin(), s.operators.end(),
                                          [&](const OperatorFlow& f) { return f.office_of_exchange == outward; });
    const core::Timestamp emb = EventTime(r, item.id, core::EventCode::kEMB);
    const core::Timestamp emc = EventTime(r, item.id, core::EventCode::kEMC);
    ASSERT_GE(emc - emb, std::chrono::seconds(int64_t(f.cutoff_hours * 3600))) << item.id.ToString();
    // On the timetable, in the local time of the office of exchange.
    const int departure = LocalTime::Load(f.time_zone)->SecondOfDay(emc.time_since_epoch().count());
    ASSERT_TRUE(std::find(f.dispatch_departures.begin(), f.dispatch_departures.end(), departure) !=
                f.dispatch_departures.end())
        << item.id.ToString() << " left at " << departure << "s after midnight, " << f.time_zone;
  }
}

TEST(DispatchingTest, AFullFlightLeavesWholeReceptaclesForTheNext) {
  Scenario s = Builtin("h1-2025");
  s.operators.resize(1);  // China only
  s.operators[0].flight_capacity_kg = 200;
  const Recorder r = RecordShortRun(s, 5, 60);
  std::map<std::string, std::set<int64_t>> departures;  // receptacle -> EMC times of its items
  std::map<int64_t, std::set<std::string>> flights;     // EMC time -> receptacles
  for (const core::Item& item : r.items) {
    const int64_t emc = EventTime(r, item.id, core::EventCode::kEMC).time_since_epoch().count();
    departures[item.receptacle_id].insert(emc);
    flights[emc].insert(item.receptacle_id);
  }
  for (const auto& [receptacle, times] : departures) EXPECT_EQ(times.size(), 1u) << receptacle << " was split";
  for (const auto& [time, receptacles] : flights) {
    int hectograms = 0;
    for (const std::string& id : receptacles) hectograms += core::ReceptacleId::Parse(id)->weight_hectograms();
    EXPECT_LE(hectograms, 2000 + 5 * int(receptacles.size())) << "flight at " << time;  // kilograms rounded up
  }
  EXPECT_GT(flights.size(), 10u) << "the backlog should take many flights";
}

TEST(DispatchingTest, MissentReceptaclesArriveDaysLate) {
  Scenario s = Builtin("h1-2025");
  s.operators.resize(1);
  s.dispatching.missent_share = 0.2;
  s.dispatching.missent_days = 5;
  const Recorder r = RecordShortRun(s, 10, 40);
  std::map<std::string, bool> late;  // receptacle -> its items arrived a day or more late
  const auto on_time = std::chrono::seconds(int64_t((s.operators[0].flight_hours + s.dispatching.ground_hours) * 3600));
  for (const core::Item& item : r.items) {
    const auto took = EventTime(r, item.id, core::EventCode::kEMD) - EventTime(r, item.id, core::EventCode::kEMC);
    ASSERT_GE(took, on_time) << item.id.ToString();
    const bool is_late = took > on_time + std::chrono::hours(24);
    const auto [it, first] = late.emplace(item.receptacle_id, is_late);
    EXPECT_EQ(it->second, is_late) << item.receptacle_id << ": its items arrive together";
  }
  double share = 0;
  for (const auto& [receptacle, is_late] : late) share += is_late;
  share /= double(late.size());
  EXPECT_NEAR(share, 0.2, 0.06) << late.size() << " receptacles";
}

bool Has(const Recorder& r, core::ItemId id, core::EventCode code) {
  for (const core::TrackingEvent& e : r.events.at(id.Pack())) {
    if (e.code == code) return true;
  }
  return false;
}

TEST(CustomsTest, EveryItemIsPresentedAndLeavesCustomsOnce) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  size_t held = 0, goods = 0, letters = 0;
  for (const core::Item& item : r.items) {
    std::map<core::EventCode, int> count;  // in Tashkent
    for (const core::TrackingEvent& e : r.events.at(item.id.Pack())) count[e.code] += Network().Find(e.office).has_value();
    if (SentAbroad(item.id)) {  // China's customs are not modelled
      ASSERT_EQ(count[core::EventCode::kEDB], 0) << item.id.ToString();
      continue;
    }
    ASSERT_EQ(count[core::EventCode::kEMD], 1) << item.id.ToString();
    ASSERT_EQ(count[core::EventCode::kEDB], 1) << item.id.ToString() << " was not presented to customs";
    ASSERT_EQ(count[core::EventCode::kEDC] + count[core::EventCode::kEDX], 1) << item.id.ToString();
    ASSERT_LE(EventTime(r, item.id, core::EventCode::kEMD), EventTime(r, item.id, core::EventCode::kEDB));
    if (item.contents.empty()) {  // documents: released on sight
      ++letters;
      ASSERT_EQ(count[core::EventCode::kEME] + count[core::EventCode::kEDX], 0) << item.id.ToString();
      continue;
    }
    ++goods;
    for (const core::TrackingEvent& e : r.events.at(item.id.Pack())) {
      held += e.code == core::EventCode::kEME && e.reason != core::EventReason::kDutyPayment;
    }
  }
  EXPECT_GT(letters, 100u);
  // Yellow and red goods are held (EME) for documents or an inspection.
  const double expected = s.customs.channels[1] + s.customs.channels[2];
  EXPECT_NEAR(double(held) / double(goods), expected, 0.02);
}

// Every retention, refusal and failed delivery says why, with a coded
// reason that fits its event; the reasons match what happened.
TEST(ReasonTest, RetentionsRefusalsAndFailuresCarryCodedReasons) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  std::map<core::EventReason, size_t> by_reason;
  size_t refusals = 0, dutiable = 0;
  for (const core::Item& item : r.items) {
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    bool awaiting_duty = false, prohibited = false;
    for (const core::TrackingEvent& e : events) {
      const bool needs_reason = e.code == core::EventCode::kEME || e.code == core::EventCode::kEMH ||
                                e.code == core::EventCode::kEDX;
      ASSERT_EQ(needs_reason, e.reason != core::EventReason::kNone)
          << item.id.ToString() << " " << core::Name(e.code) << " " << core::Name(e.reason);
      ASSERT_TRUE(core::ReasonFits(e.reason, e.code)) << item.id.ToString() << " " << core::Name(e.code);
      ++by_reason[e.reason];
      awaiting_duty |= e.reason == core::EventReason::kDutyPayment;
      prohibited |= e.reason == core::EventReason::kProhibited;
      if (e.code == core::EventCode::kEDX) {
        ++refusals;
        // The return that follows gives the same reason.
        const auto rts = std::find_if(events.begin(), events.end(), [](const core::TrackingEvent& x) {
          return x.code == core::EventCode::kEMH && x.measure == core::NonDeliveryMeasure::kReturnToSender;
        });
        ASSERT_NE(rts, events.end()) << item.id.ToString();
        EXPECT_EQ(rts->reason, e.reason) << item.id.ToString();
      }
    }
    if (prohibited) continue;  // refused at the inspection, before any duty
    if (!SentAbroad(item.id) && item.declared_value_minor > s.customs.duty_free_usd * 100) {
      ++dutiable;
      EXPECT_TRUE(awaiting_duty) << item.id.ToString() << " is dutiable and never waited to pay";
    } else {
      EXPECT_FALSE(awaiting_duty) << item.id.ToString() << " owes no duty";
    }
  }
  EXPECT_GT(dutiable, 100u);
  EXPECT_GT(refusals, 10u);
  for (core::EventReason seen : {core::EventReason::kAddresseeAbsent, core::EventReason::kUnclaimed,
                                 core::EventReason::kDocuments, core::EventReason::kInspection,
                                 core::EventReason::kDutyPayment, core::EventReason::kProhibited}) {
    EXPECT_GT(by_reason[seen], 0u) << core::Name(seen);
  }
}

TEST(CustomsTest, OnlyItemsDeclaredAboveTheThresholdWaitToPay) {
  Scenario s = Builtin("h1-2025");
  s.customs.channels = {1, 0, 0};  // everything green: the only wait is the duty
  s.customs.green_minutes = 10;
  s.customs.unpaid_share = 0;
  const Recorder r = RecordShortRun(s);
  std::vector<double> dutiable_hours;
  size_t free = 0;
  for (const core::Item& item : r.items) {
    if (SentAbroad(item.id)) continue;
    const double hours = std::chrono::duration<double>(EventTime(r, item.id, core::EventCode::kEDC) -
                                                       EventTime(r, item.id, core::EventCode::kEDB))
                             .count() /
                         3600;
    if (item.declared_value_minor > s.customs.duty_free_usd * 100) {
      dutiable_hours.push_back(hours);
    } else {
      ++free;
      ASSERT_LT(hours, 6) << item.id.ToString() << " is duty-free and waited";
    }
  }
  ASSERT_GT(dutiable_hours.size(), 100u);
  ASSERT_GT(free, 10 * dutiable_hours.size());
  std::sort(dutiable_hours.begin(), dutiable_hours.end());
  EXPECT_GT(dutiable_hours[dutiable_hours.size() / 2], 24) << "the median dutiable item waits days to be paid";
}

TEST(CustomsTest, UnpaidDutyAndRefusalsEndReturned) {
  Scenario s = Builtin("h1-2025");
  s.customs.unpaid_share = 1;
  s.customs.refusal_share = 0.5;
  Recorder r;
  s.days = 10;
  s.drain_days = 40;
  const RunSummary summary = PostalModel(s, Network(), &r).Run();
  EXPECT_GT(summary.customs.unpaid, 100u);
  EXPECT_GT(summary.customs.refused, 100u);
  uint64_t stopped = 0;
  for (const core::Item& item : r.items) {
    if (!Has(r, item.id, core::EventCode::kEDX)) continue;
    ++stopped;
    EXPECT_FALSE(Has(r, item.id, core::EventCode::kEMF)) << item.id.ToString() << " left customs after EDX";
    EXPECT_EQ(core::DeriveState(r.events.at(item.id.Pack())).status, core::ItemStatus::kReturned) << item.id.ToString();
    if (item.declared_value_minor > s.customs.duty_free_usd * 100 && !Has(r, item.id, core::EventCode::kEME)) {
      // Green and unpaid: returned when the holding period ends.
      EXPECT_GE(EventTime(r, item.id, core::EventCode::kEDX) - EventTime(r, item.id, core::EventCode::kEDB),
                std::chrono::hours(24 * s.holding_days));
    }
  }
  EXPECT_EQ(stopped, summary.customs.unpaid + summary.customs.refused);
}

TEST(CustomsTest, DeclaredValuesComeFromMailClassAndContents) {
  const Recorder r = RecordShortRun(Builtin("h1-2025"));
  std::map<core::MailClass, std::pair<double, int>> value;  // sum, count
  std::set<std::string> hs_codes;
  for (const core::Item& item : r.items) {
    if (item.contents.empty()) {  // correspondence: documents
      EXPECT_EQ(item.declared_value_minor, 0u) << item.id.ToString();
      EXPECT_EQ(Indicator(item.id), "RR") << item.id.ToString();
      continue;
    }
    ASSERT_EQ(item.contents.size(), 1u);
    EXPECT_EQ(item.contents[0].value_minor, item.declared_value_minor);
    hs_codes.insert(item.contents[0].hs_code);
    value[item.mail_class].first += double(item.declared_value_minor) / 100;
    ++value[item.mail_class].second;
  }
  EXPECT_EQ(hs_codes.size(), 7u);
  const auto mean = [&](core::MailClass c) { return value[c].first / value[c].second; };
  EXPECT_NEAR(mean(core::MailClass::kLetterPost), 12, 1.5);
  EXPECT_NEAR(mean(core::MailClass::kParcels), 45, 5);
}

// Delivery offices work on Tashkent's clock and calendar: every event at
// one falls within office hours on a working day that is no holiday.
TEST(LocalTimeModelTest, DeliveryOfficesWorkTheirHoursInTashkentTime) {
  Scenario s = Builtin("h1-2025");
  s.start = Seconds(core::Timestamp(std::chrono::sys_days(std::chrono::year(2025) / 3 / 1)));  // Navruz, Hayit
  const Recorder r = RecordShortRun(s, 20, 40);
  const LocalTime tashkent = *LocalTime::Load("Asia/Tashkent");
  std::set<int> weekdays;
  size_t checked = 0;
  for (const auto& [key, events] : r.events) {
    if (SentAbroad(*core::ItemId::Unpack(key))) continue;  // delivered in China
    for (const core::TrackingEvent& e : events) {
      if (e.code != core::EventCode::kEMG && e.code != core::EventCode::kEDG && e.code != core::EventCode::kEMH &&
          e.code != core::EventCode::kEDH && e.code != core::EventCode::kEMI) {
        continue;
      }
      const std::optional<core::FacilityId> at = Network().Find(e.office);
      if (!at) continue;  // a locker or pick-up point: PickupTest
      if (Network().facility(*at).kind != core::FacilityKind::kDeliveryOffice) continue;  // customs returns: EMH at UZTASA
      const int64_t day = tashkent.DayOf(Seconds(e.time));
      const int second = tashkent.SecondOfDay(Seconds(e.time));
      ASSERT_TRUE(second >= s.office_open && second <= s.office_close)
          << core::Name(e.code) << " at " << second / 3600.0 << "h Tashkent time";
      ASSERT_TRUE(s.working_days[Weekday(day) - 1]) << core::Name(e.code) << " on weekday " << Weekday(day);
      ASSERT_TRUE(std::find(s.holidays.begin(), s.holidays.end(), day) == s.holidays.end())
          << core::Name(e.code) << " on a holiday, day " << day;
      if (e.code == core::EventCode::kEDG) {
        ASSERT_EQ(second, s.delivery_hour * 3600) << "rounds start at the delivery hour";
      }
      weekdays.insert(Weekday(day));
      ++checked;
    }
  }
  EXPECT_GT(checked, 100000u);
  EXPECT_EQ(weekdays, (std::set<int>{1, 2, 3, 4, 5, 6}));
}

TEST(LocalTimeModelTest, LineHaulAndShiftsRunOnTashkentTime) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  const LocalTime tashkent = *LocalTime::Load("Asia/Tashkent");
  for (const auto& [key, events] : r.events) {
    for (const core::TrackingEvent& e : events) {
      const int second = tashkent.SecondOfDay(Seconds(e.time));
      if (e.code == core::EventCode::kEMF) {  // trucks and flights from UZTASA
        const bool truck = std::find(s.truck_departures.begin(), s.truck_departures.end(), second) !=
                           s.truck_departures.end();
        const bool air =
            std::find(s.air_departures.begin(), s.air_departures.end(), second) != s.air_departures.end();
        ASSERT_TRUE(truck || air) << "EMF at " << second / 3600.0 << "h";
      }
      if (e.code == core::EventCode::kEDB) {
        // Presented to customs by the arrival scan, in a shift; a scan under
        // way when the shift ends (one of 20 lines: 20 h / scan_per_hour) is finished.
        const int scan_seconds = 20 * 3600 / s.scan_per_hour;
        ASSERT_TRUE(second > s.shift_start_hour * 3600 && second <= s.shift_end_hour * 3600 + scan_seconds)
            << "EDB at " << second / 3600.0 << "h";
      }
    }
  }
}

// Postings follow the origin's calendar: the Chinese New Year trough
// (2025-01-22, x0.45, back to normal over 24 days) against early March.
TEST(LocalTimeModelTest, TheChineseNewYearEmptiesTheOrigin) {
  Scenario s = Builtin("h1-2025");
  s.operators.resize(1);
  s.days = 70;
  s.drain_days = 0;
  Recorder r;
  PostalModel(s, Network(), &r).Run();
  const LocalTime beijing = *LocalTime::Load("Asia/Shanghai");
  std::map<int64_t, int> posted;  // Beijing day -> items
  for (const core::Item& item : r.items) ++posted[beijing.DayOf(Seconds(item.posted_at))];
  const int64_t jan22 = 20089 + 21, mar3 = 20089 + 31 + 28 + 2;  // both Wednesdays
  double trough = 0, normal = 0;
  for (int k = 0; k < 3; ++k) {
    trough += posted[jan22 + k];
    normal += posted[mar3 + k];
  }
  EXPECT_NEAR(trough / normal, 0.45 + 0.55 / 24, 0.08);
}

// Small packets are collected at the office after a notice; parcels and
// EMS mostly go to the door, by the scenario's shares.
TEST(LastMileTest, SmallPacketsAreCollectedAfterANotice) {
  const Scenario s = Builtin("h1-2025");
  const Recorder r = RecordShortRun(s);
  std::map<core::MailClass, std::pair<int, int>> door;  // mail class -> (to the door, all)
  std::vector<double> wait_days;
  for (const core::Item& item : r.items) {
    if (SentAbroad(item.id)) continue;
    const bool rounds = Has(r, item.id, core::EventCode::kEDG);
    ++door[item.mail_class].second;
    door[item.mail_class].first += rounds;
    if (rounds || !Has(r, item.id, core::EventCode::kEMI)) continue;
    // Collected: the notice (EDH) came after arrival, the collection after the notice.
    const core::Timestamp notice = EventTime(r, item.id, core::EventCode::kEDH);
    ASSERT_GT(notice, EventTime(r, item.id, core::EventCode::kEMG)) << item.id.ToString();
    wait_days.push_back(std::chrono::duration<double>(EventTime(r, item.id, core::EventCode::kEMI) - notice).count() /
                        86400);
  }
  for (const auto& [mail_class, counts] : door) {
    EXPECT_NEAR(double(counts.first) / counts.second, s.home_delivery[size_t(mail_class)], 0.03)
        << core::Name(mail_class);
  }
  const double mean = std::accumulate(wait_days.begin(), wait_days.end(), 0.0) / double(wait_days.size());
  EXPECT_NEAR(mean, s.collection_days, 0.75) << "a day's wait is rounded to opening hours and working days";
}

// Each sorting centre handles items for its own time, arrival to departure scan.
TEST(LineHaulTest, SortingCentresTakeTheirOwnHandlingTime) {
  Scenario s = Builtin("h1-2025");
  s.hub_processing = {{"SC-SKD", 10}};
  const Recorder r = RecordShortRun(s, 5, 40);
  std::map<std::string, std::set<int64_t>> handling;  // centre -> EDE - EDD, seconds
  for (const auto& [key, events] : r.events) {
    std::map<std::string, core::Timestamp> in;
    for (const core::TrackingEvent& e : events) {
      if (e.code == core::EventCode::kEDD) in[e.office] = e.time;
      if (e.code == core::EventCode::kEDE) handling[e.office].insert((e.time - in.at(e.office)).count());
    }
  }
  EXPECT_EQ(handling.at("SC-SKD"), (std::set<int64_t>{10 * 3600}));
  EXPECT_EQ(handling.at("SC-TAS"), (std::set<int64_t>{2 * 3600}));
}

// Little's law over a run that starts and ends empty: the time-average
// number of items in the network equals arrivals per day times mean days
// in the network.
TEST(PostalModelTest, LittlesLawHoldsOnTheWholeNetwork) {
  const RunSummary r = PostalModel(Builtin("h1-2025"), Network(), nullptr).Run();
  ASSERT_EQ(r.operators.at("all").in_flow, 0u);
  EXPECT_NEAR(r.mean_in_system, r.arrivals_per_day * r.mean_days_in_system, 0.01 * r.mean_in_system);
}

TEST(PostalModelTest, ACustomsSlowdownPilesUpAtCustoms) {
  const RunSummary normal = PostalModel(Builtin("h1-2025"), Network(), nullptr).Run();
  const RunSummary slow = PostalModel(Builtin("customs-slowdown"), Network(), nullptr).Run();
  const auto customs = [](const RunSummary& r) { return r.facilities[2]; };
  EXPECT_EQ(customs(slow).name, "UZTASA customs inspection");
  EXPECT_GT(customs(slow).peak_backlog, 50 * customs(normal).peak_backlog);
  EXPECT_GT(slow.operators.at("all").transit_days.p90, 2 * normal.operators.at("all").transit_days.p90);
}

TEST(PostalModelTest, AClosedRoadSendsSamarkandMailThroughJizzakh) {
  const RunSummary normal = PostalModel(Builtin("h1-2025"), Network(), nullptr).Run();
  const RunSummary closed = PostalModel(Builtin("road-closure"), Network(), nullptr).Run();
  const auto waiting_at = [](const RunSummary& r, const std::string& code) {
    for (const FacilityLoad& f : r.facilities) {
      if (f.name == "waiting for line-haul at " + code) return f.peak_backlog;
    }
    return size_t(0);
  };
  EXPECT_GT(waiting_at(closed, "SC-JIZ"), waiting_at(normal, "SC-JIZ"));
  // Re-routed, not stuck: at most the odd item of the longest tail (a missent
  // receptacle, a long customs hold, the holding period) is still under way.
  EXPECT_LT(closed.operators.at("all").in_flow, 5u);
}

// The summary carries what the report draws: each transit-time
// distribution at every percentile, and the goods delivered week by week.
TEST(PostalModelTest, TheSummaryCarriesDistributionsAndWeeks) {
  Scenario s = Builtin("h1-2025");
  s.days = 28;
  const RunSummary r = PostalModel(s, Network(), nullptr).Run();
  const RunSummary::ByOperator& all = r.operators.at("all");
  const std::vector<float>& cdf = all.transit_days.cdf;
  ASSERT_EQ(cdf.size(), 101u);
  EXPECT_TRUE(std::is_sorted(cdf.begin(), cdf.end()));
  EXPECT_EQ(cdf[50], float(all.transit_days.p50));
  EXPECT_EQ(cdf[90], float(all.transit_days.p90));
  EXPECT_LT(cdf[0], cdf[100]);
  for (const auto& [region, p] : r.by_region) EXPECT_EQ(p.cdf.size(), p.count ? 101u : 0u) << region;
  uint64_t delivered = 0, on_time = 0;
  for (const RunSummary::Week& w : r.weeks) {
    delivered += w.delivered;
    on_time += w.on_time;
  }
  EXPECT_EQ(delivered, all.delivered);
  EXPECT_DOUBLE_EQ(double(on_time) / double(delivered), all.on_time_share);
  EXPECT_EQ(r.weeks.size(), size_t((s.days + s.drain_days) / 7 + 1));
}

// The report charts the items held in customs hour by hour: every item
// presented leaves customs (released or refused) in some hour, or is still
// there at the end; the peak is at least the hour-end count.
TEST(PostalModelTest, TheHoursCountTheItemsHeldInCustoms) {
  Scenario s = Builtin("customs-slowdown");
  s.days = 28;
  s.drain_days = 3;
  PostalModel model(s, Network(), nullptr);
  const RunSummary r = model.Run();
  const std::vector<std::string>& names = model.facility_names();
  const size_t k = size_t(std::find(names.begin(), names.end(), "UZTASA in customs, all channels") - names.begin());
  ASSERT_LT(k, names.size());
  ASSERT_EQ(r.facilities[k].name, names[k]);
  uint64_t left = 0;
  size_t highest = 0;
  for (const HourlySample& h : model.hourly()) {
    left += h.facilities[k].throughput;
    highest = std::max(highest, h.facilities[k].backlog);
    EXPECT_EQ(h.facilities[k].utilisation, 0);
  }
  EXPECT_GT(r.in_customs_at_end, 0u);  // three days do not drain the slowdown
  EXPECT_EQ(model.hourly().back().facilities[k].backlog, r.in_customs_at_end);
  EXPECT_EQ(left + r.in_customs_at_end, r.customs.presented);
  EXPECT_GE(r.facilities[k].peak_backlog, highest);
  EXPECT_GT(highest, r.facilities[k + 1].peak_backlog);  // more are held than wait for an officer
}

// The shipped network with every locker and pick-up point `capacity` items big.
core::Network WithPickupCapacity(uint32_t capacity) {
  std::ifstream in(POCHTA_NETWORK_FILE);
  std::string text, line;
  while (std::getline(in, line)) {
    if (line.starts_with("pickup ")) {
      std::istringstream fields(line);
      std::string record, code, kind, office, old_capacity, name;
      fields >> record >> code >> kind >> office >> old_capacity;
      std::getline(fields, name);
      line = "pickup " + code + " " + kind + " " + office + " " + std::to_string(capacity) + name;
    }
    text += line + "\n";
  }
  absl::StatusOr<core::Network> network = core::Network::Parse(text, "small-lockers.txt");
  EXPECT_TRUE(network.ok()) << network.status();
  return *std::move(network);
}

// A short run of pickup-points, every record kept, on `network`.
std::pair<Recorder, RunSummary> RecordPickupRun(const core::Network& network) {
  Scenario s = Builtin("pickup-points");
  s.days = 10;
  s.drain_days = 40;
  s.collection_share = 0.9;  // some items are never collected: both endings happen
  std::pair<Recorder, RunSummary> run;
  run.second = PostalModel(s, network, &run.first).Run();
  return run;
}

const core::PickupPoint* PickupAt(const core::Network& network, const std::string& code) {
  const std::optional<core::PickupPointId> id = network.FindPickupPoint(code);
  return id ? &network.pickup_point(*id) : nullptr;
}

// Where the delivery office fills lockers or pick-up points, the scenario's
// share of items goes to one on the next round (EDG at the office, EDH
// there), and leaves it collected (EMI there) or, after
// pickup_holding_days, taken back to the counter (EMH unclaimed there, EDH
// at the office).
TEST(PickupTest, ItemsForALockerAreLeftThereThenCollectedOrTakenBack) {
  const Scenario s = Builtin("pickup-points");
  const auto& [r, summary] = RecordPickupRun(Network());
  uint64_t left = 0, collected = 0, taken_back = 0;
  std::map<core::MailClass, std::pair<int, int>> addressed;  // of items at an office with pickup points: (to one, all)
  for (const core::Item& item : r.items) {
    if (SentAbroad(item.id)) continue;
    const std::vector<core::TrackingEvent>& events = r.events.at(item.id.Pack());
    const auto emg = std::find_if(events.begin(), events.end(),
                                  [](const core::TrackingEvent& e) { return e.code == core::EventCode::kEMG; });
    if (emg == events.end() || Network().PickupPointsOf(*Network().Find(emg->office)).empty()) continue;
    bool to_pickup = false;
    for (size_t k = 0; k < events.size(); ++k) {
      const core::TrackingEvent& e = events[k];
      const core::PickupPoint* point = PickupAt(Network(), e.office);
      if (point == nullptr || e.code != core::EventCode::kEDH) continue;
      to_pickup = true;
      ++left;
      const std::string& office = Network().facility(point->office).code;
      EXPECT_EQ(office, emg->office) << "one of its own office's";
      ASSERT_TRUE(k >= 1 && k + 1 < events.size()) << item.id.ToString();
      EXPECT_EQ(events[k - 1].code, core::EventCode::kEDG);
      EXPECT_EQ(events[k - 1].office, office);
      const core::TrackingEvent& next = events[k + 1];
      EXPECT_EQ(next.office, e.office);
      const double days = std::chrono::duration<double>(next.time - e.time).count() / 86400;
      if (next.code == core::EventCode::kEMI) {
        ++collected;
        EXPECT_EQ(k + 2, events.size()) << "delivered";
        EXPECT_LT(days, s.pickup_holding_days + 1);
        continue;
      }
      ++taken_back;
      EXPECT_EQ(next.code, core::EventCode::kEMH);
      EXPECT_EQ(next.measure, core::NonDeliveryMeasure::kHoldForCollection);
      EXPECT_EQ(next.reason, core::EventReason::kUnclaimed);
      EXPECT_GE(days, s.pickup_holding_days);
      ASSERT_LT(k + 2, events.size());
      EXPECT_EQ(events[k + 2].code, core::EventCode::kEDH);
      EXPECT_EQ(events[k + 2].office, office) << "back at the counter";
    }
    ++addressed[item.mail_class].second;
    addressed[item.mail_class].first += to_pickup;
  }
  EXPECT_EQ(summary.pickup.full, 0u) << "the shipped lockers have room for a short run";
  EXPECT_EQ(left, summary.pickup.left);
  EXPECT_EQ(left, summary.pickup.addressed);
  EXPECT_EQ(collected, summary.pickup.collected);
  EXPECT_EQ(taken_back, summary.pickup.taken_back);
  EXPECT_GT(collected, 500u);
  EXPECT_GT(taken_back, 10u);
  for (const core::MailClass c : {core::MailClass::kLetterPost, core::MailClass::kParcels}) {
    EXPECT_NEAR(double(addressed[c].first) / addressed[c].second, s.pickup_share[size_t(c)], 0.03) << core::Name(c);
  }
}

// A parcel locker is open round the clock; a staffed pick-up point keeps
// post office hours on working days.
TEST(PickupTest, LockersOpenRoundTheClockPickupPointsInOfficeHours) {
  const Scenario s = Builtin("pickup-points");
  const auto& [r, summary] = RecordPickupRun(Network());
  const LocalTime tashkent = *LocalTime::Load("Asia/Tashkent");
  int locker_events_out_of_hours = 0, point_events = 0;
  for (const auto& [key, events] : r.events) {
    for (const core::TrackingEvent& e : events) {
      const core::PickupPoint* point = PickupAt(Network(), e.office);
      if (point == nullptr) continue;
      const int second = tashkent.SecondOfDay(Seconds(e.time));
      const int64_t day = tashkent.DayOf(Seconds(e.time));
      const bool in_hours = second >= s.office_open && second <= s.office_close && s.working_days[Weekday(day) - 1] &&
                            std::find(s.holidays.begin(), s.holidays.end(), day) == s.holidays.end();
      if (point->kind == core::PickupKind::kPoint) {
        ++point_events;
        EXPECT_TRUE(in_hours) << core::Name(e.code) << " at " << e.office << " at " << second / 3600.0 << "h";
      } else {
        locker_events_out_of_hours += !in_hours;
      }
    }
  }
  EXPECT_GT(point_events, 200);
  EXPECT_GT(locker_events_out_of_hours, 50);
}

// A locker holds as many items as it has compartments; an item that finds
// its locker full is collected at the counter instead.
TEST(PickupTest, AFullLockerSendsItemsToTheCounter) {
  const core::Network small = WithPickupCapacity(1);
  const auto& [r, summary] = RecordPickupRun(small);
  EXPECT_GT(summary.pickup.full, 100u);
  EXPECT_GT(summary.pickup.points_full, 10u);
  EXPECT_EQ(summary.pickup.addressed, summary.pickup.left + summary.pickup.full);
  // Items in each one over time: in at EDH there, out at EMI or EMH there (out first at the same instant).
  std::map<std::string, std::vector<std::pair<core::Timestamp, int>>> moves;
  for (const auto& [key, events] : r.events) {
    for (const core::TrackingEvent& e : events) {
      if (PickupAt(small, e.office) == nullptr) continue;
      moves[e.office].emplace_back(e.time, e.code == core::EventCode::kEDH ? 1 : -1);
    }
  }
  for (auto& [code, changes] : moves) {
    std::sort(changes.begin(), changes.end());
    int in_it = 0;
    for (const auto& [time, change] : changes) {
      in_it += change;
      ASSERT_LE(in_it, 1) << code;
      ASSERT_GE(in_it, 0) << code;
    }
  }
}

}  // namespace
}  // namespace pochta::sim
