#include "cli/store_sink.h"

#include <chrono>
#include <span>

#include "sim/postal/model.h"

namespace pochta::cli {

void StoreSink::Declare(const sim::Dispatch& dispatch) {
  storage::DispatchDeclaration& d = records_.dispatches.emplace_back();
  d.dispatch_id = dispatch.id.ToString();
  for (const sim::Dispatch::Receptacle& r : dispatch.receptacles) d.receptacles.push_back({r.id.ToString(), r.items});
}

absl::StatusOr<StoreSink::Written> StoreSink::WriteTo(storage::TrackingStore& store) {
  Written w{records_.events.size(), true, 0};
  const auto start = std::chrono::steady_clock::now();
  absl::Status s = store.BulkLoad(records_).status();
  if (absl::IsFailedPrecondition(s)) {
    w.bulk = false;
    s = WriteInBatches(store, records_);
  }
  if (!s.ok()) return s;
  w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return w;
}

absl::Status WriteInBatches(storage::TrackingStore& store, const storage::BulkRecords& records) {
  constexpr size_t kBatch = 20000;
  absl::Status s;
  const std::vector<core::Item>& items = records.items;
  const std::vector<storage::ReportedEvent>& events = records.events;
  for (size_t i = 0; i < items.size() && s.ok(); i += kBatch) {
    s = store.PutItems(std::span(items).subspan(i, std::min(kBatch, items.size() - i))).status();
  }
  for (size_t i = 0; i < records.dispatches.size() && s.ok(); ++i) s = store.DeclareDispatch(records.dispatches[i]);
  for (size_t i = 0; i < events.size() && s.ok(); i += kBatch) {
    s = store.AppendEvents(std::span(events).subspan(i, std::min(kBatch, events.size() - i))).status();
  }
  return s;
}

absl::Status WriteRunUntil(const sim::Scenario& scenario, const core::Network& network, sim::Time until,
                           const std::string& db, const storage::RoutePredictor* predictor) {
  const core::ManualClock clock{core::Timestamp(std::chrono::seconds(until))};
  storage::StoreOptions options;
  options.durability = storage::Durability::kBuffered;
  options.clock = &clock;
  options.route_predictor = predictor;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(db, options);
  if (!store.ok()) return store.status();
  StoreSink sink;
  TeeSink tee(clock.Now());
  tee.Add(&sink);
  sim::PostalModel(scenario, network, &tee).Run({}, until);
  return sink.WriteTo(**store).status();
}

}  // namespace pochta::cli
