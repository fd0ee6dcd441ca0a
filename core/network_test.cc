#include "core/network.h"

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
               "t.txt:2: the first record must be \"network 1\""},
        Broken{"Empty", "# nothing here\n", "t.txt: empty network file"}),
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

}  // namespace
}  // namespace pochta::core
