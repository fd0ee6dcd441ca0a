#include "services/internal/intake_service.h"

#include <array>
#include <chrono>

#include "core/dispatch_id.h"
#include "fmt/format.h"
#include "services/convert.h"
#include "services/internal/status.h"

namespace pochta::services {
namespace {

constexpr int kMaxPerMessage = 1000;
constexpr int kMaxRejections = 1000;

grpc::Status TooMany(std::string_view field, int count) {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      fmt::format("{} has {} entries; at most {} per message", field, count, kMaxPerMessage));
}

}  // namespace

grpc::Status IntakeServiceImpl::SubmitItems(grpc::ServerContext* context,
                                            grpc::ServerReader<v1::SubmitItemsRequest>* reader,
                                            v1::SubmitItemsResponse* response) {
  const absl::StatusOr<Principal> caller = Caller(keys_, *context);
  if (!caller.ok()) return ToGrpc(caller.status());
  v1::SubmitItemsRequest request;
  uint32_t index = 0;  // of the next item in the whole stream
  uint32_t stored_before = 0;
  while (reader->Read(&request)) {
    if (request.items_size() > kMaxPerMessage) return TooMany("items", request.items_size());
    if (request.items_size() == 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          fmt::format("items is empty: a message carries 1 to {} items; {} items of earlier messages "
                                      "were stored",
                                      kMaxPerMessage, stored_before));
    }
    const Validator validator{&router_, &operators_, clock_.Now()};
    std::vector<core::Item> items;
    for (int i = 0; i < request.items_size(); ++i, ++index) {
      const v1::Item& in = request.items(i);
      const std::string path = fmt::format("items[{}]", index);
      absl::StatusOr<core::Item> item = ItemFromProto(in, path, validator);
      if (item.ok()) {
        if (std::optional<std::string> why = caller->WhyNotSubmit(*item)) {
          return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                              fmt::format("{}.item_id \"{}\": {}; {} items of earlier messages were stored", path,
                                          in.item_id(), *why, stored_before));
        }
        items.push_back(*std::move(item));
        continue;
      }
      response->set_rejected(response->rejected() + 1);
      if (response->rejections_size() < kMaxRejections) {
        v1::ItemRejection* r = response->add_rejections();
        r->set_index(index);
        r->set_item_id(in.item_id());
        r->set_reason(std::string(item.status().message()));
      }
    }
    const absl::StatusOr<std::vector<storage::Outcome>> outcomes = store_.PutItems(items);
    if (!outcomes.ok()) return ToGrpc(outcomes.status());
    const core::Operator sender = caller->Sender().value_or(core::kUzbekistanPost);
    metrics_.CountPreAdvice(sender, storage::WriteOutcome::kRejected, request.items_size() - items.size());
    for (const storage::Outcome& o : *outcomes) {
      metrics_.CountPreAdvice(sender, o.outcome, 1);
      switch (o.outcome) {
        case storage::WriteOutcome::kAccepted: response->set_accepted(response->accepted() + 1); break;
        case storage::WriteOutcome::kDuplicate: response->set_duplicates(response->duplicates() + 1); break;
        case storage::WriteOutcome::kUpdated: response->set_updated(response->updated() + 1); break;
        case storage::WriteOutcome::kRejected: response->set_rejected(response->rejected() + 1); break;
      }
    }
    stored_before += uint32_t(items.size());
  }
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
  return grpc::Status::OK;
}

grpc::Status IntakeServiceImpl::DeclareDispatch(grpc::ServerContext* context, const v1::DeclareDispatchRequest* request,
                                                v1::DeclareDispatchResponse* response) {
  const absl::StatusOr<Principal> caller = Caller(keys_, *context);
  if (!caller.ok()) return ToGrpc(caller.status());
  absl::StatusOr<core::DispatchId> dispatch = core::DispatchId::Parse(request->dispatch_id());
  if (!dispatch.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        fmt::format("dispatch_id: {}", std::string(dispatch.status().message())));
  }
  if (!caller->Sender() || dispatch->origin().substr(0, 2) != core::Code(*caller->Sender())) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        fmt::format("dispatch_id \"{}\": only the operator of {} declares dispatches from {}",
                                    request->dispatch_id(), dispatch->origin().substr(0, 2), dispatch->origin()));
  }
  storage::DispatchDeclaration declaration{request->dispatch_id(), {}};
  for (int r = 0; r < request->receptacles_size(); ++r) {
    const v1::Receptacle& in = request->receptacles(r);
    storage::DispatchDeclaration::Receptacle receptacle{in.receptacle_id(), {}};
    for (int i = 0; i < in.item_ids_size(); ++i) {
      const std::string path = fmt::format("receptacles[{}].item_ids[{}]", r, i);
      absl::StatusOr<core::ItemId> id = ParseItemId(in.item_ids(i), path);
      if (!id.ok()) return ToGrpc(id.status());
      if (std::optional<std::string> why = caller->WhyNotDeclare(*id)) {
        return grpc::Status(
            grpc::StatusCode::PERMISSION_DENIED,
            fmt::format("{} \"{}\": {}; nothing of the dispatch was stored", path, in.item_ids(i), *why));
      }
      receptacle.items.push_back(*id);
    }
    response->set_items(response->items() + uint32_t(receptacle.items.size()));
    declaration.receptacles.push_back(std::move(receptacle));
  }
  if (absl::Status s = store_.DeclareDispatch(declaration); !s.ok()) return ToGrpc(s);
  response->set_receptacles(uint32_t(declaration.receptacles.size()));
  return grpc::Status::OK;
}

grpc::Status IntakeServiceImpl::ReportEvents(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::ReportEventsResponse, v1::ReportEventsRequest>* stream) {
  const absl::StatusOr<Principal> caller = Caller(keys_, *context);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (caller->role == Role::kReader) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "the reader role may not report events");
  }
  const core::Operator reported_by = caller->role == Role::kOperator ? caller->op : core::kUzbekistanPost;
  v1::ReportEventsRequest request;
  while (stream->Read(&request)) {
    const auto arrived = std::chrono::steady_clock::now();
    if (request.events_size() > kMaxPerMessage) return TooMany("events", request.events_size());
    if (request.events_size() == 0) {
      return grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          fmt::format("batch {}: events is empty; a batch carries 1 to {} events", request.batch_id(), kMaxPerMessage));
    }
    const Validator validator{&router_, &operators_, clock_.Now()};
    v1::ReportEventsResponse response;
    response.set_batch_id(request.batch_id());
    std::vector<storage::ReportedEvent> events;
    std::vector<int> positions;  // of `events` in the request
    for (int i = 0; i < request.events_size(); ++i) {
      const std::string path = fmt::format("events[{}]", i);
      absl::StatusOr<storage::ReportedEvent> event = EventFromProto(request.events(i), path, validator);
      v1::EventResult* result = response.add_results();
      if (!event.ok()) {
        result->set_outcome(v1::REJECTED);
        result->set_reason(std::string(event.status().message()));
        continue;
      }
      if (std::optional<std::string> why = caller->WhyNotReport(event->item, event->event.code)) {
        return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                            fmt::format("batch {} {}: {}; the batch was not stored", request.batch_id(), path, *why));
      }
      if (absl::Status s = CheckEventOffice(event->event, reported_by, path, validator); !s.ok()) {
        result->set_outcome(v1::REJECTED);
        result->set_reason(std::string(s.message()));
        continue;
      }
      event->reported_by = reported_by;
      events.push_back(*std::move(event));
      positions.push_back(i);
    }
    // An event before the item's posting time is refused.
    std::vector<core::ItemId> ids;
    for (const storage::ReportedEvent& e : events) ids.push_back(e.item);
    const absl::StatusOr<std::vector<std::optional<storage::ItemState>>> states = store_.GetStates(ids);
    if (!states.ok()) return ToGrpc(states.status());
    std::vector<storage::ReportedEvent> valid;
    std::vector<int> valid_positions;
    for (size_t k = 0; k < events.size(); ++k) {
      const std::optional<storage::ItemState>& state = (*states)[k];
      if (state && state->has_preadvice && events[k].event.time < state->posted_at) {
        v1::EventResult* result = response.mutable_results(positions[k]);
        result->set_outcome(v1::REJECTED);
        result->set_reason(fmt::format("events[{}].occurred_at {}: before the item was posted at {}", positions[k],
                                       events[k].event.time.time_since_epoch().count(),
                                       state->posted_at.time_since_epoch().count()));
        continue;
      }
      valid.push_back(std::move(events[k]));
      valid_positions.push_back(positions[k]);
    }
    const absl::StatusOr<std::vector<storage::Outcome>> outcomes = store_.AppendEvents(valid);
    if (!outcomes.ok()) return ToGrpc(outcomes.status());
    std::vector<storage::ReportedEvent> accepted;
    for (size_t k = 0; k < valid.size(); ++k) {
      v1::EventResult* result = response.mutable_results(valid_positions[k]);
      const storage::Outcome& o = (*outcomes)[k];
      result->set_outcome(o.outcome == storage::WriteOutcome::kAccepted    ? v1::ACCEPTED
                          : o.outcome == storage::WriteOutcome::kDuplicate ? v1::DUPLICATE
                                                                           : v1::REJECTED);
      result->set_reason(o.reason);
      if (o.outcome == storage::WriteOutcome::kAccepted) accepted.push_back(valid[k]);
    }
    hub_.Publish(accepted);
    std::array<uint64_t, 4> counts{};  // by v1::EventOutcome
    for (const v1::EventResult& r : response.results()) ++counts[size_t(r.outcome()) % counts.size()];
    metrics_.CountEvents(reported_by, storage::WriteOutcome::kAccepted, counts[v1::ACCEPTED]);
    metrics_.CountEvents(reported_by, storage::WriteOutcome::kDuplicate, counts[v1::DUPLICATE]);
    metrics_.CountEvents(reported_by, storage::WriteOutcome::kRejected, counts[v1::REJECTED]);
    metrics_.ObserveReportBatch(std::chrono::steady_clock::now() - arrived);
    if (!stream->Write(response)) break;
  }
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
  return grpc::Status::OK;
}

}  // namespace pochta::services
