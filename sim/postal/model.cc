#include "sim/postal/model.h"

#include "fmt/format.h"
#include "sim/postal/internal/abroad.h"
#include "sim/postal/internal/carriers.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/delivery.h"
#include "sim/postal/internal/dispatching.h"
#include "sim/postal/internal/inward.h"
#include "sim/postal/internal/linehaul.h"
#include "sim/postal/internal/origin.h"
#include "sim/postal/internal/returns.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim {

using internal::kDay;

// The stages, wired in the order an item meets them; each hands an item to
// the next through one call (see internal/context.h).
class PostalModel::Impl final : public EventHandler {
 public:
  Impl(const Scenario& s, const core::Network& network, EventSink* sink)
      : ctx_(s, network, sink),
        statistics_(ctx_),
        returns_(ctx_),
        delivery_(ctx_, statistics_, returns_),
        linehaul_(ctx_, delivery_),
        inward_(ctx_, linehaul_, statistics_, returns_),
        abroad_(ctx_, statistics_),
        carriers_(ctx_, inward_, abroad_),
        dispatching_(ctx_, carriers_),
        origin_(ctx_, dispatching_, statistics_) {
    statistics_.Observe(inward_);
    statistics_.Observe(carriers_);
    statistics_.Observe(linehaul_);
  }

  RunSummary Run(const std::function<void(int, int)>& progress) {
    progress_ = progress;
    origin_.Start();
    for (int64_t day = ctx_.first_day; ctx_.uz.Midnight(day) < ctx_.end; ++day) {
      inward_.ScheduleShifts(day);
      ctx_.sim.Schedule(ctx_.uz.Midnight(day), this, uint64_t(day - ctx_.first_day));
    }
    statistics_.Start();
    returns_.Start();
    linehaul_.ScheduleClosures();
    ctx_.sim.RunUntil(ctx_.end);
    RunSummary out = statistics_.Summary();
    for (uint32_t op = 0; op < ctx_.s.operators.size(); ++op) {
      const internal::Carriers::Exchange& e = carriers_.exchanged(op);
      RunSummary::ByOperator& flow = out.operators.at(Label(ctx_.s.operators[op]));
      flow.exchanged_kg = e.kg;
      flow.exchanged_registered = e.registered;
      if (ctx_.s.operators[op].kind == OperatorFlow::Kind::kGoods) {
        out.operators.at("all").exchanged_kg += e.kg;
        out.operators.at("all").exchanged_registered += e.registered;
      }
    }
    out.delivered_to_door = delivery_.delivered_to_door();
    out.collected = delivery_.collected();
    out.uncollected = delivery_.uncollected();
    out.in_customs_at_end = uint64_t(inward_.in_customs());
    out.customs = inward_.customs();
    out.returns = returns_.counts();
    out.pickup = delivery_.pickup();
    return out;
  }

  const std::vector<HourlySample>& hourly() const { return statistics_.hourly(); }
  const std::vector<std::string>& facility_names() const { return statistics_.facility_names(); }

  void OnEvent(Simulation&, uint64_t day) override {  // a new day
    if (progress_) progress_(int(day), ctx_.s.days + ctx_.s.drain_days);
  }

 private:
  internal::Context ctx_;
  internal::Statistics statistics_;
  internal::Returns returns_;
  internal::Delivery delivery_;
  internal::LineHaul linehaul_;
  internal::Inward inward_;
  internal::Abroad abroad_;
  internal::Carriers carriers_;
  internal::Dispatching dispatching_;
  internal::Origin origin_;
  std::function<void(int, int)> progress_;
};

absl::Status CheckAgainstNetwork(const Scenario& s, const core::Network& network) {
  for (const Scenario::Closure& c : s.closures) {
    const std::optional<core::FacilityId> a = network.Find(c.from);
    const std::optional<core::FacilityId> b = network.Find(c.to);
    if (!a || !b || network.LinksBetween(*a, *b).empty()) {
      return absl::InvalidArgumentError(
          fmt::format("scenario {}: closure {} {}: there is no link between them", s.name, c.from, c.to));
    }
  }
  for (const auto& [code, hours] : s.hub_processing) {
    const std::optional<core::FacilityId> f = network.Find(code);
    if (!f || network.facility(*f).kind != core::FacilityKind::kSortingCentre) {
      return absl::InvalidArgumentError(
          fmt::format("scenario {}: hub_processing: {} is not a sorting centre of the network", s.name, code));
    }
  }
  for (const auto& [prefix, share] : s.region_shares) {
    bool found = false;
    for (const core::Region& r : network.regions()) found |= r.prefix == prefix;
    if (!found) {
      return absl::InvalidArgumentError(
          fmt::format("scenario {}: region_shares: no region has prefix {}", s.name, prefix));
    }
  }
  return absl::OkStatus();
}

PostalModel::PostalModel(const Scenario& scenario, const core::Network& network, EventSink* sink)
    : impl_(std::make_unique<Impl>(scenario, network, sink)) {}

PostalModel::~PostalModel() = default;

RunSummary PostalModel::Run(const std::function<void(int, int)>& progress) { return impl_->Run(progress); }

const std::vector<HourlySample>& PostalModel::hourly() const { return impl_->hourly(); }

const std::vector<std::string>& PostalModel::facility_names() const { return impl_->facility_names(); }

}  // namespace pochta::sim
