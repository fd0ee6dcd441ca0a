#include "sim/postal/internal/abroad.h"

#include <algorithm>

namespace pochta::sim::internal {

Abroad::Abroad(Context& ctx, Statistics& statistics)
    : ctx_(ctx), statistics_(statistics), rng_(ctx.streams.Stream("abroad")) {}

void Abroad::Open(uint32_t r) {
  const ReceptacleRecord& receptacle = ctx_.receptacles[r];
  const OperatorFlow& f = ctx_.s.operators[receptacle.op];
  for (uint32_t i : receptacle.items) {
    ctx_.Emit(i, core::EventCode::kEMD, ctx_.sim.now(), f.destination_office);
    const Time onward = std::max<Time>(kHour, Time(rng_.LogNormal(f.abroad_days * kDay, f.abroad_cv)));
    ctx_.sim.Schedule(ctx_.sim.now() + onward, this, i);
  }
}

void Abroad::OnEvent(Simulation& sim, uint64_t payload) {
  const uint32_t i = uint32_t(payload);
  const OperatorFlow& f = ctx_.OperatorOf(i);
  const std::string& postcode = f.delivery_postcodes[rng_.Below(f.delivery_postcodes.size())];
  ctx_.Emit(i, core::EventCode::kEMI, sim.now(), std::string(core::Code(f.op)) + postcode);
  statistics_.Finish(i, true);
}

}  // namespace pochta::sim::internal
