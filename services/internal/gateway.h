// Gateway: what `pochta serve --http` answers, over HttpServer.
//
// The tracking API as JSON (the proto3 JSON mapping of pochta.v1's
// messages), with the API key in the "x-api-key" header and the same roles,
// personal-data rules and errors as gRPC, the codes mapped the usual way:
//   GET  /v1/items/{item_id}          ItemView                  (GetItem)
//   GET  /v1/items/{item_id}/events   ListEventsResponse        (ListEvents)
//   POST /v1/items:batchGet           BatchGetItemsResponse     (BatchGetItems; body: {"itemIds": [...]})
//   GET  /v1/items?facility=F[&status=S][&older_than_hours=H]    (ListItems, the work lists)
//             ?dispatch_id=D[&unscanned_only=true]
//             ?country=CN&posted=YYYY-MM-DD
//             [&page_size=N][&page_token=T]
//   GET  /v1/events[?after_cursor=C][&page_size=N]
//                                     EventBatch                (the event feed, pulled: SubscribeEvents'
//                                                               batches; 0 or none: from the oldest kept)
//   GET  /healthz                     200 while serving, 503 once shutting down
// An error is {"error": {"code": 404, "status": "NOT_FOUND", "message": ...}}:
// 400 malformed, 401 no valid key, 403 not this caller's item, 404 unknown,
// 405 another method, 413 too many ids, 429 over the key's rate limit (with
// Retry-After), 500 and 503.
//
// And two pages, HTML without scripts or anything fetched from elsewhere:
//   /        the tracking page: status, where the item is, the remaining
//            route and expected delivery, and the timeline in local time,
//            in Uzbek, Russian or English
//   /staff   the work lists, a page at a time
// A page posts its form (the key in the body, never in the address) and is
// answered with the same HTTP status the API would give.
//
// Thread-safety: Handle may be called concurrently.
#pragma once

#include <atomic>
#include <memory>

#include "core/clock.h"
#include "core/operators.h"
#include "core/routing.h"
#include "services/auth.h"
#include "services/internal/http_server.h"
#include "services/internal/tracking_service.h"

namespace pochta::services {

class Metrics;
class Places;

class Gateway {
 public:
  // REQUIRES: all outlive the gateway.
  Gateway(const TrackingServiceImpl& tracking, const KeyRing& keys, const core::Router& router,
          const core::Operators& operators, const core::Clock& clock, Metrics& metrics);
  ~Gateway();

  HttpResponse Handle(const HttpRequest& request) const;
  // /healthz answers 503 from now on.
  void StopServing() { serving_.store(false, std::memory_order_relaxed); }

 private:
  HttpResponse Route(const HttpRequest& request, const char*& route) const;
  HttpResponse TrackingPage(const HttpRequest& request) const;
  HttpResponse StaffPage(const HttpRequest& request) const;

  const TrackingServiceImpl& tracking_;
  const KeyRing& keys_;
  const core::Clock& clock_;
  Metrics& metrics_;
  std::unique_ptr<const Places> places_;
  std::atomic<bool> serving_{true};
};

}  // namespace pochta::services
