// Routing throughput on the shipped Uzbekistan network.
//
//   BM_RouteBatch/at_hubs    items at the office of exchange and sorting centres
//   BM_RouteBatch/mixed      also items at delivery offices (returns, branch transfers)
//   BM_NaiveDijkstraPerItem  the baseline: one Boost Graph Library Dijkstra per item
//   BM_CloseLink / BM_CloseFacility
//                            rebuild of the tables after a closure, with the
//                            list of changed destinations
//
// items_per_second is routing decisions per second (closures per second for
// the closure cases).
#include <random>

#include "benchmark/benchmark.h"
#include "boost/graph/adjacency_list.hpp"
#include "boost/graph/dijkstra_shortest_paths.hpp"
#include "core/routing.h"

namespace pochta::core {
namespace {

const Network& ShippedNetwork() {
  static const Network* network = new Network(*Network::Load(POCHTA_NETWORK_FILE));
  return *network;
}

// Requests as a day at the network sees them: destinations drawn over all
// offices, 2% with a postcode no office has (district head-office fallback),
// 0.5% with an unknown district.
std::vector<RouteRequest> MakeRequests(const Network& net, size_t count, bool include_offices, uint32_t seed) {
  std::vector<FacilityId> hubs, offices;
  for (uint32_t i = 0; i < net.facilities().size(); ++i) {
    (net.facilities()[i].kind == FacilityKind::kDeliveryOffice ? offices : hubs).push_back(FacilityId(i));
  }
  std::mt19937 rng(seed);
  std::vector<RouteRequest> requests(count);
  for (RouteRequest& r : requests) {
    const bool at_office = include_offices && rng() % 4 == 0;
    r.at = at_office ? offices[rng() % offices.size()] : hubs[rng() % hubs.size()];
    const uint32_t roll = rng() % 1000;
    Postcode pc = *net.facility(offices[rng() % offices.size()]).postcode;
    if (roll < 20) pc = Postcode::FromNumber(pc.block() * 100 + 99);
    if (roll < 5) pc = Postcode::FromNumber(990000 + rng() % 10000);
    r.postcode = pc;
  }
  return requests;
}

void BM_RouteBatch(benchmark::State& state, bool include_offices) {
  const Network& net = ShippedNetwork();
  const RoutePlanner planner(net);
  const Router router = planner.router();
  const std::vector<RouteRequest> requests = MakeRequests(net, 1 << 16, include_offices, 1);
  std::vector<RouteDecision> out(requests.size());
  for (auto _ : state) {
    router.RouteBatch(requests, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(requests.size()));
}
BENCHMARK_CAPTURE(BM_RouteBatch, at_hubs, false);
BENCHMARK_CAPTURE(BM_RouteBatch, mixed, true);

void BM_NaiveDijkstraPerItem(benchmark::State& state) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, uint32_t>>;
  const Network& net = ShippedNetwork();
  const size_t n = net.facilities().size();
  Graph graph(n);
  for (const Link& l : net.links()) boost::add_edge(l.from.value(), l.to.value(), l.minutes, graph);
  const RoutePlanner planner(net);
  const Router router = planner.router();  // only to resolve postcodes, as the naive router would by table
  const std::vector<RouteRequest> requests = MakeRequests(net, 4096, true, 1);
  std::vector<Graph::vertex_descriptor> predecessor(n);
  std::vector<uint32_t> distance(n);
  size_t i = 0;
  for (auto _ : state) {
    const RouteRequest& r = requests[i++ % requests.size()];
    const OfficeMatch office = router.Resolve(r.postcode);
    if (office.match == PostcodeMatch::kNone) continue;
    boost::dijkstra_shortest_paths(graph, r.at.value(),
                                   boost::predecessor_map(predecessor.data()).distance_map(distance.data()));
    // Walk back from the office to the hop after `at`.
    size_t hop = office.office.value();
    while (predecessor[hop] != r.at.value() && predecessor[hop] != hop) hop = predecessor[hop];
    benchmark::DoNotOptimize(hop);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_NaiveDijkstraPerItem);

// One iteration: a closure, timed; the reopening that restores the state is not.
void BM_CloseLink(benchmark::State& state) {
  const Network& net = ShippedNetwork();
  RoutePlanner planner(net);
  const std::vector<LinkId> trunk = net.LinksBetween(*net.Find("UZTASA"), *net.Find("SC-SKD"));
  size_t changed = 0;
  for (auto _ : state) {
    changed = planner.CloseLinks(trunk).destinations.size();
    state.PauseTiming();
    planner.ReopenLinks(trunk);
    state.ResumeTiming();
  }
  state.counters["changed_destinations"] = double(changed);
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_CloseLink)->Unit(benchmark::kMicrosecond);

void BM_CloseFacility(benchmark::State& state) {
  const Network& net = ShippedNetwork();
  RoutePlanner planner(net);
  const FacilityId centre = *net.Find("SC-SKD");
  size_t unreachable = 0;
  for (auto _ : state) {
    unreachable = planner.CloseFacility(centre).unreachable_offices;
    state.PauseTiming();
    planner.ReopenFacility(centre);
    state.ResumeTiming();
  }
  state.counters["unreachable_offices"] = double(unreachable);
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_CloseFacility)->Unit(benchmark::kMicrosecond);

void BM_BuildTables(benchmark::State& state) {
  const Network& net = ShippedNetwork();
  const Closures open(net);
  for (auto _ : state) benchmark::DoNotOptimize(RoutingTables::Build(net, open));
}
BENCHMARK(BM_BuildTables)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pochta::core

BENCHMARK_MAIN();
