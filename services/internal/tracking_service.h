// TrackingService (proto/pochta/v1/tracking.proto): status, history and
// work lists out, and live updates of watched items. Uses gRPC's callback
// API: reads are answered inline (a few RocksDB reads from cache), each
// WatchItem call is a reactor that the WatchHub feeds, and each
// SubscribeEvents call a reactor that reads the store's feed when the
// FeedHub wakes it; ListAlerts reads the AlertMonitor.
//
// Thread-safety: calls run concurrently.
#pragma once

#include "core/clock.h"
#include "core/routing.h"
#include "pochta/v1/tracking.grpc.pb.h"
#include "services/alert_monitor.h"
#include "services/auth.h"
#include "services/forecaster.h"
#include "services/internal/feed_hub.h"
#include "services/internal/watch_hub.h"
#include "storage/tracking_store.h"

namespace pochta::services {

class TrackingServiceImpl final : public v1::TrackingService::CallbackService {
 public:
  // REQUIRES: all outlive the service.
  // `forecaster` may be null: expected deliveries are then the route-sum's.
  TrackingServiceImpl(storage::TrackingStore& store, const core::Router& router, const KeyRing& keys, WatchHub& hub,
                      FeedHub& feed_hub, const AlertMonitor& alerts, const Forecaster* forecaster,
                      const core::Clock& clock)
      : store_(store),
        router_(router),
        keys_(keys),
        hub_(hub),
        feed_hub_(feed_hub),
        alerts_(alerts),
        forecaster_(forecaster),
        clock_(clock) {}

  grpc::ServerUnaryReactor* GetItem(grpc::CallbackServerContext* context, const v1::GetItemRequest* request,
                                    v1::ItemView* response) override;
  grpc::ServerUnaryReactor* BatchGetItems(grpc::CallbackServerContext* context, const v1::BatchGetItemsRequest* request,
                                          v1::BatchGetItemsResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context, const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context, const v1::ListItemsRequest* request,
                                      v1::ListItemsResponse* response) override;
  grpc::ServerWriteReactor<v1::ItemUpdate>* WatchItem(grpc::CallbackServerContext* context,
                                                      const v1::WatchItemRequest* request) override;
  grpc::ServerWriteReactor<v1::EventBatch>* SubscribeEvents(grpc::CallbackServerContext* context,
                                                            const v1::SubscribeEventsRequest* request) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* context, const v1::ListAlertsRequest* request,
                                       v1::ListAlertsResponse* response) override;

  // The reads behind the unary methods, for a caller already authenticated;
  // the JSON gateway answers with them too, so both speak the same rules
  // and errors.
  absl::Status ReadItem(const Principal& caller, const v1::GetItemRequest& request, v1::ItemView* response) const;
  absl::Status ReadItems(const Principal& caller, const v1::BatchGetItemsRequest& request,
                         v1::BatchGetItemsResponse* response) const;
  absl::Status ReadEvents(const Principal& caller, const v1::ListEventsRequest& request,
                          v1::ListEventsResponse* response) const;
  absl::Status ReadWorkList(const Principal& caller, const v1::ListItemsRequest& request,
                            v1::ListItemsResponse* response) const;
  absl::Status ReadAlerts(const Principal& caller, const v1::ListAlertsRequest& request,
                          v1::ListAlertsResponse* response) const;
  // The caller's events of the feed after cursor `after`: up to
  // `max_events`, stopping early once caught up or after kMaxFeedSkipped
  // events of others; out->cursor() is the last entry read (`after` when
  // none). OutOfRange, naming after_cursor, for a cursor the feed no longer
  // keeps or never had.
  absl::Status ReadChanges(const Principal& caller, uint64_t after, int max_events, v1::EventBatch* out) const;

  // The cursor the feed starts after: every one up to it is trimmed.
  uint64_t FeedStart() const { return store_.Feed().trimmed; }

  // Events in one feed message at most, and feed entries of others read at
  // most before a message that carries only the cursor.
  static constexpr int kMaxFeedEvents = 500;
  static constexpr uint64_t kMaxFeedSkipped = 5000;

 private:
  // The caller and the item of a request naming one item the caller may read.
  absl::StatusOr<std::pair<Principal, core::ItemId>> ReadableItem(const grpc::CallbackServerContext& context,
                                                                  const std::string& item_id) const;
  // The view of one item the caller may read; NotFound when nothing is known.
  absl::Status View(const Principal& caller, core::ItemId id, v1::ItemView* out) const;
  // `status` of the feed, for a request after cursor `after`.
  absl::Status FeedError(uint64_t after, const absl::Status& status) const;
  // PermissionDenied naming the item when `caller` may not read it.
  absl::Status MayRead(const Principal& caller, core::ItemId id) const;

  storage::TrackingStore& store_;
  const core::Router& router_;
  const KeyRing& keys_;
  WatchHub& hub_;
  FeedHub& feed_hub_;
  const AlertMonitor& alerts_;
  const Forecaster* forecaster_;
  const core::Clock& clock_;
};

}  // namespace pochta::services
