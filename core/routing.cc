#include "core/routing.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <limits>
#include <queue>
#include <tuple>

namespace pochta::core {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kInf = std::numeric_limits<uint32_t>::max();
constexpr uint16_t kNoBlock = std::numeric_limits<uint16_t>::max();
constexpr uint32_t kFallbackBit = 0x8000'0000u;
constexpr uint32_t kPostcodeBlocks = 10'000;

// The fastest open link for one ordered pair of facilities.
struct Arc {
  uint32_t from, to, link, minutes;
};

// Open arcs, sorted by (from, to), one per ordered pair: the fastest link,
// the lower link id on a tie.
std::vector<Arc> OpenArcs(const Network& net, const Closures& closed) {
  std::vector<Arc> arcs;
  arcs.reserve(net.links().size());
  for (uint32_t i = 0; i < net.links().size(); ++i) {
    const Link& l = net.links()[i];
    if (closed.link_closed[i] || closed.facility_closed[l.from.value()] || closed.facility_closed[l.to.value()]) {
      continue;
    }
    arcs.push_back({l.from.value(), l.to.value(), i, l.minutes});
  }
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    return std::tie(a.from, a.to, a.minutes, a.link) < std::tie(b.from, b.to, b.minutes, b.link);
  });
  arcs.erase(std::unique(arcs.begin(), arcs.end(),
                         [](const Arc& a, const Arc& b) { return a.from == b.from && a.to == b.to; }),
             arcs.end());
  return arcs;
}

// Compressed adjacency: the items of node u are [start[u], start[u + 1]).
std::vector<uint32_t> Starts(size_t n, const std::vector<uint32_t>& sorted_keys) {
  std::vector<uint32_t> start(n + 1, 0);
  for (uint32_t k : sorted_keys) ++start[k + 1];
  for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
  return start;
}

}  // namespace

std::shared_ptr<const RoutingTables> RoutingTables::Build(const Network& net, const Closures& closed) {
  std::shared_ptr<RoutingTables> t(new RoutingTables());
  const uint32_t n = uint32_t(net.facilities().size());
  t->network_ = &net;
  t->n_ = n;

  // Postcode -> office blocks; independent of closures: a closed office
  // still serves its postcode, and routing to it says kUnreachable. An
  // unknown postcode of a block falls back to the block's office ending in
  // 00 (outside Tashkent city, the district's head office), else to the
  // head office of the district of the block's first office.
  t->postcode_block_.assign(kPostcodeBlocks, kNoBlock);
  std::vector<uint32_t> first_office;  // by block index
  for (uint32_t i = 0; i < n; ++i) {
    const Facility& f = net.facilities()[i];
    if (!f.postcode) continue;
    uint16_t& block = t->postcode_block_[f.postcode->block()];
    if (block == kNoBlock) {
      block = uint16_t(first_office.size());
      first_office.push_back(i);
    } else if (f.postcode->value() < net.facilities()[first_office[block]].postcode->value()) {
      first_office[block] = i;
    }
  }
  t->block_entries_.assign(first_office.size() * 100, kNone);
  for (uint32_t b = 0; b < kPostcodeBlocks; ++b) {
    const uint16_t block = t->postcode_block_[b];
    if (block == kNoBlock) continue;
    const std::optional<FacilityId> round = net.FindOffice(Postcode::FromNumber(b * 100));
    const FacilityId fallback =
        round ? *round : net.district(net.facilities()[first_office[block]].district).head_office;
    std::fill_n(t->block_entries_.begin() + block * 100, 100, fallback.value() | kFallbackBit);
  }
  for (uint32_t i = 0; i < n; ++i) {
    const Facility& f = net.facilities()[i];
    if (f.postcode) t->block_entries_[t->postcode_block_[f.postcode->block()] * 100u + f.postcode->value() % 100] = i;
  }

  // Arcs and the undirected neighbour lists.
  const std::vector<Arc> arcs = OpenArcs(net, closed);
  std::vector<uint32_t> arc_from;
  arc_from.reserve(arcs.size());
  for (const Arc& a : arcs) arc_from.push_back(a.from);
  const std::vector<uint32_t> arc_start = Starts(n, arc_from);
  const auto find_arc = [&](uint32_t u, uint32_t v) -> const Arc* {
    const auto first = arcs.begin() + arc_start[u];
    const auto last = arcs.begin() + arc_start[u + 1];
    const auto it = std::lower_bound(first, last, v, [](const Arc& a, uint32_t to) { return a.to < to; });
    return it != last && it->to == v ? &*it : nullptr;
  };
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(arcs.size() * 2);
  for (const Arc& a : arcs) {
    pairs.emplace_back(a.from, a.to);
    pairs.emplace_back(a.to, a.from);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<uint32_t> nbr_owner, nbr;
  for (const auto& [u, v] : pairs) {
    nbr_owner.push_back(u);
    nbr.push_back(v);
  }
  const std::vector<uint32_t> nbr_start = Starts(n, nbr_owner);

  // Peel the trees of facilities that hang off the rest by a single
  // neighbour. Hubs (office of exchange, sorting centres) are never peeled;
  // a component that peels away entirely keeps its last facility as a hub.
  std::vector<uint32_t> degree(n);
  std::vector<bool> pinned(n), removed(n, false);
  std::deque<uint32_t> queue;
  for (uint32_t u = 0; u < n; ++u) {
    degree[u] = nbr_start[u + 1] - nbr_start[u];
    pinned[u] = !closed.facility_closed[u] && net.facilities()[u].kind != FacilityKind::kDeliveryOffice;
    if (!closed.facility_closed[u] && !pinned[u] && degree[u] <= 1) queue.push_back(u);
  }
  t->parent_.assign(n, kNone);
  std::vector<uint32_t> peel_order;
  std::vector<bool> root(n, false);
  while (!queue.empty()) {
    const uint32_t x = queue.front();
    queue.pop_front();
    if (removed[x] || root[x]) continue;
    uint32_t p = kNone;
    for (uint32_t i = nbr_start[x]; i < nbr_start[x + 1]; ++i) {
      if (!removed[nbr[i]]) {
        p = nbr[i];
        break;
      }
    }
    if (p == kNone) {
      root[x] = true;
      continue;
    }
    removed[x] = true;
    t->parent_[x] = p;
    peel_order.push_back(x);
    if (--degree[p] <= 1 && !pinned[p] && !root[p]) queue.push_back(p);
  }

  t->core_index_.assign(n, kNone);
  for (uint32_t u = 0; u < n; ++u) {
    if (!closed.facility_closed[u] && !removed[u]) {
      t->core_index_[u] = uint32_t(t->core_facility_.size());
      t->core_facility_.push_back(u);
    }
  }
  const uint32_t hubs = uint32_t(t->core_facility_.size());

  // Tree arrays, parents before children (reverse peel order).
  t->anchor_.assign(n, kNone);
  t->depth_.assign(n, 0);
  t->up_link_.assign(n, kNone);
  t->down_link_.assign(n, kNone);
  t->up_cost_.assign(n, 0);
  t->down_cost_.assign(n, 0);
  t->up_blocked_.assign(n, 0);
  t->down_blocked_.assign(n, 0);
  std::vector<uint32_t> top(n, kNone);  // the ancestor just below the anchor
  for (uint32_t u : t->core_facility_) t->anchor_[u] = u;
  for (auto it = peel_order.rbegin(); it != peel_order.rend(); ++it) {
    const uint32_t x = *it;
    const uint32_t p = t->parent_[x];
    t->anchor_[x] = t->anchor_[p];
    t->depth_[x] = uint16_t(t->depth_[p] + 1);
    top[x] = t->core_index_[p] != kNone ? x : top[p];
    const Arc* up = find_arc(x, p);
    const Arc* down = find_arc(p, x);
    t->up_link_[x] = up ? up->link : kNone;
    t->up_cost_[x] = t->up_cost_[p] + (up ? up->minutes : 0);
    t->up_blocked_[x] = t->up_blocked_[p] + (up ? 0 : 1);
    t->down_link_[x] = down ? down->link : kNone;
    t->down_cost_[x] = t->down_cost_[p] + (down ? down->minutes : 0);
    t->down_blocked_[x] = t->down_blocked_[p] + (down ? 0 : 1);
  }

  // Shortest paths between hubs, over arcs between hubs only: a path that
  // entered a tree would have to leave it through the same hub. Labels are
  // (minutes, legs, first link), compared in that order.
  std::vector<Arc> hub_arcs;
  for (const Arc& a : arcs) {
    if (t->core_index_[a.from] != kNone && t->core_index_[a.to] != kNone) {
      hub_arcs.push_back({t->core_index_[a.from], t->core_index_[a.to], a.link, a.minutes});
    }
  }
  std::vector<uint32_t> hub_arc_from;
  for (const Arc& a : hub_arcs) hub_arc_from.push_back(a.from);
  const std::vector<uint32_t> hub_arc_start = Starts(hubs, hub_arc_from);

  using Label = std::tuple<uint32_t, uint32_t, uint32_t>;  // minutes, legs, first link
  constexpr Label kNoLabel{kInf, kInf, kNone};
  std::vector<uint32_t> hub_cost(size_t(hubs) * hubs, kInf), hub_first(size_t(hubs) * hubs, kNone);
  std::vector<Label> best(hubs);
  for (uint32_t s = 0; s < hubs; ++s) {
    std::fill(best.begin(), best.end(), kNoLabel);
    std::priority_queue<std::pair<Label, uint32_t>, std::vector<std::pair<Label, uint32_t>>, std::greater<>> heap;
    best[s] = {0, 0, kNone};
    heap.push({best[s], s});
    while (!heap.empty()) {
      const auto [label, u] = heap.top();
      heap.pop();
      if (label != best[u]) continue;
      const auto [cost, legs, first] = label;
      for (uint32_t i = hub_arc_start[u]; i < hub_arc_start[u + 1]; ++i) {
        const Arc& a = hub_arcs[i];
        const Label candidate{cost + a.minutes, legs + 1, u == s ? a.link : first};
        if (candidate < best[a.to]) {
          best[a.to] = candidate;
          heap.push({candidate, a.to});
        }
      }
    }
    for (uint32_t v = 0; v < hubs; ++v) {
      hub_cost[size_t(s) * hubs + v] = std::get<0>(best[v]);
      hub_first[size_t(s) * hubs + v] = std::get<2>(best[v]);
    }
  }

  // Sort plans: from each hub to every facility.
  t->plan_link_.assign(size_t(hubs) * n, kNone);
  t->plan_cost_.assign(size_t(hubs) * n, kInf);
  for (uint32_t h = 0; h < hubs; ++h) {
    const uint32_t hub = t->core_facility_[h];
    uint32_t* links = &t->plan_link_[size_t(h) * n];
    uint32_t* costs = &t->plan_cost_[size_t(h) * n];
    for (uint32_t d = 0; d < n; ++d) {
      const uint32_t a = t->anchor_[d];
      if (a == kNone || t->down_blocked_[d] != 0) continue;
      if (d == hub) {
        costs[d] = 0;
      } else if (a == hub) {
        links[d] = t->down_link_[top[d]];
        costs[d] = t->down_cost_[d];
      } else {
        const size_t k = size_t(h) * hubs + t->core_index_[a];
        if (hub_cost[k] == kInf) continue;
        links[d] = hub_first[k];
        costs[d] = hub_cost[k] + t->down_cost_[d];
      }
    }
  }
  return t;
}

Router::Step Router::Next(uint32_t at, uint32_t dest) const {
  const RoutingTables& t = *t_;
  if (at == dest) {
    return t.anchor_[at] == kNone ? Step{kNone, kInf} : Step{kNone, 0};
  }
  if (const uint32_t h = t.core_index_[at]; h != kNone) {
    const size_t k = size_t(h) * t.n_ + dest;
    return {t.plan_link_[k], t.plan_cost_[k]};
  }
  const uint32_t a = t.anchor_[at];
  if (a == kNone || t.anchor_[dest] == kNone) return {kNone, kInf};
  if (a != t.anchor_[dest] || dest == a) {
    // Up to the anchor, then the anchor's sort plan.
    if (t.up_blocked_[at] != 0) return {kNone, kInf};
    uint32_t rest = 0;
    if (dest != a) {
      rest = t.plan_cost_[size_t(t.core_index_[a]) * t.n_ + dest];
      if (rest == kInf) return {kNone, kInf};
    }
    return {t.up_link_[at], t.up_cost_[at] + rest};
  }
  // Both in the same tree: up to the lowest common ancestor, then down.
  uint32_t x = at;
  uint32_t y = dest;
  while (t.depth_[x] > t.depth_[y]) x = t.parent_[x];
  while (t.depth_[y] > t.depth_[x]) y = t.parent_[y];
  while (x != y) {
    x = t.parent_[x];
    y = t.parent_[y];
  }
  const uint32_t lca = x;
  if (t.up_blocked_[at] != t.up_blocked_[lca] || t.down_blocked_[dest] != t.down_blocked_[lca]) return {kNone, kInf};
  const uint32_t cost = (t.up_cost_[at] - t.up_cost_[lca]) + (t.down_cost_[dest] - t.down_cost_[lca]);
  if (lca != at) return {t.up_link_[at], cost};
  uint32_t child = dest;
  while (t.parent_[child] != at) child = t.parent_[child];
  return {t.down_link_[child], cost};
}

OfficeMatch Router::Resolve(Postcode postcode) const {
  const RoutingTables& t = *t_;
  const uint16_t block = t.postcode_block_[postcode.block()];
  if (block == kNoBlock) return {};
  const uint32_t entry = t.block_entries_[block * 100u + postcode.value() % 100];
  return {FacilityId(entry & ~kFallbackBit),
          (entry & kFallbackBit) ? PostcodeMatch::kDistrictHeadOffice : PostcodeMatch::kExact};
}

RouteDecision Router::RouteTo(FacilityId at, FacilityId destination) const {
  RouteDecision d;
  d.match = PostcodeMatch::kExact;
  d.office = destination;
  const Step step = Next(at.value(), destination.value());
  if (step.link != kNone) {
    d.outcome = RouteOutcome::kForward;
    d.next = LinkId(step.link);
  } else {
    d.outcome = step.cost == 0 ? RouteOutcome::kArrived : RouteOutcome::kUnreachable;
  }
  return d;
}

RouteDecision Router::Route(FacilityId at, Postcode postcode) const {
  const OfficeMatch office = Resolve(postcode);
  if (office.match == PostcodeMatch::kNone) return RouteDecision{};
  RouteDecision d = RouteTo(at, office.office);
  d.match = office.match;
  return d;
}

void Router::RouteBatch(std::span<const RouteRequest> requests, std::span<RouteDecision> out) const {
  assert(out.size() == requests.size());
  for (size_t i = 0; i < requests.size(); ++i) out[i] = Route(requests[i].at, requests[i].postcode);
}

std::optional<uint32_t> Router::TransitMinutes(FacilityId at, FacilityId destination) const {
  const Step step = Next(at.value(), destination.value());
  if (step.cost == kInf) return std::nullopt;
  return step.cost;
}

std::optional<Path> Router::FindPath(FacilityId at, FacilityId destination) const {
  const Step first = Next(at.value(), destination.value());
  if (first.cost == kInf) return std::nullopt;
  Path path;
  path.minutes = first.cost;
  uint32_t here = at.value();
  // Every step lies on a fastest path, so the walk ends within n legs.
  while (here != destination.value()) {
    const Step step = Next(here, destination.value());
    assert(step.link != kNone && path.legs.size() < t_->n_);
    path.legs.push_back(LinkId(step.link));
    here = network().link(LinkId(step.link)).to.value();
  }
  return path;
}

RoutePlanner::RoutePlanner(const Network& network)
    : network_(&network), closures_(network), tables_(RoutingTables::Build(network, closures_)) {}

RouteChanges RoutePlanner::CloseLinks(std::span<const LinkId> links) {
  for (LinkId l : links) closures_.link_closed[l.value()] = true;
  return Rebuild();
}

RouteChanges RoutePlanner::ReopenLinks(std::span<const LinkId> links) {
  for (LinkId l : links) closures_.link_closed[l.value()] = false;
  return Rebuild();
}

RouteChanges RoutePlanner::CloseFacility(FacilityId facility) {
  closures_.facility_closed[facility.value()] = true;
  return Rebuild();
}

RouteChanges RoutePlanner::ReopenFacility(FacilityId facility) {
  closures_.facility_closed[facility.value()] = false;
  return Rebuild();
}

RouteChanges RoutePlanner::Rebuild() {
  const Router before(tables_);
  tables_ = RoutingTables::Build(*network_, closures_);
  const Router after(tables_);

  const uint32_t n = uint32_t(network_->facilities().size());
  const uint32_t oe = network_->office_of_exchange().value();
  std::vector<uint32_t> hubs;
  for (uint32_t u = 0; u < n; ++u) {
    if (network_->facilities()[u].kind != FacilityKind::kDeliveryOffice) hubs.push_back(u);
  }
  const auto same = [](Router::Step a, Router::Step b) { return a.link == b.link && a.cost == b.cost; };
  RouteChanges changes;
  for (uint32_t d = 0; d < n; ++d) {
    bool changed = !same(before.Next(d, oe), after.Next(d, oe));
    for (size_t i = 0; i < hubs.size() && !changed; ++i)
      changed = !same(before.Next(hubs[i], d), after.Next(hubs[i], d));
    if (changed) changes.destinations.push_back(FacilityId(d));
    if (network_->facilities()[d].kind == FacilityKind::kDeliveryOffice && after.Next(oe, d).cost == kInf) {
      ++changes.unreachable_offices;
    }
  }
  return changes;
}

}  // namespace pochta::core
