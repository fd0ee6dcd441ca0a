// PostalModel: the flow of inbound international mail from the designated
// operators' customers to Uzbek addressees, on the discrete-event kernel,
// and the correspondence exchanged with them both ways.
//
// An item is posted in China, Latvia or Vanuatu (EMA) on the origin's
// calendar, reaches the outward office of exchange (EMB) and goes into a
// receptacle; at the cut-off its receptacle is closed into an S8 dispatch
// (pre-advice of items and dispatch) and flown, by weight, possibly through
// a transit office (EMC, EMJ/EMK). In Tashkent the receptacle is opened
// (EMD); the item is scanned, presented to customs in a risk channel (EDB,
// EME, EDC; refused or unpaid: EDX, then EMH return to sender) and sorted in shifts,
// leaves the office of exchange (EMF), travels the line-haul along the
// routing core's path (EDD/EDE at sorting centres) and reaches its delivery
// office (EMG). It goes to the door (EDG, EMH, EMI) or waits for collection
// after a notice (EDH), and is collected (EMI) or returned after the holding
// period. Facilities keep local time; the README walks the journey with the
// parameters of each step. Letters sent abroad are posted at Uzbek offices
// and dispatched from Tashkent the same way; the partner reports them
// received (EMD) and delivered (EMI).
//
// Each stage of that journey is a unit of its own under internal/ (origin,
// dispatching, carriers, inward, linehaul, delivery, statistics);
// context.h there says how they hand items on.
//
// Thread-safety: one model per thread; models are independent.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/routing.h"
#include "sim/kernel.h"
#include "sim/postal/event_sink.h"
#include "sim/postal/scenario.h"

namespace pochta::sim {

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0;
  size_t count = 0;
  // The distribution: days at each percentile 0, 1, ..., 100 (101 values;
  // none without items), for the report's CDF charts.
  std::vector<float> cdf;
};

struct FacilityLoad {
  std::string name;         // "UZTASA arrival scan", "link UZTASA>SC-SKD"
  size_t peak_backlog = 0;  // most items waiting at once
  double utilisation = 0;   // busy share of capacity (0 for transports)
};

struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  uint64_t kernel_events = 0;
  uint64_t tracking_events = 0;
  struct ByOperator {
    uint64_t posted = 0, delivered = 0, returned = 0, in_flow = 0;
    double delivered_tonnes = 0;         // over the whole run
    double delivered_tonnes_window = 0;  // delivered before the arrivals window ended
    double on_time_share = 0;            // of delivered, within the service standard
    Percentiles transit_days;            // posting -> delivery
    Percentiles order_to_delivery_days;  // from the order, for consolidated goods (else as transit_days)
    // Mail exchanged at the Tashkent office of exchange before the posting
    // window ended (received, or for letters sent abroad dispatched):
    // gross kilograms of receptacles and registered items in them.
    double exchanged_kg = 0;
    uint64_t exchanged_registered = 0;
  };
  // By flow (sim::Label: "CN", "CN->UZ letters", "UZ->CN letters"), and
  // "all", the goods to Uzbekistan (correspondence apart).
  std::map<std::string, ByOperator> operators;
  std::map<std::string, Percentiles> by_region;  // region name -> transit days (all operators)
  std::vector<FacilityLoad> facilities;          // Tashkent stages, then the busiest links
  // The last mile: delivered at the door, collected at the counter (after a
  // notice or failed attempts), returned uncollected.
  uint64_t delivered_to_door = 0, collected = 0, uncollected = 0;
  uint64_t in_customs_at_end = 0;
  // Import customs: items presented, by risk channel, and how they ended.
  struct CustomsCounts {
    uint64_t presented = 0, green = 0, yellow = 0, red = 0;
    uint64_t dutiable = 0;  // declared above the duty-free threshold
    uint64_t refused = 0;   // refused after inspection, returned
    uint64_t unpaid = 0;    // dutiable, never paid, returned
  };
  CustomsCounts customs;
  // Items returned to their senders, on their way back (see
  // sim/postal/internal/returns.h).
  struct ReturnCounts {
    uint64_t returned = 0;     // returned to sender (EMH), here or at customs
    uint64_t at_exchange = 0;  // back at Tashkent's office of exchange (EMB)
    uint64_t dispatched = 0;   // left in a return dispatch (EMC)
    uint64_t dispatches = 0;   // return dispatches closed
    uint64_t home = 0;         // received back at their origin office of exchange (EMD)
    double days_p50 = 0;       // returned -> received back, median days
  };
  ReturnCounts returns;
  struct PickupCounts {
    uint64_t addressed = 0;   // to a parcel locker or pick-up point
    uint64_t left = 0;        // left there (EDH at the locker or point)
    uint64_t collected = 0;   // collected there (EMI)
    uint64_t taken_back = 0;  // not collected in time, taken back to the office counter
    uint64_t full = 0;        // found it full, collected at the counter instead
    uint64_t points_full = 0;  // lockers and points that an item found full
  };
  PickupCounts pickup;
  // Goods (the "all" row) by week of delivery, from the first day of the
  // run in Tashkent time: delivered, and within the service standard.
  struct Week {
    uint64_t delivered = 0, on_time = 0;
  };
  std::vector<Week> weeks;
  // For Little's law over the whole run: the time-average number of items
  // posted (or ordered) and not yet delivered or returned, the mean days
  // from then to delivery or return, and items per day of the whole run.
  double mean_in_system = 0;
  double mean_days_in_system = 0;
  double arrivals_per_day = 0;
};

// One facility in one hour of the time series.
struct FacilityHour {
  size_t backlog = 0;       // items waiting or in process at the end of the hour
  uint64_t throughput = 0;  // items processed (stages) or sent on (hubs) during the hour
  double utilisation = 0;   // busy share of staffed capacity during the hour; 0 for hubs
  double staffed_hours = 0;  // server-hours staffed during the hour (utilisation's base); 0 for hubs
};

// Hourly samples for the time series.
struct HourlySample {
  int64_t time = 0;
  size_t in_system = 0;  // posted, not yet delivered or returned
  uint64_t delivered_in_hour = 0;
  std::vector<FacilityHour> facilities;  // in the order of PostalModel::facility_names()
};

struct ForecastStart;  // forecast.h

// How an item a forecast placed ended in one run.
struct InFlowEnd {
  Time at = 0;             // 0: still in flow at the end of the run
  bool delivered = false;  // else returned to its sender
};

// InvalidArgument when the scenario names what the network lacks: a closed
// link's facilities, a region prefix.
absl::Status CheckAgainstNetwork(const Scenario& scenario, const core::Network& network);

class PostalModel {
 public:
  // REQUIRES: network outlives the model; sink may be null (no records).
  // With `from` (a forecast, forecast.h), the run starts at from->now with
  // its items placed where they are; REQUIRES: it outlives the model.
  PostalModel(const Scenario& scenario, const core::Network& network, EventSink* sink,
              const ForecastStart* from = nullptr);
  ~PostalModel();

  // Runs the scenario to its end (arrival days plus drain days), or to
  // `until` when that comes first. `progress` (may be empty) is called once
  // per simulated day with the day number.
  RunSummary Run(const std::function<void(int day, int days)>& progress = {}, std::optional<Time> until = {});
  const std::vector<HourlySample>& hourly() const;
  // The Tashkent stages, then the office of exchange's and the sorting
  // centres' line-haul departures.
  const std::vector<std::string>& facility_names() const;
  // With a forecast start, after Run: how each of its items ended, as they
  // were given; nothing for an item not placed.
  std::vector<std::optional<InFlowEnd>> in_flow_ends() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pochta::sim
