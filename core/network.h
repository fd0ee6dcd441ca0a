// Network: Uzbekiston Pochtasi's inland network as loaded from a network file
// (data/uz-network.txt documents the format): the inward office of exchange,
// one sorting centre per region, delivery post offices keyed by 6-digit
// postcode, the transport links between them, and the parcel lockers and
// pick-up points the delivery offices fill.
//
// A Network is validated on load and immutable afterwards; closures of links
// and facilities are routing state (see routing.h), not part of the network.
// Thread-safety: const methods may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/strong_id.h"

namespace pochta::core {

using FacilityId = StrongId<struct FacilityTag>;
using LinkId = StrongId<struct LinkTag>;
using RegionId = StrongId<struct RegionTag>;
using DistrictId = StrongId<struct DistrictTag>;
using PickupPointId = StrongId<struct PickupPointTag>;

enum class FacilityKind : uint8_t {
  kOfficeOfExchange,  // where international dispatches arrive (UZTASA)
  kSortingCentre,     // one per region
  kDeliveryOffice,    // a post office that delivers to addresses of one postcode
};

enum class TransportMode : uint8_t { kTruck, kVan, kRail, kAir };

enum class PickupKind : uint8_t {
  kLocker,  // a parcel locker: open every hour of every day, one item a compartment
  kPoint,   // a staffed pick-up point (a shop, a kiosk): open in post office hours
};

std::string_view Name(FacilityKind kind);   // "exchange", "sorting", "office"
std::string_view Name(TransportMode mode);  // "truck", "van", "rail", "air"
std::string_view Name(PickupKind kind);     // "locker", "point"
std::optional<TransportMode> ParseTransportMode(std::string_view name);

// The form of every facility and office code pochta handles (network codes,
// postcodes, IMPC codes, origin post offices): 2-16 capital letters, digits
// or '-'.
bool IsFacilityCode(std::string_view code);

// A postcode of Uzbekistan: six digits. Outside Tashkent city, digits 1-2
// are the region, 3-4 the district, 5-6 the office; in Tashkent city, 100
// and the three-digit number of the post office (100015 is post office 15),
// whatever its district (pochta.uz, see the README). Held as the number
// 0..999,999.
class Postcode {
 public:
  static constexpr uint32_t kCount = 1'000'000;
  constexpr Postcode() = default;                                                   // 000000
  static std::optional<Postcode> Parse(std::string_view text);                      // exactly six digits
  static constexpr Postcode FromNumber(uint32_t value) { return Postcode(value); }  // REQUIRES: value < kCount
  constexpr uint32_t value() const { return value_; }
  // The first four digits: a block of 100 postcodes (the district, outside Tashkent city).
  constexpr uint32_t block() const { return value_ / 100; }
  std::string ToString() const;
  friend constexpr auto operator<=>(Postcode, Postcode) = default;

 private:
  constexpr explicit Postcode(uint32_t value) : value_(value) {}
  uint32_t value_ = 0;
};

struct Region {
  std::string prefix;  // postcode prefix, 2 digits ("14") or 3 for Tashkent city ("100")
  std::string name;
  FacilityId sorting_centre;
  int line = 0;
};

struct District {
  // Its region's prefix and two digits: outside Tashkent city, the first four
  // digits of its postcodes; in Tashkent city (10001...) a number only.
  uint32_t code = 0;
  RegionId region;
  std::string name;
  FacilityId head_office;  // where its branches' mail comes from
  int line = 0;
};

struct Facility {
  std::string code;  // e.g. "UZTASA", "SC-SKD", or the postcode of a delivery office
  FacilityKind kind = FacilityKind::kDeliveryOffice;
  std::string name;
  RegionId region;                   // invalid for the office of exchange
  DistrictId district;               // delivery offices only
  std::optional<Postcode> postcode;  // delivery offices only
  int line = 0;
};

// One direction of a transport connection. A two-way line in the file gives two links.
struct Link {
  FacilityId from;
  FacilityId to;
  TransportMode mode = TransportMode::kTruck;
  uint32_t minutes = 0;  // scheduled transit time, door to door
  int line = 0;
};

// A parcel locker or pick-up point where a delivery office leaves items for
// their addressees to collect. It is not a routing facility: items reach it
// from its office on the delivery round, and what is not collected goes back
// to the office.
struct PickupPoint {
  std::string code;  // its own code, never a postcode: the office's postcode, '-', L or P and a number
  PickupKind kind = PickupKind::kLocker;
  FacilityId office;      // the delivery office that fills it
  uint32_t capacity = 0;  // items it holds at once: a locker's compartments, a point's shelf places
  std::string name;
  int line = 0;
};

class Network {
 public:
  // Parses and validates a network file. `source` names it in error messages
  // ("uz-network.txt:120: ..."). Every problem found is reported, one per line.
  static absl::StatusOr<Network> Parse(std::string_view text, std::string_view source);
  static absl::StatusOr<Network> Load(const std::string& path);

  std::span<const Facility> facilities() const { return facilities_; }
  std::span<const Link> links() const { return links_; }
  std::span<const Region> regions() const { return regions_; }
  std::span<const District> districts() const { return districts_; }
  std::span<const PickupPoint> pickup_points() const { return pickup_points_; }

  const Facility& facility(FacilityId id) const { return facilities_[id.value()]; }
  const Link& link(LinkId id) const { return links_[id.value()]; }
  const Region& region(RegionId id) const { return regions_[id.value()]; }
  const District& district(DistrictId id) const { return districts_[id.value()]; }
  const PickupPoint& pickup_point(PickupPointId id) const { return pickup_points_[id.value()]; }

  std::optional<FacilityId> Find(std::string_view code) const;
  // The delivery office with exactly this postcode.
  std::optional<FacilityId> FindOffice(Postcode postcode) const;
  std::optional<DistrictId> FindDistrict(uint32_t district_code) const;
  std::optional<PickupPointId> FindPickupPoint(std::string_view code) const;
  // The lockers and pick-up points that `office` fills, in file order.
  std::span<const PickupPointId> PickupPointsOf(FacilityId office) const;
  // The links of both directions between a and b, optionally of one mode only.
  std::vector<LinkId> LinksBetween(FacilityId a, FacilityId b, std::optional<TransportMode> mode = {}) const;

  FacilityId office_of_exchange() const { return office_of_exchange_; }
  size_t CountOf(FacilityKind kind) const;

 private:
  std::vector<Facility> facilities_;
  std::vector<Link> links_;
  std::vector<Region> regions_;
  std::vector<District> districts_;
  std::vector<PickupPoint> pickup_points_;
  absl::flat_hash_map<std::string, FacilityId> by_code_;
  absl::flat_hash_map<uint32_t, DistrictId> district_by_code_;
  absl::flat_hash_map<std::string, PickupPointId> pickup_by_code_;
  absl::flat_hash_map<uint32_t, std::vector<PickupPointId>> pickups_by_office_;  // by office FacilityId
  FacilityId office_of_exchange_;

  friend class NetworkParser;
};

}  // namespace pochta::core
