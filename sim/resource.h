// Resource: a stage with `capacity` identical servers (sorting lines,
// customs officers, counter clerks) and a first-come-first-served queue.
// Keeps time-weighted statistics: busy servers, queue length, utilisation.
//
// Thread-safety: as its Simulation.
#pragma once

#include <deque>

#include "sim/kernel.h"

namespace pochta::sim {

class Resource {
 public:
  // REQUIRES: capacity >= 0; sim outlives the resource.
  Resource(Simulation& sim, int capacity);

  // `granted` is called (as an event at the current time, or when a server
  // frees up) once a server is held for `payload`. The holder calls Release.
  void Request(EventHandler* granted, uint64_t payload = 0);
  // REQUIRES: a server is held.
  void Release();
  // Shifts: more servers start on the queue at once; with fewer, busy ones
  // finish their work and are not replaced.
  void SetCapacity(int capacity);

  int capacity() const { return capacity_; }
  int busy() const { return busy_; }
  size_t queued() const { return queue_.size(); }
  size_t max_queued() const { return max_queued_; }
  uint64_t served() const { return served_; }
  // Time averages from creation to now.
  double MeanBusy() const;
  double MeanQueued() const;
  // MeanBusy over the mean capacity.
  double Utilisation() const;
  // Integrals up to now, in server-seconds: for utilisation over any interval.
  double BusyArea() const;
  double CapacityArea() const;

 private:
  struct Waiting {
    EventHandler* granted;
    uint64_t payload;
  };
  void Account();  // integrates the statistics up to now
  void Grant(const Waiting& w);

  Simulation& sim_;
  int capacity_;
  int busy_ = 0;
  std::deque<Waiting> queue_;
  size_t max_queued_ = 0;
  uint64_t served_ = 0;
  Time start_;
  Time last_ = 0;
  double busy_area_ = 0;
  double queue_area_ = 0;
  double capacity_area_ = 0;
};

}  // namespace pochta::sim
