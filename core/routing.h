// The routing core: for a parcel at any facility, which delivery office serves
// its postcode, which link it takes next, and the whole path with its transit
// time.
//
// Three pieces, as in a contraction-hierarchy router:
//  * RoutingTables: preprocessed, immutable, flat data built from a Network
//    and its closures (postcode -> office blocks, per-hub sort plans, the
//    trees of offices hanging off the hubs). Build is O(links log links) plus
//    a shortest-path search per hub, well under a millisecond on the
//    Uzbekistan network.
//  * Router: the cheap query object over one snapshot of tables. Every answer
//    is a few array reads; RouteBatch routes a span of items at once.
//  * RoutePlanner: owns the closures (links and facilities closed for
//    roadworks, weather, strikes), rebuilds the tables when they change and
//    says which destinations changed route.
//
// Routes are fastest by scheduled transit minutes; equal times are broken by
// fewer legs, then by the lower link id (file order), so answers never depend
// on hash order or timing. A destination that cannot be reached over open
// links and facilities is reported as kUnreachable, never as a wrong path.
//
// Thread-safety: RoutingTables and Router are immutable and may be shared by
// any number of threads. RoutePlanner is not thread-safe; readers take a
// Router (which holds its snapshot alive) and keep using it while the planner
// publishes a new one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/network.h"

namespace pochta::core {

// Which links and facilities are closed. A closed facility neither sends,
// receives nor forwards mail.
struct Closures {
  explicit Closures(const Network& network)
      : link_closed(network.links().size(), false), facility_closed(network.facilities().size(), false) {}
  std::vector<bool> link_closed;
  std::vector<bool> facility_closed;
};

enum class PostcodeMatch : uint8_t {
  kExact,               // an office has exactly this postcode
  // No such office; the office that serves its block of 100 postcodes takes
  // the item: outside Tashkent city the district's head office (postcode ..00).
  kDistrictHeadOffice,
  kNone,  // no office has a postcode in its block
};

struct OfficeMatch {
  FacilityId office;  // invalid when match == kNone
  PostcodeMatch match = PostcodeMatch::kNone;
};

enum class RouteOutcome : uint8_t {
  kForward,          // send the item over `next`
  kArrived,          // the item is at its delivery office
  kUnreachable,      // no open path from here to the office
  kUnknownPostcode,  // no office serves the postcode and its district is unknown
};

struct RouteRequest {
  FacilityId at;
  Postcode postcode;
};

struct RouteDecision {
  RouteOutcome outcome = RouteOutcome::kUnknownPostcode;
  PostcodeMatch match = PostcodeMatch::kNone;
  FacilityId office;  // the delivery office the item is bound for
  LinkId next;        // valid only when outcome == kForward
};

struct Path {
  std::vector<LinkId> legs;  // in travel order; empty when already there
  uint32_t minutes = 0;      // sum of the legs' transit times
};

class RoutingTables {
 public:
  // REQUIRES: network outlives the tables; closures sized for this network.
  static std::shared_ptr<const RoutingTables> Build(const Network& network, const Closures& closures);

  const Network& network() const { return *network_; }

 private:
  friend class Router;
  RoutingTables() = default;

  const Network* network_ = nullptr;
  uint32_t n_ = 0;

  // Postcode -> office: 100 entries for each block of 100 postcodes (the
  // first four digits) that holds an office.
  std::vector<uint16_t> postcode_block_;  // 10,000 blocks -> index of its entries, or kNoBlock
  std::vector<uint32_t> block_entries_;   // facility id, with kFallbackBit for a head-office fallback

  // Hubs and the trees of facilities hanging off them.
  std::vector<uint32_t> core_index_;     // facility -> hub index, or kNone
  std::vector<uint32_t> core_facility_;  // hub index -> facility
  std::vector<uint32_t> anchor_;         // facility -> the hub its tree hangs off (itself for hubs); kNone if closed
  std::vector<uint32_t> parent_;         // tree parent, kNone for hubs
  std::vector<uint16_t> depth_;          // 0 for hubs
  std::vector<uint32_t> up_link_;        // link to the parent, kNone if none is open
  std::vector<uint32_t> down_link_;      // link from the parent
  std::vector<uint32_t> up_cost_;        // minutes to the anchor (valid when up_blocked_ is 0)
  std::vector<uint32_t> down_cost_;      // minutes from the anchor
  std::vector<uint32_t> up_blocked_;     // missing links on the way up to the anchor
  std::vector<uint32_t> down_blocked_;   // missing links on the way down from the anchor

  // Sort plans: for hub h and destination d, entry h * n_ + d.
  std::vector<uint32_t> plan_link_;  // first link, kNone if unreachable or d is h
  std::vector<uint32_t> plan_cost_;  // minutes, kInf if unreachable
};

class Router {
 public:
  // REQUIRES: tables != nullptr.
  explicit Router(std::shared_ptr<const RoutingTables> tables) : t_(std::move(tables)) {}

  const Network& network() const { return t_->network(); }

  OfficeMatch Resolve(Postcode postcode) const;

  // The decision for an item at `at` addressed to `postcode`.
  RouteDecision Route(FacilityId at, Postcode postcode) const;
  // The decision for an item at `at` bound for `destination` (any facility;
  // returns to sender are routed to the office of exchange).
  RouteDecision RouteTo(FacilityId at, FacilityId destination) const;
  // Route() for every request. REQUIRES: out.size() == requests.size().
  void RouteBatch(std::span<const RouteRequest> requests, std::span<RouteDecision> out) const;

  // Expected transit minutes from `at` to `destination`; nothing if unreachable.
  std::optional<uint32_t> TransitMinutes(FacilityId at, FacilityId destination) const;
  // The whole path; nothing if unreachable.
  std::optional<Path> FindPath(FacilityId at, FacilityId destination) const;

 private:
  friend class RoutePlanner;
  struct Step {
    uint32_t link;  // kNone when there or unreachable
    uint32_t cost;  // kInf when unreachable
  };
  Step Next(uint32_t at, uint32_t destination) const;

  std::shared_ptr<const RoutingTables> t_;
};

// Facilities whose route changed: from any hub to them, or from them back to
// the office of exchange (a different next link, transit time or reachability).
struct RouteChanges {
  std::vector<FacilityId> destinations;  // ascending
  size_t unreachable_offices = 0;        // delivery offices the office of exchange cannot reach after the change
};

class RoutePlanner {
 public:
  // REQUIRES: network outlives the planner.
  explicit RoutePlanner(const Network& network);

  const Network& network() const { return *network_; }
  const Closures& closures() const { return closures_; }
  Router router() const { return Router(tables_); }

  // Each call rebuilds the tables once and publishes them.
  RouteChanges CloseLinks(std::span<const LinkId> links);
  RouteChanges ReopenLinks(std::span<const LinkId> links);
  RouteChanges CloseFacility(FacilityId facility);
  RouteChanges ReopenFacility(FacilityId facility);

 private:
  RouteChanges Rebuild();

  const Network* network_;
  Closures closures_;
  std::shared_ptr<const RoutingTables> tables_;
};

}  // namespace pochta::core
