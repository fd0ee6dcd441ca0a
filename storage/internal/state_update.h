// How an item's stored state changes as pre-advice and events join it. The
// writer applies these one record at a time; Verify applies them to the whole
// history. Both give the same state for the same set of records, whatever
// their order, because every field is a fold that ignores order (the status
// fold of core/tracking.h, a maximum, a minimum, a count).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/item.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/tracking_store.h"

namespace pochta::storage::internal {

// The state of an item nothing is known about yet.
ItemState EmptyState(core::ItemId id);

// REQUIRES: `event` is not already part of `state`.
void AddEvent(ItemState& state, const core::TrackingEvent& event);
void AddPreAdvice(ItemState& state, const core::Item& item);
// Sets next facility and expected delivery from where the item is now.
void PredictRoute(ItemState& state, const RoutePredictor* predictor);

// The index entries a state asks for.
std::string FacilityIndexKey(const ItemState& state);
std::string CountryIndexKey(const ItemState& state);

// Adds to `batch` the state record and the index entries that change from
// `before` (nothing when the item is new) to `after`. `cf` is indexed by Family.
void PutStateRecords(rocksdb::WriteBatch& batch, const std::vector<rocksdb::ColumnFamilyHandle*>& cf,
                     const std::optional<ItemState>& before, const ItemState& after);

// The fields Verify compares: everything except the route prediction, which
// depends on the network as it was at the time of the write.
bool SameDerivedState(const ItemState& a, const ItemState& b);

}  // namespace pochta::storage::internal
