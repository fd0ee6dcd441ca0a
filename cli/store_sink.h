// StoreSink: where `pochta simulate` puts a run's records. It collects them
// all (items' and dispatches' pre-advice, events) and then writes them into
// a tracking store: one bulk load into a new store, or ordinary batches into
// a store that already holds items. Both apply the same rules and give the
// same records. The store benchmark uses it to load a simulated half-year.
//
// Thread-safety: one run's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/network.h"
#include "sim/kernel.h"
#include "sim/postal/event_sink.h"
#include "sim/postal/scenario.h"
#include "storage/tracking_store.h"

namespace pochta::cli {

class StoreSink final : public sim::EventSink {
 public:
  void PreAdvice(const core::Item& item) override { records_.items.push_back(item); }
  void Declare(const sim::Dispatch& dispatch) override;
  void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator by,
             core::Timestamp reported_at) override {
    records_.events.push_back(storage::ReportedEvent{item, event, by, "", reported_at});
  }

  uint64_t events() const { return records_.events.size(); }

  // How the records went in, for the report.
  struct Written {
    uint64_t events = 0;
    bool bulk = false;
    double seconds = 0;
  };
  // REQUIRES: called once; the records are consumed.
  absl::StatusOr<Written> WriteTo(storage::TrackingStore& store);

 private:
  storage::BulkRecords records_;
};

// Writes `records` through the store's ordinary write path, as the server
// takes them: the items' pre-advice, then the dispatches, then the events,
// in batches of 20,000.
absl::Status WriteInBatches(storage::TrackingStore& store, const storage::BulkRecords& records);

// Hands every record to each of its sinks; with `until`, not the events
// reported after it (a run stopped mid-flow: what a store held then).
class TeeSink final : public sim::EventSink {
 public:
  explicit TeeSink(std::optional<core::Timestamp> until) : until_(until) {}
  void Add(sim::EventSink* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  void PreAdvice(const core::Item& item) override {
    for (sim::EventSink* s : sinks_) s->PreAdvice(item);
  }
  void Declare(const sim::Dispatch& dispatch) override {
    for (sim::EventSink* s : sinks_) s->Declare(dispatch);
  }
  void Event(core::ItemId item, const core::TrackingEvent& event, core::Operator by,
             core::Timestamp reported_at) override {
    if (until_ && reported_at > *until_) return;
    for (sim::EventSink* s : sinks_) s->Event(item, event, by, reported_at);
  }

 private:
  std::optional<core::Timestamp> until_;
  std::vector<sim::EventSink*> sinks_;
};

// The scenario run to `until` and written into a new tracking store at `db`,
// as it would have stood then: only the events reported by `until`, and the
// store's clock at it.
absl::Status WriteRunUntil(const sim::Scenario& scenario, const core::Network& network, sim::Time until,
                           const std::string& db, const storage::RoutePredictor* predictor = nullptr);

}  // namespace pochta::cli
