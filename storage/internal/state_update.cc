#include "storage/internal/state_update.h"

#include <algorithm>

#include "storage/internal/codec.h"
#include "storage/internal/keys.h"

namespace pochta::storage::internal {

ItemState EmptyState(core::ItemId id) { return ItemState{.id = id}; }

void AddEvent(ItemState& state, const core::TrackingEvent& event) {
  state.status = core::FoldStatus(state.status, state.latest ? &*state.latest : nullptr, event);
  if (!state.latest || core::CanonicalLess(*state.latest, event)) {
    state.latest = event;
    state.facility = event.office;
    state.since = event.time;
  }
  ++state.event_count;
  state.first_event = state.first_event ? std::min(*state.first_event, event.time) : event.time;
  if (!state.has_preadvice) state.posting_day = DayOf(*state.first_event);
}

void AddPreAdvice(ItemState& state, const core::Item& item) {
  state.has_preadvice = true;
  state.posted_at = item.posted_at;
  // The Uzbek postcode it goes to; none for mail Uzbekiston Pochtasi sends abroad.
  const bool abroad = !item.recipient.country.empty() && item.recipient.country != "UZ";
  state.destination_postcode = abroad ? "" : item.recipient.postcode;
  state.posting_day = DayOf(item.posted_at);
  if (!state.latest) state.since = item.posted_at;
}

void PredictRoute(ItemState& state, const RoutePredictor* predictor) {
  state.next_facility.clear();
  state.expected_delivery.reset();
  if (predictor == nullptr || state.facility.empty() || state.destination_postcode.empty()) return;
  if (state.status == core::ItemStatus::kDelivered || state.status == core::ItemStatus::kReturned) return;
  if (auto prediction = predictor->Predict(state.facility, state.destination_postcode, state.since)) {
    state.next_facility = std::move(prediction->next_facility);
    state.expected_delivery = prediction->expected_delivery;
  }
}

std::string FacilityIndexKey(const ItemState& s) { return FacilityKey(s.facility, s.status, s.since, s.id); }

std::string CountryIndexKey(const ItemState& s) {
  const auto country = s.id.country();
  return CountryDayKey({country.data(), 2}, s.posting_day, s.id);
}

void PutStateRecords(rocksdb::WriteBatch& batch, const std::vector<rocksdb::ColumnFamilyHandle*>& cf,
                     const std::optional<ItemState>& before, const ItemState& after) {
  batch.Put(cf[kState], ItemKey(after.id), EncodeState(after));
  // Index entries are rewritten only when their key moves.
  const auto move = [&](Family family, const std::string& old_key, const std::string& new_key) {
    if (before && old_key == new_key) return;
    if (before) batch.Delete(cf[family], old_key);
    batch.Put(cf[family], new_key, "");
  };
  move(kIdxFacility, before ? FacilityIndexKey(*before) : "", FacilityIndexKey(after));
  move(kIdxCountry, before ? CountryIndexKey(*before) : "", CountryIndexKey(after));
}

bool SameDerivedState(const ItemState& a, const ItemState& b) {
  return a.id == b.id && a.status == b.status && a.latest == b.latest && a.event_count == b.event_count &&
         a.facility == b.facility && a.since == b.since && a.first_event == b.first_event &&
         a.has_preadvice == b.has_preadvice && a.posted_at == b.posted_at &&
         a.destination_postcode == b.destination_postcode && a.posting_day == b.posting_day;
}

}  // namespace pochta::storage::internal
