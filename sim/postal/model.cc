#include "sim/postal/model.h"

#include <map>
#include <tuple>

#include "fmt/format.h"
#include "sim/postal/forecast.h"
#include "sim/postal/internal/abroad.h"
#include "sim/postal/internal/carriers.h"
#include "sim/postal/internal/context.h"
#include "sim/postal/internal/delivery.h"
#include "sim/postal/internal/dispatching.h"
#include "sim/postal/internal/inward.h"
#include "sim/postal/internal/linehaul.h"
#include "sim/postal/internal/origin.h"
#include "sim/postal/internal/placement.h"
#include "sim/postal/internal/returns.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim {

using internal::kDay;

// The stages, wired in the order an item meets them; each hands an item to
// the next through one call (see internal/context.h).
class PostalModel::Impl final : public EventHandler {
 public:
  Impl(const Scenario& s, const core::Network& network, EventSink* sink, const ForecastStart* from)
      : ctx_(s, network, sink, from ? std::optional<Time>(from->now) : std::nullopt),
        statistics_(ctx_),
        returns_(ctx_),
        delivery_(ctx_, statistics_, returns_),
        linehaul_(ctx_, delivery_),
        inward_(ctx_, linehaul_, statistics_, returns_),
        abroad_(ctx_, statistics_),
        carriers_(ctx_, inward_, abroad_),
        dispatching_(ctx_, carriers_),
        origin_(ctx_, dispatching_, statistics_),
        from_(from) {
    statistics_.Observe(inward_);
    statistics_.Observe(carriers_);
    statistics_.Observe(linehaul_);
  }

  RunSummary Run(const std::function<void(int, int)>& progress, std::optional<Time> until) {
    progress_ = progress;
    origin_.Start();
    for (int64_t day = ctx_.first_day; ctx_.uz.Midnight(day) < ctx_.end; ++day) {
      inward_.ScheduleShifts(day);
      if (const Time midnight = ctx_.uz.Midnight(day); midnight >= ctx_.start) {
        ctx_.sim.Schedule(midnight, this, uint64_t(day - ctx_.first_day));
      }
    }
    statistics_.Start();
    returns_.Start();
    linehaul_.ScheduleClosures();
    if (from_) {
      inward_.Start();
      Place(from_->items);
    }
    ctx_.sim.RunUntil(std::min(ctx_.end, until.value_or(ctx_.end)));
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
  std::vector<std::optional<InFlowEnd>> in_flow_ends() const {
    std::vector<std::optional<InFlowEnd>> out(placed_.size());
    for (size_t k = 0; k < placed_.size(); ++k) {
      if (placed_[k] != internal::kNone) out[k] = statistics_.placed_ends()[placed_[k]];
    }
    return out;
  }
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
  // A forecast's items in flow: each one's record, resumed at its stage.
  // Items of one receptacle whose latest event is the same travel on
  // together.
  void Place(std::span<const ItemInFlow> items) {
    using internal::Stage;
    placed_.assign(items.size(), internal::kNone);
    std::map<std::tuple<std::string, core::EventCode, Time>, uint32_t> receptacles;
    for (size_t k = 0; k < items.size(); ++k) {
      const ItemInFlow& item = items[k];
      const absl::StatusOr<internal::Placement> p = internal::Place(ctx_.s, ctx_.network, item);
      if (!p.ok()) continue;
      const uint32_t i = placed_[k] = origin_.Place(p->flow, item, p->office);
      switch (p->stage) {
        case Stage::kOrigin: origin_.Resume(i); break;
        case Stage::kOutward: dispatching_.Receive(i); break;
        case Stage::kCarriers: {
          const core::EventCode code = item.latest ? item.latest->code : core::EventCode::kEMA;
          const Time since = item.latest ? internal::ToTime(item.latest->time) : 0;
          auto [it, added] = receptacles.try_emplace(
              {item.receptacle_id.empty() ? item.id.ToString() : item.receptacle_id, code, since},
              uint32_t(ctx_.receptacles.size()));
          if (added) {
            ctx_.receptacles.push_back({{},
                                        uint32_t(ctx_.s.dispatching.receptacle_tare_kg * 1000),
                                        uint8_t(p->flow),
                                        ctx_.items[i].registered});
          }
          internal::ReceptacleRecord& r = ctx_.receptacles[it->second];
          r.items.push_back(i);
          r.gross_g += ctx_.items[i].weight_g;
          ctx_.items[i].receptacle = it->second;
          break;
        }
        case Stage::kInward: inward_.Resume(i, *item.latest); break;
        case Stage::kLineHaul: linehaul_.Resume(i, *item.latest, p->facility.value_or(ctx_.exchange)); break;
        case Stage::kDelivery: delivery_.Resume(i, *item.latest); break;
      }
    }
    for (const auto& [key, r] : receptacles) carriers_.Resume(r, std::get<1>(key), std::get<2>(key));
    statistics_.TrackPlaced(ctx_.items.size());
  }

  std::function<void(int, int)> progress_;
  const ForecastStart* from_;
  std::vector<uint32_t> placed_;  // by item of the forecast start: its index, or kNone
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

PostalModel::PostalModel(const Scenario& scenario, const core::Network& network, EventSink* sink,
                         const ForecastStart* from)
    : impl_(std::make_unique<Impl>(scenario, network, sink, from)) {}

PostalModel::~PostalModel() = default;

RunSummary PostalModel::Run(const std::function<void(int, int)>& progress, std::optional<Time> until) {
  return impl_->Run(progress, until);
}

const std::vector<HourlySample>& PostalModel::hourly() const { return impl_->hourly(); }

std::vector<std::optional<InFlowEnd>> PostalModel::in_flow_ends() const { return impl_->in_flow_ends(); }

const std::vector<std::string>& PostalModel::facility_names() const { return impl_->facility_names(); }

}  // namespace pochta::sim
