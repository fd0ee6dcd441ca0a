#include "core/routing.h"

#include <limits>
#include <queue>
#include <random>

#include "core/test_support.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace pochta::core {
namespace {

constexpr uint32_t kInf = std::numeric_limits<uint32_t>::max();

Network Parse(const std::string& text) {
  absl::StatusOr<Network> net = Network::Parse(text, "test");
  EXPECT_TRUE(net.ok()) << net.status();
  return *std::move(net);
}

// Plain Dijkstra over every open link: the answer the routing tables must match.
std::vector<uint32_t> ReferenceMinutes(const Network& net, const Closures& closed, FacilityId source) {
  std::vector<uint32_t> dist(net.facilities().size(), kInf);
  if (closed.facility_closed[source.value()]) return dist;
  std::vector<std::vector<uint32_t>> out(net.facilities().size());
  for (uint32_t i = 0; i < net.links().size(); ++i) out[net.links()[i].from.value()].push_back(i);
  using Entry = std::pair<uint32_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  dist[source.value()] = 0;
  heap.push({0, source.value()});
  while (!heap.empty()) {
    const auto [d, u] = heap.top();
    heap.pop();
    if (d != dist[u]) continue;
    for (uint32_t i : out[u]) {
      const Link& l = net.links()[i];
      if (closed.link_closed[i] || closed.facility_closed[l.to.value()]) continue;
      if (d + l.minutes < dist[l.to.value()]) {
        dist[l.to.value()] = d + l.minutes;
        heap.push({dist[l.to.value()], l.to.value()});
      }
    }
  }
  return dist;
}

std::vector<std::string> LegCodes(const Network& net, const Path& path) {
  std::vector<std::string> codes;
  for (LinkId id : path.legs) codes.push_back(net.facility(net.link(id).to).code);
  return codes;
}

class SmallNetworkTest : public testing::Test {
 protected:
  FacilityId Id(const char* code) const { return *net_.Find(code); }
  Postcode Pc(const char* text) const { return *Postcode::Parse(text); }

  Network net_ = Parse(testing_networks::kSmall);
  RoutePlanner planner_{net_};
};

TEST_F(SmallNetworkTest, ResolvesPostcodesExactlyOrToTheDistrictHeadOffice) {
  const Router router = planner_.router();
  EXPECT_EQ(router.Resolve(Pc("140101")).office, Id("140101"));
  EXPECT_EQ(router.Resolve(Pc("140101")).match, PostcodeMatch::kExact);
  EXPECT_EQ(router.Resolve(Pc("140199")).office, Id("140100"));
  EXPECT_EQ(router.Resolve(Pc("140199")).match, PostcodeMatch::kDistrictHeadOffice);
  EXPECT_EQ(router.Resolve(Pc("140201")).match, PostcodeMatch::kNone);
  EXPECT_EQ(router.Route(Id("UZTASA"), Pc("990000")).outcome, RouteOutcome::kUnknownPostcode);
}

TEST_F(SmallNetworkTest, TakesTheFastestPathAndKnowsItsTransitTime) {
  const Router router = planner_.router();
  const std::optional<Path> path = router.FindPath(Id("UZTASA"), Id("150101"));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(LegCodes(net_, *path), (std::vector<std::string>{"SC-A", "SC-B", "150100", "150101"}));
  EXPECT_EQ(path->minutes, 100u + 150 + 20 + 9);
  EXPECT_EQ(router.TransitMinutes(Id("UZTASA"), Id("150101")), 279u);

  const RouteDecision d = router.Route(Id("UZTASA"), Pc("150101"));
  EXPECT_EQ(d.outcome, RouteOutcome::kForward);
  EXPECT_EQ(d.office, Id("150101"));
  EXPECT_EQ(net_.facility(net_.link(d.next).to).code, "SC-A");
}

TEST_F(SmallNetworkTest, RoutesBetweenOfficesOfOneDistrictAndBackToTheExchange) {
  const Router router = planner_.router();
  EXPECT_EQ(LegCodes(net_, *router.FindPath(Id("140101"), Id("140102"))),
            (std::vector<std::string>{"140100", "140102"}));
  EXPECT_EQ(router.TransitMinutes(Id("140101"), Id("140102")), 12u);
  EXPECT_EQ(LegCodes(net_, *router.FindPath(Id("150101"), Id("UZTASA"))),
            (std::vector<std::string>{"150100", "SC-B", "SC-A", "UZTASA"}));
  EXPECT_EQ(router.RouteTo(Id("140101"), Id("140101")).outcome, RouteOutcome::kArrived);
  EXPECT_TRUE(router.FindPath(Id("140101"), Id("140101"))->legs.empty());
}

TEST_F(SmallNetworkTest, ClosingALinkReroutesAndReportsWhatChanged) {
  const RouteChanges changes = planner_.CloseLinks(net_.LinksBetween(Id("SC-A"), Id("SC-B")));
  const Router router = planner_.router();
  EXPECT_EQ(LegCodes(net_, *router.FindPath(Id("UZTASA"), Id("150101"))),
            (std::vector<std::string>{"SC-B", "150100", "150101"}));
  EXPECT_EQ(router.TransitMinutes(Id("UZTASA"), Id("150101")), 329u);
  // Every facility changed: Beta's as seen from UZTASA and SC-A, Alpha's and
  // UZTASA as seen from SC-B, which now goes through UZTASA.
  EXPECT_EQ(changes.destinations.size(), net_.facilities().size());
  EXPECT_EQ(changes.unreachable_offices, 0u);
}

TEST_F(SmallNetworkTest, ClosingAnUnusedLinkChangesNoRoute) {
  // Both directions of UZTASA-SC-B are slower than going through SC-A.
  const RouteChanges changes = planner_.CloseLinks(net_.LinksBetween(Id("UZTASA"), Id("SC-B")));
  EXPECT_TRUE(changes.destinations.empty());
}

TEST_F(SmallNetworkTest, ClosingABranchLinkChangesOnlyThatBranch) {
  const RouteChanges changes = planner_.CloseLinks(net_.LinksBetween(Id("140100"), Id("140102")));
  EXPECT_EQ(changes.destinations, std::vector<FacilityId>{Id("140102")});
  EXPECT_EQ(changes.unreachable_offices, 1u);
}

TEST_F(SmallNetworkTest, ACutOffOfficeIsUnreachableNotWronglyRouted) {
  const std::vector<LinkId> branch = net_.LinksBetween(Id("140100"), Id("140101"));
  const RouteChanges closed = planner_.CloseLinks(branch);
  EXPECT_EQ(closed.unreachable_offices, 1u);
  const Router router = planner_.router();
  for (const char* from : {"UZTASA", "SC-A", "SC-B", "140100", "140102", "150101"}) {
    EXPECT_EQ(router.RouteTo(Id(from), Id("140101")).outcome, RouteOutcome::kUnreachable) << from;
    EXPECT_FALSE(router.FindPath(Id(from), Id("140101")).has_value()) << from;
    EXPECT_FALSE(router.TransitMinutes(Id(from), Id("140101")).has_value()) << from;
  }
  EXPECT_EQ(router.RouteTo(Id("140101"), Id("UZTASA")).outcome, RouteOutcome::kUnreachable);

  const RouteChanges reopened = planner_.ReopenLinks(branch);
  EXPECT_EQ(reopened.unreachable_offices, 0u);
  EXPECT_EQ(reopened.destinations, closed.destinations);
  EXPECT_EQ(planner_.router().TransitMinutes(Id("UZTASA"), Id("140101")), 115u);
}

TEST_F(SmallNetworkTest, AClosedFacilityNeitherForwardsNorReceives) {
  const RouteChanges changes = planner_.CloseFacility(Id("SC-A"));
  EXPECT_EQ(changes.unreachable_offices, 3u);
  const Router router = planner_.router();
  EXPECT_EQ(router.Route(Id("UZTASA"), Pc("140102")).outcome, RouteOutcome::kUnreachable);
  EXPECT_EQ(router.RouteTo(Id("SC-A"), Id("SC-A")).outcome, RouteOutcome::kUnreachable);
  EXPECT_EQ(LegCodes(net_, *router.FindPath(Id("UZTASA"), Id("150101"))),
            (std::vector<std::string>{"SC-B", "150100", "150101"}));
  planner_.ReopenFacility(Id("SC-A"));
  EXPECT_EQ(planner_.router().TransitMinutes(Id("UZTASA"), Id("150101")), 279u);
}

TEST_F(SmallNetworkTest, ReadersKeepTheirSnapshotWhileThePlannerChanges) {
  const Router before = planner_.router();
  planner_.CloseFacility(Id("SC-B"));
  EXPECT_EQ(before.TransitMinutes(Id("UZTASA"), Id("150101")), 279u);
  EXPECT_FALSE(planner_.router().TransitMinutes(Id("UZTASA"), Id("150101")).has_value());
}

TEST(RoutingTieTest, EqualTimesPreferFewerLegsThenTheLowerLink) {
  // UZTASA -> SC-B takes 250 direct or 100 + 150 via SC-A: the single leg wins.
  std::string text = testing_networks::kSmall;
  text.replace(text.find("UZTASA SC-B truck 300"), 21, "UZTASA SC-B truck 250");
  // Two parallel links to 140100 of equal time: the one declared first wins.
  text += "link SC-A 140100 rail 10\n";
  const Network net = Parse(text);
  const RoutePlanner planner(net);
  const Router router = planner.router();
  EXPECT_EQ(LegCodes(net, *router.FindPath(*net.Find("UZTASA"), *net.Find("150100"))),
            (std::vector<std::string>{"SC-B", "150100"}));
  const Path path = *router.FindPath(*net.Find("SC-A"), *net.Find("140100"));
  EXPECT_EQ(net.link(path.legs[0]).mode, TransportMode::kTruck);
}

TEST_F(SmallNetworkTest, BatchMatchesOneByOne) {
  const Router router = planner_.router();
  std::vector<RouteRequest> requests;
  for (const Facility& f : net_.facilities()) {
    for (const char* pc : {"140100", "140101", "140102", "140177", "150101", "990000"}) {
      requests.push_back({*net_.Find(f.code), Pc(pc)});
    }
  }
  std::vector<RouteDecision> out(requests.size());
  router.RouteBatch(requests, out);
  for (size_t i = 0; i < requests.size(); ++i) {
    const RouteDecision one = router.Route(requests[i].at, requests[i].postcode);
    EXPECT_EQ(out[i].outcome, one.outcome);
    EXPECT_EQ(out[i].office, one.office);
    EXPECT_EQ(out[i].next, one.next);
    EXPECT_EQ(out[i].match, one.match);
  }
}

// A random network: every facility hangs off the exchange two ways, plus
// random extra links (some one-way, some parallel, some between offices of
// different districts, which puts offices on cycles).
std::string RandomNetworkText(std::mt19937& rng) {
  std::string text = "network 1\nexchange UZTASA Exchange\n";
  std::vector<std::string> offices, all = {"UZTASA"};
  const auto minutes = [&] { return 1 + rng() % 120; };
  const int regions = 1 + int(rng() % 4);
  for (int r = 0; r < regions; ++r) {
    const std::string sc = fmt::format("SC-{}", r);
    text += fmt::format("sorting {} Centre {}\nregion {} {} Region {}\n", sc, r, 11 + r, sc, r);
    text += fmt::format("link UZTASA {} truck {}\n", sc, minutes());
    all.push_back(sc);
    for (int d = 1; d <= 1 + int(rng() % 3); ++d) {
      const std::string district = fmt::format("{}{:02d}", 11 + r, d);
      text += fmt::format("district {} District {}\n", district, district);
      std::vector<std::string> here;
      for (int o = 0; o <= int(rng() % 8); ++o) {
        const std::string code = fmt::format("{}{:02d}", district, o);
        text += fmt::format("office {} Office {}\n", code, code);
        const std::string parent = here.empty() ? sc : here[rng() % here.size()];
        text += fmt::format("link {} {} van {}\n", parent, code, minutes());
        here.push_back(code);
      }
      offices.insert(offices.end(), here.begin(), here.end());
      all.insert(all.end(), here.begin(), here.end());
    }
  }
  const char* modes[] = {"truck", "van", "rail", "air"};
  for (int extra = int(rng() % 12); extra > 0; --extra) {
    const std::string& a = all[rng() % all.size()];
    const std::string& b = all[rng() % all.size()];
    if (a == b) continue;
    text += fmt::format("link {} {} {} {}{}\n", a, b, modes[rng() % 4], minutes(), rng() % 2 ? " oneway" : "");
  }
  return text;
}

TEST(RoutingPropertyTest, MatchesDijkstraOnRandomNetworksUnderRandomClosures) {
  std::mt19937 rng(20250611);
  for (int trial = 0; trial < 300; ++trial) {
    const Network net = Parse(RandomNetworkText(rng));
    Closures closed(net);
    for (size_t i = 0; i < closed.link_closed.size(); ++i) closed.link_closed[i] = rng() % 10 == 0;
    for (size_t i = 0; i < closed.facility_closed.size(); ++i) closed.facility_closed[i] = rng() % 25 == 0;
    const Router router(RoutingTables::Build(net, closed));
    for (uint32_t s = 0; s < net.facilities().size(); ++s) {
      const std::vector<uint32_t> expected = ReferenceMinutes(net, closed, FacilityId(s));
      for (uint32_t d = 0; d < net.facilities().size(); ++d) {
        const std::optional<uint32_t> got = router.TransitMinutes(FacilityId(s), FacilityId(d));
        ASSERT_EQ(got.value_or(kInf), expected[d])
            << "trial " << trial << " from " << net.facilities()[s].code << " to " << net.facilities()[d].code;
        const std::optional<Path> path = router.FindPath(FacilityId(s), FacilityId(d));
        ASSERT_EQ(path.has_value(), expected[d] != kInf);
        if (!path) continue;
        uint32_t at = s, sum = 0;
        for (LinkId id : path->legs) {
          const Link& l = net.link(id);
          ASSERT_EQ(l.from.value(), at);
          ASSERT_FALSE(closed.link_closed[id.value()] || closed.facility_closed[l.to.value()]);
          sum += l.minutes;
          at = l.to.value();
        }
        ASSERT_EQ(at, d);
        ASSERT_EQ(sum, expected[d]);
      }
    }
  }
}

TEST(ShippedNetworkRoutingTest, MatchesDijkstraUnderRandomClosures) {
  const Network net = *Network::Load(POCHTA_NETWORK_FILE);
  std::mt19937 rng(7);
  RoutePlanner planner(net);
  std::vector<LinkId> closed_links;
  for (int round = 0; round < 6; ++round) {
    for (int k = 0; k < 40; ++k) closed_links.push_back(LinkId(uint32_t(rng() % net.links().size())));
    planner.CloseLinks(closed_links);
    if (round == 3) planner.CloseFacility(*net.Find("SC-JIZ"));
    const Router router = planner.router();
    for (const char* from : {"UZTASA", "SC-SKD", "SC-NCU", "140105", "230501"}) {
      const FacilityId source = *net.Find(from);
      const std::vector<uint32_t> expected = ReferenceMinutes(net, planner.closures(), source);
      for (uint32_t d = 0; d < net.facilities().size(); ++d) {
        ASSERT_EQ(router.TransitMinutes(source, FacilityId(d)).value_or(kInf), expected[d])
            << "round " << round << " from " << from << " to " << net.facilities()[d].code;
      }
    }
  }
}

}  // namespace
}  // namespace pochta::core
