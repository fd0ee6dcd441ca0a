#include "sim/postal/internal/placement.h"

#include <string_view>

#include "fmt/format.h"

namespace pochta::sim::internal {
namespace {

using core::EventCode;

absl::Status NotPlaced(std::string why) { return absl::FailedPreconditionError(std::move(why)); }

double MixShare(const OperatorFlow& flow, std::string_view indicator) {
  for (const auto& [si, share] : flow.mix) {
    if (si == indicator) return share;
  }
  return 0;
}

// The flow of the item's country that dispatches from the office its S8
// dispatch names; else, of those whose mix has its service indicator, a
// correspondence flow for pre-advice without a declaration and a goods
// flow for the rest, the busiest for that indicator.
std::optional<uint32_t> FlowOf(const Scenario& s, const ItemInFlow& item) {
  const std::array<char, 2> country = item.id.country();
  const std::array<char, 2> si = item.id.service_indicator();
  const std::string_view indicator(si.data(), si.size());
  std::optional<uint32_t> best;
  double best_score = -1;
  for (uint32_t o = 0; o < s.operators.size(); ++o) {
    const OperatorFlow& f = s.operators[o];
    if (f.kind == OperatorFlow::Kind::kLettersOut || core::Code(f.op) != std::string_view(country.data(), 2)) continue;
    if (item.dispatch_id.size() >= 6 && item.dispatch_id.compare(0, 6, f.office_of_exchange) == 0) return o;
    const bool letters = f.kind == OperatorFlow::Kind::kLettersIn;
    double score = f.items_per_day * MixShare(f, indicator);
    if (item.mail_class && letters == item.documents) score += 1e9;
    if (score > best_score) {
      best_score = score;
      best = o;
    }
  }
  return best;
}

std::optional<Stage> StageOf(EventCode code) {
  switch (code) {
    case EventCode::kEMA: return Stage::kOrigin;
    case EventCode::kEMB:
    case EventCode::kEXA:
    case EventCode::kEXB:
    case EventCode::kEXC:
    case EventCode::kEXD: return Stage::kOutward;
    case EventCode::kEMC:
    case EventCode::kEMJ:
    case EventCode::kEMK: return Stage::kCarriers;
    case EventCode::kEMD:
    case EventCode::kEDA:
    case EventCode::kEDB:
    case EventCode::kEME:
    case EventCode::kEDC: return Stage::kInward;
    case EventCode::kEMF:
    case EventCode::kEDD:
    case EventCode::kEDE: return Stage::kLineHaul;
    case EventCode::kEMG:
    case EventCode::kEDF:
    case EventCode::kEDH:
    case EventCode::kEDG:
    case EventCode::kEMH: return Stage::kDelivery;
    case EventCode::kEXX:
    case EventCode::kEDX:
    case EventCode::kEMI: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<Placement> Place(const Scenario& s, const core::Network& network, const ItemInFlow& item) {
  const std::array<char, 2> country = item.id.country();
  if (std::string_view(country.data(), 2) == core::Code(core::kUzbekistanPost)) {
    return NotPlaced("posted in Uzbekistan: its journey ends abroad");
  }
  const std::optional<uint32_t> flow = FlowOf(s, item);
  if (!flow)
    return NotPlaced(fmt::format("no flow of the scenario carries mail from {}", std::string_view(country.data(), 2)));
  Placement p{.flow = *flow};
  if (item.latest) {
    const core::TrackingEvent& e = *item.latest;
    const std::optional<Stage> stage = StageOf(e.code);
    if (!stage || core::IsReturn(e)) {
      return NotPlaced(
          fmt::format("its journey ended here ({})", core::IsReturn(e) ? "EMH return" : core::Name(e.code)));
    }
    p.stage = *stage;
    if (p.stage == Stage::kLineHaul && e.code != EventCode::kEMF) {
      const std::optional<core::FacilityId> f = network.Find(e.office);
      if (!f) return NotPlaced("its latest event is at a facility the network lacks");
      p.facility = f->value();
    }
    if (p.stage == Stage::kDelivery) {  // the office it is at
      if (const std::optional<core::PickupPointId> point = network.FindPickupPoint(e.office)) {
        p.office = network.pickup_point(*point).office.value();
      } else if (const std::optional<core::FacilityId> f = network.Find(e.office);
                 f && network.facility(*f).kind == core::FacilityKind::kDeliveryOffice) {
        p.office = f->value();
      } else {
        return NotPlaced("its latest event is at a facility the network lacks");
      }
    }
  }
  if (!p.office) {
    if (const std::optional<core::Postcode> postcode = core::Postcode::Parse(item.postcode)) {
      if (const std::optional<core::FacilityId> f = network.FindOffice(*postcode)) p.office = f->value();
    }
  }
  if (p.stage == Stage::kOrigin || p.stage == Stage::kOutward) {
    if (!item.receptacle_id.empty()) p.stage = Stage::kCarriers;  // its receptacle is closed
  }
  return p;
}

}  // namespace pochta::sim::internal
