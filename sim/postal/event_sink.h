// Where a simulation's tracking records go: the tracking store (through an
// adapter outside sim/, which knows nothing of storage), a trace file, or
// nowhere for fast sweeps.
//
// Events are emitted in simulation order, but an event's own time may lie a
// little before the current simulation time (a departure scan reported on
// arrival). `reported_at` is the simulated time at which the operator would
// report it: the later of the event's time and the simulation's time. It is
// what a store records as the time it received the event, so that a
// simulated store is the same bytes on every run. Thread-safety: called from
// the simulation's thread only.
#pragma once

#include <vector>

#include "core/dispatch_id.h"
#include "core/item.h"
#include "core/operators.h"
#include "core/tracking.h"

namespace pochta::sim {

// A closed dispatch, as its pre-advice (PREDES) lists it.
struct Dispatch {
  struct Receptacle {
    core::ReceptacleId id;
    std::vector<core::ItemId> items;
  };
  core::DispatchId id;
  std::vector<Receptacle> receptacles;  // in receptacle number order; the last is the highest
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // An item's pre-advice (ITMATT), sent when its dispatch closes: it names
  // the dispatch and the receptacle.
  virtual void PreAdvice(const core::Item& item) = 0;
  // Sent after the pre-advice of every item in it.
  virtual void Declare(const Dispatch& dispatch) = 0;
  virtual void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator reported_by,
                     core::Timestamp reported_at) = 0;
};

}  // namespace pochta::sim
