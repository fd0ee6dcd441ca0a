#include "core/network.h"

#include <set>

#include "core/routing.h"
#include "core/test_support.h"
#include "gtest/gtest.h"

namespace pochta::core {
namespace {

using testing_networks::kSmall;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(NetworkTest, ParsesASmallNetwork) {
  absl::StatusOr<Network> net = Network::Parse(kSmall, "small.txt");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->facilities().size(), 8u);
  EXPECT_EQ(net->links().size(), 16u);  // eight two-way lines
  EXPECT_EQ(net->regions().size(), 2u);
  EXPECT_EQ(net->CountOf(FacilityKind::kDeliveryOffice), 5u);
  EXPECT_EQ(net->facility(net->office_of_exchange()).code, "UZTASA");

  const FacilityId office = *net->FindOffice(*Postcode::Parse("140101"));
  EXPECT_EQ(net->facility(office).name, "Alpha branch 1");
  EXPECT_EQ(net->region(net->facility(office).region).name, "Alpha");
  EXPECT_EQ(net->district(net->facility(office).district).head_office, *net->Find("140100"));
  EXPECT_EQ(net->facility(*net->Find("SC-B")).region, net->district(*net->FindDistrict(1501)).region);
  EXPECT_FALSE(net->FindOffice(*Postcode::Parse("140199")).has_value());

  const std::vector<LinkId> links = net->LinksBetween(*net->Find("UZTASA"), *net->Find("SC-A"));
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(net->link(links[0]).minutes, 100u);
  EXPECT_EQ(net->link(links[0]).line, 14);
  EXPECT_TRUE(net->LinksBetween(*net->Find("UZTASA"), *net->Find("SC-A"), TransportMode::kAir).empty());
}

TEST(NetworkTest, OneWayLinksAndCommentsAndForwardReferences) {
  std::string text = Replace(kSmall, "link 150100 150101 van 9\n",
                             "link 150100 150101 van 9 oneway # delivery round\nlink 150101 SC-B van 30 oneway\n");
  text +=
      "   # trailing comment\n\nlink SC-B SC-LATE truck 5\nsorting SC-LATE Late centre\nregion 16 SC-LATE Late\n"
      "district 1601 Late city\noffice 160100 Late head office\nlink SC-LATE 160100 truck 10\n";
  absl::StatusOr<Network> net = Network::Parse(text, "t");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->LinksBetween(*net->Find("150100"), *net->Find("150101")).size(), 1u);
  EXPECT_EQ(net->regions().size(), 3u);
}

struct Broken {
  const char* name;
  std::string text;
  const char* expected;  // "<source>:<line>: <reason>" prefix to find in the error
};

class BrokenNetworkTest : public testing::TestWithParam<Broken> {};

TEST_P(BrokenNetworkTest, IsRefusedWithTheLineAndTheReason) {
  const absl::StatusOr<Network> net = Network::Parse(GetParam().text, "t.txt");
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(net.status().message()).find(GetParam().expected), std::string::npos)
      << "got: " << net.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfMistake, BrokenNetworkTest,
    testing::Values(
        Broken{"UnknownFacility", Replace(kSmall, "link SC-B 150100", "link SC-X 150100"),
               "t.txt:20: unknown facility SC-X"},
        Broken{"DuplicatePostcode", Replace(kSmall, "office 140102 Alpha", "office 140101 Alpha"),
               "t.txt:10: duplicate postcode 140101 (first declared at line 9)"},
        Broken{"DuplicateFacility", Replace(kSmall, "sorting SC-B", "sorting SC-A"),
               "t.txt:4: duplicate facility SC-A (first declared at line 3)"},
        Broken{"UnreachableOffice", Replace(kSmall, "link 150100 150101 van 9\n", ""),
               "t.txt:13: office 150101 is unreachable: no path of links leads to it from UZTASA"},
        Broken{"NoWayBack", Replace(kSmall, "link 150100 150101 van 9", "link 150100 150101 van 9 oneway"),
               "t.txt:13: office 150101 has no path of links back to UZTASA"},
        Broken{"UnknownRecord", Replace(kSmall, "district 1501", "distrikt 1501"), "t.txt:11: unknown record"},
        Broken{"BadMode", Replace(kSmall, "van 7", "boat 7"), "t.txt:19: transport mode \"boat\""},
        Broken{"ZeroMinutes", Replace(kSmall, "van 7", "van 0"), "t.txt:19: transit time \"0\""},
        Broken{"JunkAfterMinutes", Replace(kSmall, "van 7", "van 7 twoway"), "t.txt:19: unexpected \"twoway\""},
        Broken{"MissingFields", Replace(kSmall, "link SC-A SC-B truck 150", "link SC-A SC-B truck"),
               "t.txt:16: expected \"link FROM TO MODE MINUTES [oneway]\""},
        Broken{"NoHeadOffice", Replace(Replace(kSmall, "office 150100 Beta head office\n", ""), "150100", "150101"),
               "t.txt:11: district 1501 has no head office"},
        Broken{"UndeclaredDistrict", Replace(kSmall, "office 140102", "office 140202"),
               "t.txt:10: office 140202: district 1402 is not declared"},
        Broken{"DistrictOutsideRegions",
               Replace(kSmall, "district 1401 Alpha city", "district 1401 Alpha city\ndistrict 9901 Nowhere"),
               "t.txt:8: district 9901 does not start with the prefix of any region"},
        Broken{"RegionWithoutSortingCentre", Replace(kSmall, "region 15 SC-B", "region 15 140100"),
               "t.txt:6: 140100 is not a sorting centre"},
        Broken{"OverlappingPrefix", Replace(kSmall, "region 15 SC-B", "region 140 SC-B"),
               "t.txt:6: region prefix 140 overlaps region 14"},
        Broken{"SelfLoop", Replace(kSmall, "link SC-A SC-B", "link SC-A SC-A"), "t.txt:16: link from SC-A to itself"},
        Broken{"TwoExchanges", Replace(kSmall, "sorting SC-A", "exchange UZTASB Second\nsorting SC-A"),
               "t.txt:3: a second office of exchange UZTASB"},
        Broken{"NoExchange",
               Replace(Replace(kSmall, "exchange UZTASA Tashkent office of exchange\n", ""),
                       "link UZTASA SC-A truck 100\nlink UZTASA SC-B truck 300\n", ""),
               "t.txt: no office of exchange"},
        Broken{"BadPostcode", Replace(kSmall, "office 140102", "office 14010"), "t.txt:10: postcode \"14010\""},
        Broken{"MissingHeader", Replace(kSmall, "network 1\n", "# no header\n"),
               "t.txt:2: the first record must be \"network 3\" (or an earlier format, 1 or 2)"},
        Broken{"Empty", "# nothing here\n", "t.txt: empty network file"}),
    [](const testing::TestParamInfo<Broken>& info) { return info.param.name; });

// Format 2: each office names its district and each district its head
// office, so Tashkent city can number offices city-wide (100 and the office
// number) while the regions keep region-district-office.
constexpr const char* kTwo = R"(network 2
exchange UZTASA Tashkent office of exchange
sorting SC-TAS Tashkent sorting centre
sorting SC-A Alpha sorting centre
region 100 SC-TAS Tashkent city
region 14 SC-A Alpha
district 10001 100015 Mirobod
office 100015 10001 Post office 15
office 100003 10001 Post office 3
district 10002 100100 Chilanzar
office 100100 10002 Post office 100
office 100004 10002 Post office 4
district 1401 140100 Alpha city
office 140100 1401 Alpha head office
office 140101 1401 Alpha branch 1
link UZTASA SC-TAS truck 30
link UZTASA SC-A truck 100
link SC-TAS 100015 truck 10
link SC-TAS 100100 truck 12
link 100015 100003 van 5
link 100100 100004 van 6
link SC-A 140100 truck 10
link 140100 140101 van 5
)";

TEST(NetworkTest, FormatTwoNamesDistrictsAndHeadOffices) {
  absl::StatusOr<Network> net = Network::Parse(kTwo, "two.txt");
  ASSERT_TRUE(net.ok()) << net.status();
  const auto district_of = [&](const char* postcode) {
    return net->district(net->facility(*net->Find(postcode)).district);
  };
  EXPECT_EQ(district_of("100003").name, "Mirobod");
  EXPECT_EQ(district_of("100004").name, "Chilanzar");  // the same block of postcodes, another district
  EXPECT_EQ(district_of("100004").head_office, *net->Find("100100"));
  EXPECT_EQ(district_of("100015").code, 10001u);
  EXPECT_EQ(net->region(net->facility(*net->Find("100100")).region).name, "Tashkent city");
  EXPECT_EQ(district_of("140101").head_office, *net->Find("140100"));
}

// An unknown Tashkent postcode goes to the office serving its block of 100:
// the one ending in 00 if there is one, else the head office of the
// district of the block's first office.
TEST(NetworkTest, TashkentPostcodesResolveToTheirOwnOffice) {
  const Network net = *Network::Parse(kTwo, "two.txt");
  const RoutePlanner planner(net);
  const Router router = planner.router();
  const auto resolve = [&](const char* postcode) { return router.Resolve(*Postcode::Parse(postcode)); };
  EXPECT_EQ(resolve("100015").office, *net.Find("100015"));
  EXPECT_EQ(resolve("100015").match, PostcodeMatch::kExact);
  EXPECT_EQ(resolve("100004").office, *net.Find("100004"));
  EXPECT_EQ(resolve("100016").office, *net.Find("100015"));  // block 1000: 100003 is in Mirobod
  EXPECT_EQ(resolve("100016").match, PostcodeMatch::kDistrictHeadOffice);
  EXPECT_EQ(resolve("100199").office, *net.Find("100100"));
  EXPECT_EQ(resolve("100500").match, PostcodeMatch::kNone);
  EXPECT_EQ(router.Route(*net.Find("UZTASA"), *Postcode::Parse("100003")).office, *net.Find("100003"));
}

INSTANTIATE_TEST_SUITE_P(
    FormatTwoMistakes, BrokenNetworkTest,
    testing::Values(
        Broken{"RegionalOfficeInAnotherDistrict",
               Replace(kTwo, "office 140101 1401 Alpha branch 1", "office 140201 1401 Alpha branch 1"),
               "t.txt:15: office 140201: a postcode of district 1401 starts with 1401"},
        Broken{"OfficeInAnotherRegion", Replace(kTwo, "office 140101 1401", "office 140101 10001"),
               "t.txt:15: office 140101: district 10001 is in region Tashkent city, whose postcodes start with 100"},
        Broken{"HeadOfficeOfAnotherDistrict", Replace(kTwo, "district 10002 100100", "district 10002 100015"),
               "t.txt:10: district 10002: head office 100015 is not an office of the district"},
        Broken{"CityDistrictOfFourDigits", Replace(kTwo, "district 10002 100100 Chilanzar", "district 1002 100100 Chilanzar"),
               "t.txt:10: district 1002 must be its region's prefix 100 and two digits"},
        Broken{"OfficeWithoutDistrict", Replace(kTwo, "office 100004 10002 Post office 4", "office 100004"),
               "t.txt:12: expected \"office POSTCODE DISTRICT NAME\""},
        Broken{"DistrictWithoutHead", Replace(kTwo, "district 1401 140100 Alpha city", "district 1401"),
               "t.txt:13: expected \"district CODE HEAD-POSTCODE NAME\""}),
    [](const testing::TestParamInfo<Broken>& info) { return info.param.name; });

// Format 3 adds the parcel lockers and pick-up points a delivery office
// fills; they are not facilities of the routing graph.
const std::string kThree = Replace(kTwo, "network 2", "network 3") +
                           "pickup 100015-L1 locker 100015 60 Mirobod metro locker\n"
                           "pickup 100015-P1 point 100015 120 Shop on Amir Temur street\n"
                           "pickup 140100-L1 locker 140100 40 Alpha bazaar locker\n";

TEST(NetworkTest, FormatThreeAddsLockersAndPickupPointsOfAnOffice) {
  absl::StatusOr<Network> net = Network::Parse(kThree, "three.txt");
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_EQ(net->pickup_points().size(), 3u);
  const PickupPoint& locker = net->pickup_point(*net->FindPickupPoint("100015-L1"));
  EXPECT_EQ(locker.kind, PickupKind::kLocker);
  EXPECT_EQ(locker.office, *net->Find("100015"));
  EXPECT_EQ(locker.capacity, 60u);
  EXPECT_EQ(locker.name, "Mirobod metro locker");
  EXPECT_EQ(net->pickup_point(*net->FindPickupPoint("100015-P1")).kind, PickupKind::kPoint);
  const std::span<const PickupPointId> of_office = net->PickupPointsOf(*net->Find("100015"));
  ASSERT_EQ(of_office.size(), 2u);
  EXPECT_EQ(net->pickup_point(of_office[1]).code, "100015-P1");
  EXPECT_TRUE(net->PickupPointsOf(*net->Find("100003")).empty());
  EXPECT_FALSE(net->Find("100015-L1").has_value()) << "not a routing facility";
  EXPECT_FALSE(net->FindPickupPoint("100015").has_value());
}

INSTANTIATE_TEST_SUITE_P(
    FormatThreeMistakes, BrokenNetworkTest,
    testing::Values(
        Broken{"PickupInFormatTwo", std::string(kTwo) + "pickup 100015-L1 locker 100015 60 Locker\n",
               "t.txt:24: pickup records need \"network 3\" (this file is format 2)"},
        Broken{"PickupCodeIsAPostcode", Replace(kThree, "pickup 100015-L1", "pickup 100016"),
               "t.txt:24: pickup code \"100016\" must be 2-16 capital letters, digits or '-', and not a postcode"},
        Broken{"PickupCodeOfAFacility", Replace(kThree, "pickup 100015-L1", "pickup SC-A"),
               "t.txt:24: pickup point SC-A has the code of a facility"},
        Broken{"DuplicatePickup", Replace(kThree, "pickup 100015-P1", "pickup 100015-L1"),
               "t.txt:25: duplicate pickup point 100015-L1 (first declared at line 24)"},
        Broken{"UnknownPickupKind", Replace(kThree, "locker 100015 60", "shelf 100015 60"),
               "t.txt:24: pickup kind \"shelf\" is not locker or point"},
        Broken{"PickupAtASortingCentre", Replace(kThree, "locker 100015 60", "locker SC-A 60"),
               "t.txt:24: pickup point 100015-L1: SC-A is not a delivery office"},
        Broken{"PickupAtAnUnknownOffice", Replace(kThree, "locker 100015 60", "locker 100099 60"),
               "t.txt:24: pickup point 100015-L1: 100099 is not a delivery office"},
        Broken{"NoCompartments", Replace(kThree, "100015 60", "100015 0"), "t.txt:24: capacity \"0\" must be"},
        Broken{"PickupWithoutName", Replace(kThree, "100015 60 Mirobod metro locker", "100015 60"),
               "t.txt:24: expected \"pickup CODE KIND OFFICE CAPACITY NAME\""}),
    [](const testing::TestParamInfo<Broken>& info) { return info.param.name; });

TEST(NetworkTest, ReportsEveryErrorNotJustTheFirst) {
  std::string text = Replace(kSmall, "van 7", "boat 7");
  text = Replace(text, "link SC-B 150100", "link SC-X 150100");
  const absl::StatusOr<Network> net = Network::Parse(text, "t.txt");
  ASSERT_FALSE(net.ok());
  const std::string message(net.status().message());
  EXPECT_NE(message.find("t.txt:19:"), std::string::npos);
  EXPECT_NE(message.find("t.txt:20:"), std::string::npos);
}

TEST(NetworkTest, LoadReportsAMissingFile) {
  EXPECT_EQ(Network::Load("/nonexistent/uz-network.txt").status().code(), absl::StatusCode::kNotFound);
}

TEST(ShippedNetworkTest, LoadsAndCoversUzbekistan) {
  absl::StatusOr<Network> net = Network::Load(POCHTA_NETWORK_FILE);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->facility(net->office_of_exchange()).code, "UZTASA");
  EXPECT_EQ(net->CountOf(FacilityKind::kSortingCentre), 14u);
  EXPECT_GE(net->CountOf(FacilityKind::kDeliveryOffice), 2000u);
  EXPECT_LE(net->CountOf(FacilityKind::kDeliveryOffice), 5000u);
  std::vector<std::string> prefixes;
  for (const Region& r : net->regions()) prefixes.push_back(r.prefix);
  EXPECT_EQ(prefixes, (std::vector<std::string>{"100", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21",
                                                "22", "23"}));
  // Flights to Termez, Nukus and Urgench.
  for (const char* sc : {"SC-TMJ", "SC-NCU", "SC-UGC"}) {
    EXPECT_EQ(net->LinksBetween(net->office_of_exchange(), *net->Find(sc), TransportMode::kAir).size(), 2u) << sc;
  }
  EXPECT_TRUE(net->FindOffice(*Postcode::Parse("140105")).has_value());
  EXPECT_TRUE(net->FindOffice(*Postcode::Parse("100000")).has_value());
}

// Tashkent city's postcodes are 100 and the post office's number, in any of
// its twelve districts; post office 15 is 100015, and mail for it goes there.
TEST(ShippedNetworkTest, TashkentPostcodesFollowTheRealPlan) {
  const Network net = *Network::Load(POCHTA_NETWORK_FILE);
  std::set<uint32_t> districts;
  size_t offices = 0;
  for (const Facility& f : net.facilities()) {
    if (!f.postcode || net.region(f.region).prefix != "100") continue;
    ++offices;
    districts.insert(net.district(f.district).code);
    EXPECT_TRUE(f.code.starts_with("100")) << f.code;
    EXPECT_NE(f.name.find(f.code == net.facility(net.district(f.district).head_office).code
                              ? "head post office"
                              : "post office " + std::to_string(f.postcode->value() - 100000)),
              std::string::npos)
        << f.code << " " << f.name;
  }
  EXPECT_EQ(districts.size(), 12u);
  EXPECT_GT(offices, 150u);
  const Router router = RoutePlanner(net).router();
  const FacilityId office = *net.FindOffice(*Postcode::Parse("100015"));
  EXPECT_EQ(router.Resolve(*Postcode::Parse("100015")).match, PostcodeMatch::kExact);
  RouteDecision d = router.Route(net.office_of_exchange(), *Postcode::Parse("100015"));
  FacilityId at = net.office_of_exchange();
  for (int legs = 0; d.outcome == RouteOutcome::kForward && legs < 10; ++legs) {
    at = net.link(d.next).to;
    d = router.Route(at, *Postcode::Parse("100015"));
  }
  EXPECT_EQ(d.outcome, RouteOutcome::kArrived);
  EXPECT_EQ(at, office);
}

}  // namespace
}  // namespace pochta::core
