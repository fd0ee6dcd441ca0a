// Placement: where a forecast's item in flow (forecast.h) goes in the
// model, read off its latest event, its pre-advice and the scenario.
//
// Thread-safety: functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/network.h"
#include "sim/postal/forecast.h"
#include "sim/postal/scenario.h"

namespace pochta::sim::internal {

// The stage of the model an item resumes in.
enum class Stage : uint8_t {
  kOrigin,    // posted, on its way to the outward office of exchange (EMA; pre-advice alone)
  kOutward,   // at the outward office of exchange, not in a closed receptacle (EMB, EXA-EXD)
  kCarriers,  // in a closed receptacle: waiting for its flight, in the air, in transit (EMC, EMJ, EMK)
  kInward,    // at the office of exchange in Tashkent: scan, customs, sorting (EMD-EDC)
  kLineHaul,  // between there and the delivery office (EMF, EDD, EDE)
  kDelivery,  // at the delivery office or a pickup point (EMG-EMH)
};

struct Placement {
  uint32_t flow = 0;  // index into the scenario's operators
  Stage stage = Stage::kOrigin;
  std::optional<uint32_t> office;    // the delivery office, when known (else drawn)
  std::optional<uint32_t> facility;  // where the latest event happened (line-haul)
};

// FailedPrecondition saying why the item is not placed: it leaves
// Uzbekistan, no flow of the scenario carries it, its journey ended here
// (EDX, EXX, EMI, a return), or its latest event is at a facility the
// network lacks.
absl::StatusOr<Placement> Place(const Scenario& scenario, const core::Network& network, const ItemInFlow& item);

}  // namespace pochta::sim::internal
