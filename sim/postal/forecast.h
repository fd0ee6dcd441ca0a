// Forecast: the postal model started from where every real item is now.
//
// Each item in flow, as the tracking store knows it (its latest event, its
// pre-advice), is placed at that point of the model: an item posted abroad
// on its way to the outward office of exchange, a receptacle waiting for
// its flight or in the air, an item in the arrival-scan queue, held by
// customs or waiting to be sorted, on a truck or at a sorting centre, at
// its delivery office waiting for a round or for its addressee. What has
// already lasted is kept: a hold is drawn from its distribution given that
// it has lasted so long (Rng::LogNormalAbove), a wait for collection from
// the addressees who have not come yet. Then the scenario's future demand
// is added and the model runs forward, once per replication.
//
// What the model cannot know is drawn as the item's flow would draw it
// (the weight, the declared value, the destination of an item without
// pre-advice). Items that leave Uzbekistan (letters sent abroad), that no
// flow of the scenario carries, or whose latest event ends their journey
// here (EDX, EXX) are not placed; Forecast::not_placed counts them.
//
// Thread-safety: RunForecast runs independent models on `jobs` threads; the
// network and the items are only read.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/item.h"
#include "core/network.h"
#include "core/tracking.h"
#include "sim/kernel.h"
#include "sim/postal/model.h"
#include "sim/postal/replications.h"
#include "sim/postal/scenario.h"

namespace pochta::sim {

// An item already in the network when a forecast starts.
struct ItemInFlow {
  core::ItemId id;
  // Its latest event in canonical order; none: pre-advised, not scanned yet.
  std::optional<core::TrackingEvent> latest;
  core::Timestamp posted{};  // the pre-advice's posting time, else its earliest event's
  // From the pre-advice, when there is one (mail_class is set exactly then).
  std::optional<core::MailClass> mail_class;
  uint32_t weight_grams = 0;               // 0: unknown
  std::optional<uint32_t> value_cents;     // declared value, when declared in US dollars
  bool documents = false;                  // pre-advised without a customs declaration
  std::string postcode;                    // the addressee's; empty: unknown
  std::string dispatch_id, receptacle_id;  // S8 and S9, when known
};

// Where a forecast starts: the time, and the items in flow then.
struct ForecastStart {
  Time now = 0;
  std::span<const ItemInFlow> items;
};

// Delivery times over the replications, for one item in flow.
struct ItemOutlook {
  bool placed = false;  // else the rest is left as it is
  // The 10th, 50th and 90th percentiles (interpolated between the
  // replications' values); kForever when not delivered by the horizon
  // (returned, or still in flow) in that share of the replications or more.
  Time p10 = kForever, p50 = kForever, p90 = kForever;
  float delivered = 0;  // share of replications where it was delivered by the horizon
  float late = 0;       // share where it missed its service standard (delivered late, or not by the deadline)
};

struct Forecast {
  Time start = 0, end = 0;
  int replications = 0;
  // As the items were given; an item not placed keeps the defaults.
  std::vector<ItemOutlook> items;
  std::map<std::string, uint64_t> not_placed;  // why -> items
  uint64_t placed = 0;
  // Each hour from the start: items in flow, and the backlog at each stage
  // and hub (in the order of PostalModel::facility_names), mean and 95%
  // confidence interval over the replications.
  std::vector<Time> hours;
  std::vector<Estimate> in_system;
  std::vector<std::string> facility_names;
  std::vector<std::vector<Estimate>> backlog;  // [facility][hour]
  // Items in flow at the start that miss their service standard, by flow
  // label and "all"; over the replications.
  std::map<std::string, Estimate> late;
  std::vector<RunSummary> runs;  // one per replication
};

// Runs `replications` replications (seeds scenario.seed + r) of `scenario`
// from `start`: its postings begin at start.now and go on for
// scenario.days days, the run ends scenario.drain_days after.
// REQUIRES: the scenario and network checked (CheckAgainstNetwork).
Forecast RunForecast(const Scenario& scenario, const core::Network& network, const ForecastStart& start,
                     int replications, int jobs, const std::function<void()>& done = {});

}  // namespace pochta::sim
