// IntakeService (proto/pochta/v1/intake.proto): pre-advice, dispatches and
// tracking events in. Uses gRPC's synchronous API: each call holds a thread
// of the server's pool while the store makes its writes durable.
//
// Thread-safety: calls run concurrently; the store serialises writes.
#pragma once

#include "core/clock.h"
#include "core/operators.h"
#include "core/routing.h"
#include "pochta/v1/intake.grpc.pb.h"
#include "services/auth.h"
#include "services/metrics.h"
#include "services/internal/watch_hub.h"
#include "storage/tracking_store.h"

namespace pochta::services {

class IntakeServiceImpl final : public v1::IntakeService::Service {
 public:
  // REQUIRES: all outlive the service.
  IntakeServiceImpl(storage::TrackingStore& store, const core::Router& router, const core::Operators& operators,
                    const KeyRing& keys, WatchHub& hub, Metrics& metrics, const core::Clock& clock)
      : store_(store),
        router_(router),
        operators_(operators),
        keys_(keys),
        hub_(hub),
        metrics_(metrics),
        clock_(clock) {}

  grpc::Status SubmitItems(grpc::ServerContext* context, grpc::ServerReader<v1::SubmitItemsRequest>* reader,
                           v1::SubmitItemsResponse* response) override;
  grpc::Status DeclareDispatch(grpc::ServerContext* context, const v1::DeclareDispatchRequest* request,
                               v1::DeclareDispatchResponse* response) override;
  grpc::Status ReportEvents(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ReportEventsResponse, v1::ReportEventsRequest>* stream) override;

 private:
  storage::TrackingStore& store_;
  const core::Router& router_;
  const core::Operators& operators_;
  const KeyRing& keys_;
  WatchHub& hub_;
  Metrics& metrics_;
  const core::Clock& clock_;
};

}  // namespace pochta::services
