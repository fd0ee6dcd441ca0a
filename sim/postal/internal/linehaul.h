// LineHaul: from the office of exchange to the delivery office. The routing
// core picks each next link; every link runs on the scenario's timetable
// for its mode with a capacity per departure (items that do not fit wait
// for the next); sorting centres handle items in transit, each for its own
// handling time (EDD, EDE); the
// office of exchange scans them out (EMF). A closed road re-routes the items
// waiting for it; with no open route an item waits for a reopening.
//
// Thread-safety: as its Context.
#pragma once

#include <memory>

#include "core/routing.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/delivery.h"
#include "sim/transport.h"

namespace pochta::sim::internal {

class LineHaul final : public EventHandler, public ObservedStage {
 public:
  LineHaul(Context& ctx, Delivery& delivery);

  // Sends item i on towards its office from where it is.
  void Forward(uint32_t i);
  // Item i of a forecast, whose latest event `e` happened at facility `at`:
  // on the road from the office of exchange (EMF), handled at a sorting
  // centre (EDD), or scanned out of one (EDE) and waiting for its departure
  // or, if that has left, on the road.
  void Resume(uint32_t i, const core::TrackingEvent& e, uint32_t at);
  // Schedules the scenario's closures and reopenings.
  void ScheduleClosures();

  void OnEvent(Simulation& sim, uint64_t payload) override;
  // The office of exchange and the sorting centres: items waiting for a
  // departure, items sent on.
  void Names(std::vector<std::string>& out) const override;
  void SampleHour(std::vector<FacilityHour>& out) override;
  // The eight facilities with the longest queues for a departure.
  void Report(std::vector<FacilityLoad>& out) const override;

 private:
  ScheduledTransport& Transport(uint32_t link);
  void Arrive(uint32_t i);
  void Closure(size_t c, bool close);

  Context& ctx_;
  Delivery& delivery_;
  core::RoutePlanner planner_;
  core::Router router_;
  std::vector<std::unique_ptr<ScheduledTransport>> links_;  // by link, made when first used
  struct Departures {  // a facility's transports, and the most items waiting for them at an hour's end
    std::vector<ScheduledTransport*> transports;
    size_t peak = 0;
  };
  std::vector<Departures> by_facility_;  // by facility
  std::vector<uint32_t> departing_;      // facilities with a transport
  std::vector<uint32_t> hubs_;        // office of exchange and sorting centres
  std::vector<Time> handling_;        // by facility: a sorting centre's handling time
  std::vector<uint64_t> last_count_;  // items sent on from each hub by the previous sample
};

}  // namespace pochta::sim::internal
