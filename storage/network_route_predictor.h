// NetworkRoutePredictor: a RoutePredictor over pochta's routing core, so the
// stored state of an item inside Uzbekistan says where it goes next and when
// it should reach its delivery office (latest event time + transit minutes).
//
// Items abroad (their latest event at a foreign office) get no prediction.
// Thread-safety: immutable; Predict may be called concurrently.
#pragma once

#include "core/routing.h"
#include "storage/tracking_store.h"

namespace pochta::storage {

class NetworkRoutePredictor : public RoutePredictor {
 public:
  explicit NetworkRoutePredictor(core::Router router) : router_(std::move(router)) {}

  std::optional<Prediction> Predict(const std::string& facility, const std::string& destination_postcode,
                                    core::Timestamp at) const override;

 private:
  core::Router router_;
};

}  // namespace pochta::storage
