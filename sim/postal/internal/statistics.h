// Statistics: what the planner reads off a run. Counts items as they finish
// (delivered or returned), samples every observed stage each hour, and
// assembles the run's summary.
//
// Thread-safety: as its Context.
#pragma once

#include <vector>

#include "sim/postal/forecast.h"
#include "sim/postal/internal/context.h"

namespace pochta::sim::internal {

class Statistics final : public EventHandler {
 public:
  explicit Statistics(Context& ctx);

  // Stages sampled each hour and reported in the summary, in this order.
  void Observe(ObservedStage& stage);
  // Schedules the hourly samples from now to the end of the run.
  void Start();
  // Item i was posted.
  void Posted(uint32_t i);
  // Item i has left the network: delivered, or returned to sender.
  void Finish(uint32_t i, bool delivered);
  // A forecast's placed items are the first n; each one's end is kept.
  void TrackPlaced(size_t n) { placed_ends_.resize(n); }
  const std::vector<InFlowEnd>& placed_ends() const { return placed_ends_; }

  // Operators, regions, Little's law; facilities from the observed stages.
  RunSummary Summary() const;
  const std::vector<HourlySample>& hourly() const { return hourly_; }
  const std::vector<std::string>& facility_names() const { return facility_names_; }

  void OnEvent(Simulation& sim, uint64_t payload) override;  // an hourly sample

 private:
  bool Goods(uint32_t op) const;  // flow op is goods, counted in "all"

  Context& ctx_;
  std::vector<ObservedStage*> stages_;
  std::vector<std::string> facility_names_;
  std::vector<RunSummary::ByOperator> by_op_;  // the scenario's flows, then all goods
  std::vector<std::vector<float>> transit_by_op_, order_by_op_, transit_by_region_;
  std::vector<uint64_t> on_time_;
  std::vector<RunSummary::Week> weeks_;
  std::vector<HourlySample> hourly_;
  std::vector<InFlowEnd> placed_ends_;
  uint64_t delivered_this_hour_ = 0, finished_ = 0;
  double sojourn_days_ = 0;
};

}  // namespace pochta::sim::internal
