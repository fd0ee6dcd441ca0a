// ScheduledTransport: a timetabled service between two places (a daily
// flight from Shanghai, a night truck from Tashkent to Samarkand). It leaves
// at fixed times of day, takes loads first come first served up to
// `capacity` each time, and delivers them `transit` later. A load has a
// size in the capacity's unit (an item, a kilogram); one that does not fit
// waits, with those behind it, for the next departure. A load larger than
// the whole capacity leaves alone.
//
// Departures are only simulated when items wait, so an idle service costs
// no events.
// Thread-safety: as its Simulation.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "sim/kernel.h"
#include "sim/local_time.h"

namespace pochta::sim {

struct TransportTimetable {
  std::vector<Time> departures;  // seconds after midnight, ascending, each < day; local with a clock
  int capacity = 0;              // per departure, in the unit of the loads' sizes
  Time transit = 0;              // door to door
  Time day = 86'400;
  // The clock the departures are read on; null: `day`-long days from time 0.
  // REQUIRES: outlives the transport.
  const LocalTime* clock = nullptr;
};

class ScheduledTransport final : public EventHandler {
 public:
  // `arrival.OnEvent(sim, payload)` runs when an item arrives, and
  // `departed(payload)`, when given, as it leaves.
  // REQUIRES: at least one departure; capacity > 0; sim and arrival outlive it.
  ScheduledTransport(Simulation& sim, TransportTimetable timetable, EventHandler* arrival,
                     std::function<void(uint64_t payload)> departed = {});

  void Board(uint64_t payload, uint32_t size = 1);
  // Removes and returns the loads waiting for a departure (a closed road:
  // they are sent another way). Items already under way are not affected.
  std::vector<uint64_t> TakeWaiting();
  // The first departure at or after t.
  Time NextDeparture(Time t) const;

  size_t waiting() const { return waiting_.size(); }  // loads
  size_t max_waiting() const { return max_waiting_; }
  uint64_t departures() const { return departures_; }
  uint64_t carried() const { return carried_; }  // loads

  void OnEvent(Simulation& sim, uint64_t payload) override;  // a departure

 private:
  void ScheduleNext(Time after);

  Simulation& sim_;
  TransportTimetable timetable_;
  EventHandler* arrival_;
  std::function<void(uint64_t)> departed_;
  struct Load {
    uint64_t payload;
    uint32_t size;
  };
  std::deque<Load> waiting_;
  bool departure_scheduled_ = false;
  size_t max_waiting_ = 0;
  uint64_t departures_ = 0;
  uint64_t carried_ = 0;
};

}  // namespace pochta::sim
