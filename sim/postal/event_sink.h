// Where a simulation's tracking records go: the tracking store (through an
// adapter outside sim/, which knows nothing of storage), a trace file, or
// nowhere for fast sweeps.
//
// Events are emitted in simulation order, but an event's own time may lie a
// little before the current simulation time (a departure scan reported on
// arrival). Thread-safety: called from the simulation's thread only.
#pragma once

#include "core/item.h"
#include "core/operators.h"
#include "core/tracking.h"

namespace pochta::sim {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void PreAdvice(const core::Item& item) = 0;
  virtual void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator reported_by) = 0;
};

}  // namespace pochta::sim
