// Places: the offices of events and routes as people read them, by name and
// in local time. An office of the Uzbek network is named from the network
// file and keeps Uzbekiston Pochtasi's zone; an office of exchange abroad
// ("CNURCA") or a post office of another country ("CN518000") is named
// from the operators file and keeps its operator's zone; anything else is
// shown by its code, in UTC.
//
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "core/network.h"
#include "core/operators.h"
#include "core/tracking.h"

namespace pochta::services {

class Places {
 public:
  // REQUIRES: both outlive the Places.
  Places(const core::Network& network, const core::Operators& operators);

  // "Tashkent regional sorting centre (SC-TAS)", "Urumqi, China Post (CNURCA)".
  std::string Name(std::string_view office) const;

  struct LocalTime {
    std::string time;  // "2025-03-02 14:05"
    std::string zone;  // "Asia/Tashkent, UTC+05:00"
  };
  LocalTime Local(std::string_view office, core::Timestamp t) const;
  // In Uzbekiston Pochtasi's zone: expected deliveries, work-list times.
  LocalTime Home(core::Timestamp t) const;

  // Offices of exchange and sorting centres, in network order: what a
  // work-list form offers (delivery offices are typed by postcode).
  const std::vector<const core::Facility*>& hubs() const { return hubs_; }

 private:
  struct Zone {
    std::string name;
    absl::TimeZone zone;
  };
  const Zone& ZoneOf(std::string_view office) const;
  static LocalTime Format(const Zone& zone, core::Timestamp t);

  const core::Network& network_;
  const core::Operators& operators_;
  Zone home_;
  Zone utc_;
  absl::flat_hash_map<std::string, Zone> by_country_;  // operators' zones by country code
  std::vector<const core::Facility*> hubs_;
};

}  // namespace pochta::services
