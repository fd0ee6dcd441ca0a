// Origin: where items enter the model. Each designated operator's customers
// post items (EMA) at a rate shaped by the weekday and the seasons of the
// origin's local calendar (peaks and troughs); an item
// gets its S10 id, service indicator, weight and destination office, and
// reaches the outward office of exchange (EMB) after a log-normal time.
//
// Thread-safety: as its Context.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/item_id.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/dispatching.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Origin final : public EventHandler {
 public:
  Origin(Context& ctx, Dispatching& dispatching, Statistics& statistics);

  // Schedules each operator's first posting.
  void Start();

  void OnEvent(Simulation& sim, uint64_t payload) override;

 private:
  // Postings per day relative to items_per_day, by the origin's local date.
  double DemandFactor(uint32_t o, Time t) const;
  void ScheduleNextPosting(uint32_t o, Time from);
  core::ItemId NextId(uint32_t o, const std::string& indicator);
  void Post(uint32_t o);

  Context& ctx_;
  Dispatching& dispatching_;
  Statistics& statistics_;
  std::vector<Rng> arrivals_;              // by operator
  std::vector<std::string> posting_office_;  // by operator
  std::vector<std::vector<uint32_t>> region_offices_;
  std::vector<double> region_weight_;  // cumulative
  std::map<std::pair<uint32_t, std::string>, core::ItemIdSequence> sequences_;
};

}  // namespace pochta::sim::internal
