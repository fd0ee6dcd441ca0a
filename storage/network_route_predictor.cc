#include "storage/network_route_predictor.h"

namespace pochta::storage {

std::optional<RoutePredictor::Prediction> NetworkRoutePredictor::Predict(const std::string& facility,
                                                                         const std::string& destination_postcode,
                                                                         core::Timestamp at) const {
  const core::Network& network = router_.network();
  const std::optional<core::FacilityId> here = network.Find(facility);
  const std::optional<core::Postcode> postcode = core::Postcode::Parse(destination_postcode);
  if (!here || !postcode) return std::nullopt;
  const core::RouteDecision decision = router_.Route(*here, *postcode);
  const std::optional<uint32_t> minutes = router_.TransitMinutes(*here, decision.office);
  if (!minutes) return std::nullopt;
  Prediction prediction;
  if (decision.outcome == core::RouteOutcome::kForward) {
    prediction.next_facility = network.facility(network.link(decision.next).to).code;
  }
  prediction.expected_delivery = at + std::chrono::minutes(*minutes);
  return prediction;
}

}  // namespace pochta::storage
