// Delivery: from the item's arrival at its delivery office to its end, on
// the office's calendar: it is open on working days that are not public
// holidays, within office hours, in local time. An item reaching a closed
// office is received (EMG) when it opens. A share of items, by mail class,
// goes to the door: rounds go out at the scenario's hour on working days
// (EDG); an attempt succeeds with a probability, fails (EMH, redeliver) and
// is tried on the next round, and after the last attempt the item waits for
// collection (EMH hold, EDH). The others, most small packets, wait for
// collection at once: the addressee gets a notice (EDH). A waiting item is
// collected (EMI) during opening hours within the holding period, or
// returned to sender (EMH return) when the office opens after it.
//
// Where the office fills parcel lockers or pick-up points (the network
// file's pickup records), a share of items by mail class is addressed to one
// of them: the next round takes the item there (EDG at the office, EDH at
// the locker) if it has room, else the item waits at the counter. A locker
// is open round the clock, a pick-up point in office hours; the addressee
// collects there (EMI) within pickup_holding_days, or the next round after
// takes the item back (EMH hold at the locker, EDH at the office) to wait
// out the rest of the holding period at the counter.
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/returns.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Delivery final : public EventHandler {
 public:
  Delivery(Context& ctx, Statistics& statistics, Returns& returns);

  // Item i has reached its delivery office.
  void Arrive(uint32_t i);
  // Item i of a forecast, whose latest event `e` happened at its delivery
  // office or pickup point: received (EMG), out on a round (EDG), after a
  // failed attempt (EMH), or waiting for its addressee (EDH, EDF), for what
  // is left of the wait.
  void Resume(uint32_t i, const core::TrackingEvent& e);

  // Items delivered at the door, collected, and returned uncollected.
  uint64_t delivered_to_door() const { return door_; }
  uint64_t collected() const { return collected_; }
  uint64_t uncollected() const { return uncollected_; }
  RunSummary::PickupCounts pickup() const;

  void OnEvent(Simulation& sim, uint64_t payload) override;

 private:
  // The next round at or after t.
  Time NextRound(Time t) const;
  void Received(uint32_t i);
  // Where received item i goes: to a pickup point, to the door or, if
  // `counter`, to wait at the counter.
  void Decide(uint32_t i, bool counter);
  void Round(uint32_t i);
  // The delivery attempt of item i on a round, which ends at `done`.
  void Attempt(uint32_t i, Time done);
  // A wait for the addressee: the days from its start to collection (mean
  // `mean_days`), and whether the addressee comes at all; for a wait placed
  // by a forecast, given that nobody came in the `waited` days so far.
  std::pair<double, bool> Collection(double waited, double mean_days);
  // The item waits at the office from `since` (a notice, EDH, was issued)
  // for `days`, then goes back to its sender.
  void AwaitCollection(uint32_t i, Time since, int days);
  // The round takes item i to its pickup point, if there is room.
  void ToPickup(uint32_t i);
  // Item i is in its pickup point's compartment or on its shelf, since
  // `since` (AwaitAtPickup): collected there or taken back in time.
  void AtPickup(uint32_t i);
  void AwaitAtPickup(uint32_t i, Time since);
  // Item i leaves its pickup point: collected, or taken back to its office.
  void LeavePickup(uint32_t i, bool collected);

  Context& ctx_;
  Statistics& statistics_;
  Returns& returns_;
  Rng rng_;
  uint64_t door_ = 0, collected_ = 0, uncollected_ = 0;
  absl::flat_hash_map<uint32_t, core::PickupPointId> pickup_of_;  // items addressed to a pickup point, until they leave it
  std::vector<uint32_t> occupied_;                                // by pickup point: items in it or on the way
  std::vector<bool> was_full_;                                    // by pickup point: an item found it full
  RunSummary::PickupCounts pickup_;
};

}  // namespace pochta::sim::internal
