// How an item's stored state changes as pre-advice and events join it. The
// writer applies these one record at a time; Verify applies them to the whole
// history. Both give the same state for the same set of records, whatever
// their order, because every field is a fold that ignores order (the status
// fold of core/tracking.h, a maximum, a minimum, a count).
#pragma once

#include "core/item.h"
#include "storage/tracking_store.h"

namespace pochta::storage::internal {

// The state of an item nothing is known about yet.
ItemState EmptyState(core::ItemId id);

// REQUIRES: `event` is not already part of `state`.
void AddEvent(ItemState& state, const core::TrackingEvent& event);
void AddPreAdvice(ItemState& state, const core::Item& item);
// Sets next facility and expected delivery from where the item is now.
void PredictRoute(ItemState& state, const RoutePredictor* predictor);

// The fields Verify compares: everything except the route prediction, which
// depends on the network as it was at the time of the write.
bool SameDerivedState(const ItemState& a, const ItemState& b);

}  // namespace pochta::storage::internal
