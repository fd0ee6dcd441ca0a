// Abroad: the partner's side of the letters Uzbekiston Pochtasi sends. A
// receptacle reaches the partner's inward office of exchange, which reports
// its letters received (EMD); each letter is delivered (EMI) a log-normal
// time later at one of the scenario's postcodes of the partner, reported by
// the partner. The partner's network, its customs (documents need none) and
// failed deliveries are not modelled.
//
// Thread-safety: as its Context.
#pragma once

#include "sim/postal/internal/context.h"
#include "sim/postal/internal/statistics.h"

namespace pochta::sim::internal {

class Abroad final : public EventHandler {
 public:
  Abroad(Context& ctx, Statistics& statistics);

  // Receptacle r has reached its flow's destination office of exchange.
  void Open(uint32_t r);

  void OnEvent(Simulation& sim, uint64_t payload) override;  // item delivered

 private:
  Context& ctx_;
  Statistics& statistics_;
  Rng rng_;
};

}  // namespace pochta::sim::internal
