#include "services/internal/tracking_service.h"

#include <deque>
#include <functional>

#include "fmt/format.h"
#include "services/convert.h"
#include "services/internal/status.h"

namespace pochta::services {
namespace {

constexpr int kMaxBatch = 1000;
constexpr size_t kMaxQueuedUpdates = 1000;

// Finishes a unary call: authenticates the caller and answers with the
// status `read` returns for it.
template <typename Read>
grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const KeyRing& keys, Read&& read) {
  const absl::StatusOr<Principal> caller = Caller(keys, *context);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(caller.ok() ? read(*caller) : caller.status()));
  return reactor;
}

// A streaming call that ends at once with `status`.
template <typename Message>
grpc::ServerWriteReactor<Message>* Failed(const absl::Status& status) {
  class Reactor final : public grpc::ServerWriteReactor<Message> {
   public:
    explicit Reactor(const grpc::Status& s) { this->Finish(s); }
    void OnDone() override { delete this; }
  };
  return new Reactor(ToGrpc(status));
}

// An item's view, with the forecast's expected delivery when it has one.
void ToView(const storage::ItemState& state, const core::Item* item, bool personal_data, const core::Router& router,
            const Forecaster* forecaster, v1::ItemView* out) {
  ToProto(state, item, personal_data, router, out);
  if (forecaster == nullptr) return;
  if (const std::optional<Forecaster::Expected> e = forecaster->ExpectedFor(state)) {
    ToProto(e->p50, out->mutable_expected_delivery());
    if (e->p90) ToProto(*e->p90, out->mutable_expected_delivery_p90());
    ToProto(e->forecast_at, out->mutable_forecast_at());
  }
}

// One WatchItem call: the current view first, then an update per event the
// hub publishes, until the client cancels, the deadline passes or the
// server shuts down. Updates are built on the hub's delivery thread, never
// on the intake thread that published the event.
class WatchReactor final : public grpc::ServerWriteReactor<v1::ItemUpdate>, public WatchHub::Watcher {
 public:
  WatchReactor(storage::TrackingStore& store, const core::Router& router, const Forecaster* forecaster, WatchHub& hub,
               Principal caller, core::ItemId id)
      : store_(store), router_(router), forecaster_(forecaster), hub_(hub), caller_(std::move(caller)), id_(id) {}

  // Subscribes before the first view is read, so no event falls in between;
  // updates that race in wait behind the first view (and may repeat what it
  // already shows).
  void Start(const std::function<absl::Status(v1::ItemView*)>& view) {
    if (!hub_.Subscribe(id_, this)) {
      std::lock_guard lock(mu_);
      return FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
    v1::ItemUpdate first;
    const absl::Status s = view(first.mutable_item());
    std::lock_guard lock(mu_);
    if (absl::IsNotFound(s)) {
      first.mutable_item()->set_item_id(id_.ToString());  // watched before anything is known
    } else if (!s.ok()) {
      return FinishOnce(ToGrpc(s));
    }
    queue_.push_front(std::move(first));
    started_ = true;
    if (!writing_ && !finished_) WriteNext();
  }

  void OnEvent(const storage::ReportedEvent& event) override {
    v1::ItemUpdate update;
    ViewNow(update.mutable_item());
    ToProto(id_, storage::StoredEvent{event.event, event.reported_by, event.reason}, update.mutable_event());
    Push(std::move(update));
  }

  void OnEstimateMoved() override {
    v1::ItemUpdate update;
    ViewNow(update.mutable_item());
    Push(std::move(update));
  }

  void OnOverflow() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            fmt::format("the watcher fell more than {} events behind", WatchHub::kMaxPending)));
  }

  void OnClose() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status::OK);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) return FinishOnce(grpc::Status::OK);  // the client went away
    if (!queue_.empty() && !finished_) WriteNext();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status::OK);
  }

  void OnDone() override {
    hub_.Unsubscribe(id_, this);  // harmless when the hub already closed
    delete this;
  }

 private:
  void ViewNow(v1::ItemView* out) {
    absl::StatusOr<storage::ItemState> state = store_.GetState(id_);
    if (!state.ok()) return;
    absl::StatusOr<core::Item> item = store_.GetItem(id_);
    ToView(*state, item.ok() ? &*item : nullptr, caller_.SeesPersonalData(), router_, forecaster_, out);
  }

  void Push(v1::ItemUpdate update) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    if (queue_.size() >= kMaxQueuedUpdates) {
      return FinishOnce(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the watcher reads too slowly"));
    }
    queue_.push_back(std::move(update));
    if (started_ && !writing_) WriteNext();
  }

  void WriteNext() {  // REQUIRES: mu_ held, queue_ not empty, not writing
    current_ = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void FinishOnce(const grpc::Status& status) {  // REQUIRES: mu_ held
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  storage::TrackingStore& store_;
  const core::Router& router_;
  const Forecaster* forecaster_;
  WatchHub& hub_;
  const Principal caller_;
  const core::ItemId id_;
  std::mutex mu_;
  std::deque<v1::ItemUpdate> queue_;
  v1::ItemUpdate current_;
  bool started_ = false;  // the first view is queued
  bool writing_ = false;
  bool finished_ = false;
};

// One SubscribeEvents call. The reactor reads the store's feed itself, from
// its cursor: after the call starts, after each write completes and when the
// hub wakes it. A client that reads slowly only slows its own reads; nothing
// queues up for it.
class FeedReactor final : public grpc::ServerWriteReactor<v1::EventBatch>, public FeedHub::Subscriber {
 public:
  // Reads the caller's events after a cursor into a batch (ReadChanges).
  using Read = std::function<absl::Status(uint64_t after, int max_events, v1::EventBatch* out)>;

  FeedReactor(FeedHub& hub, Read read, uint64_t after)
      : hub_(hub), read_(std::move(read)), cursor_(after), sent_(after) {}

  void Start() {
    std::lock_guard lock(mu_);
    if (!hub_.Subscribe(this)) {
      return FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
    subscribed_ = true;
    Pump();
  }

  void OnWake() override {
    std::lock_guard lock(mu_);
    if (!writing_ && !finished_) Pump();
  }

  void OnClose() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            fmt::format("the server is shutting down; subscribe again after cursor {}", sent_)));
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) return FinishOnce(grpc::Status::OK);  // the client went away
    if (!finished_) Pump();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    FinishOnce(grpc::Status::OK);
  }

  void OnDone() override {
    if (subscribed_) hub_.Unsubscribe(this);
    delete this;
  }

 private:
  // Reads on from the cursor and writes what the caller may read.
  void Pump() {  // REQUIRES: mu_ held, not writing, not finished
    batch_.Clear();
    if (absl::Status s = read_(cursor_, TrackingServiceImpl::kMaxFeedEvents, &batch_); !s.ok()) {
      return FinishOnce(ToGrpc(s));
    }
    const bool progress_due = batch_.cursor() - cursor_ >= TrackingServiceImpl::kMaxFeedSkipped;
    cursor_ = batch_.cursor();
    // Caught up with only others' events read: no message, but the first;
    // the next one carries the cursor on.
    if (batch_.events_size() == 0 && !progress_due && started_) return;
    started_ = true;
    sent_ = cursor_;
    writing_ = true;
    StartWrite(&batch_);
  }

  void FinishOnce(const grpc::Status& status) {  // REQUIRES: mu_ held
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  FeedHub& hub_;
  const Read read_;
  std::mutex mu_;
  uint64_t cursor_;  // the last entry read
  uint64_t sent_;    // the cursor of the last message
  v1::EventBatch batch_;
  bool subscribed_ = false;
  bool started_ = false;  // the first message, which may carry only the cursor, is on its way
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace

absl::Status TrackingServiceImpl::MayRead(const Principal& caller, core::ItemId id) const {
  if (caller.MayRead(id)) return absl::OkStatus();
  // Mail Uzbekiston Pochtasi sends: readable by the operator it is addressed to.
  if (SentFromUzbekistan(id)) {
    absl::StatusOr<core::Item> item = store_.GetItem(id);
    if (!item.ok() && !absl::IsNotFound(item.status())) return item.status();
    if (item.ok() && caller.MayRead(id, item->recipient.country)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      fmt::format("item_id \"{}\": {} reads only items issued in {} or sent to it by Uzbekiston Pochtasi",
                  id.ToString(), caller.name, core::Code(caller.op)));
}

absl::StatusOr<std::pair<Principal, core::ItemId>> TrackingServiceImpl::ReadableItem(
    const grpc::CallbackServerContext& context, const std::string& item_id) const {
  absl::StatusOr<Principal> caller = Caller(keys_, context);
  if (!caller.ok()) return caller.status();
  absl::StatusOr<core::ItemId> id = ParseItemId(item_id, "");
  if (!id.ok()) return id.status();
  if (absl::Status s = MayRead(*caller, *id); !s.ok()) return s;
  return std::make_pair(*std::move(caller), *id);
}

absl::Status TrackingServiceImpl::View(const Principal& caller, core::ItemId id, v1::ItemView* out) const {
  if (absl::Status s = MayRead(caller, id); !s.ok()) return s;
  absl::StatusOr<storage::ItemState> state = store_.GetState(id);
  if (!state.ok()) return state.status();
  absl::StatusOr<core::Item> item =
      state->has_preadvice ? store_.GetItem(id) : absl::StatusOr<core::Item>(absl::NotFoundError(""));
  if (!item.ok() && !absl::IsNotFound(item.status())) return item.status();
  ToView(*state, item.ok() ? &*item : nullptr, caller.SeesPersonalData(), router_, forecaster_, out);
  return absl::OkStatus();
}

absl::Status TrackingServiceImpl::ReadItem(const Principal& caller, const v1::GetItemRequest& request,
                                           v1::ItemView* response) const {
  absl::StatusOr<core::ItemId> id = ParseItemId(request.item_id(), "");
  if (!id.ok()) return id.status();
  return View(caller, *id, response);
}

grpc::ServerUnaryReactor* TrackingServiceImpl::GetItem(grpc::CallbackServerContext* context,
                                                       const v1::GetItemRequest* request, v1::ItemView* response) {
  return Unary(context, keys_, [&](const Principal& caller) { return ReadItem(caller, *request, response); });
}

absl::Status TrackingServiceImpl::ReadItems(const Principal& caller, const v1::BatchGetItemsRequest& request,
                                            v1::BatchGetItemsResponse* response) const {
  if (request.item_ids_size() > kMaxBatch) {
    return absl::ResourceExhaustedError(
        fmt::format("item_ids has {} entries; at most {}", request.item_ids_size(), kMaxBatch));
  }
  for (int i = 0; i < request.item_ids_size(); ++i) {
    v1::BatchGetItemsResult* result = response->add_results();
    result->set_item_id(request.item_ids(i));
    absl::StatusOr<core::ItemId> id = ParseItemId(request.item_ids(i), fmt::format("item_ids[{}]", i));
    absl::Status s = id.ok() ? View(caller, *id, result->mutable_item()) : id.status();
    if (absl::IsNotFound(s)) {
      result->clear_item();
      continue;
    }
    if (!s.ok() && !absl::IsInvalidArgument(s) && !absl::IsPermissionDenied(s)) return s;
    result->set_found(s.ok());
    if (!s.ok()) {
      result->clear_item();
      result->set_error(std::string(s.message()));
    }
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* TrackingServiceImpl::BatchGetItems(grpc::CallbackServerContext* context,
                                                             const v1::BatchGetItemsRequest* request,
                                                             v1::BatchGetItemsResponse* response) {
  return Unary(context, keys_, [&](const Principal& caller) { return ReadItems(caller, *request, response); });
}

absl::Status TrackingServiceImpl::ReadEvents(const Principal& caller, const v1::ListEventsRequest& request,
                                             v1::ListEventsResponse* response) const {
  absl::StatusOr<core::ItemId> parsed = ParseItemId(request.item_id(), "");
  if (!parsed.ok()) return parsed.status();
  const core::ItemId id = *parsed;
  if (absl::Status s = MayRead(caller, id); !s.ok()) return s;
  absl::StatusOr<std::vector<storage::StoredEvent>> history = store_.ListEvents(id);
  if (!history.ok()) return history.status();
  if (history->empty() && absl::IsNotFound(store_.GetState(id).status())) {
    return absl::NotFoundError(fmt::format("item {} is not known", id.ToString()));
  }
  for (const storage::StoredEvent& e : *history) ToProto(id, e, response->add_events());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* TrackingServiceImpl::ListEvents(grpc::CallbackServerContext* context,
                                                          const v1::ListEventsRequest* request,
                                                          v1::ListEventsResponse* response) {
  return Unary(context, keys_, [&](const Principal& caller) { return ReadEvents(caller, *request, response); });
}

absl::Status TrackingServiceImpl::ReadWorkList(const Principal& caller, const v1::ListItemsRequest& request,
                                               v1::ListItemsResponse* response) const {
  storage::WorkListQuery q;
  switch (request.selection_case()) {
    case v1::ListItemsRequest::kFacility: {
      const v1::FacilitySelection& f = request.facility();
      q.kind = storage::WorkListQuery::Kind::kFacility;
      q.facility = f.facility();
      q.status = FromProto(f.status());
      if (f.status() != v1::ITEM_STATUS_UNSPECIFIED && !q.status) {
        return absl::InvalidArgumentError(fmt::format("facility.status {} is not a status", int(f.status())));
      }
      if (f.has_older_than()) {
        if (f.older_than().seconds() < 0) {
          return absl::InvalidArgumentError(
              fmt::format("facility.older_than {}s must not be negative", f.older_than().seconds()));
        }
        q.not_after = clock_.Now() - std::chrono::seconds(f.older_than().seconds());
      }
      break;
    }
    case v1::ListItemsRequest::kDispatchId:
      q.kind = storage::WorkListQuery::Kind::kDispatch;
      q.dispatch_id = request.dispatch_id();
      break;
    case v1::ListItemsRequest::kPosted: {
      const v1::CountryDaySelection& p = request.posted();
      const std::chrono::year_month_day date{std::chrono::year(p.year()), std::chrono::month(unsigned(p.month())),
                                             std::chrono::day(unsigned(p.day()))};
      if (!date.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("posted {:04d}-{:02d}-{:02d} is not a date", p.year(), p.month(), p.day()));
      }
      if (caller.role == Role::kOperator && p.country() != core::Code(caller.op)) {
        return absl::PermissionDeniedError(fmt::format("posted.country \"{}\": {} lists only items issued in {}",
                                                       p.country(), caller.name, core::Code(caller.op)));
      }
      q.kind = storage::WorkListQuery::Kind::kCountryDay;
      q.country = p.country();
      q.day = int32_t(std::chrono::sys_days(date).time_since_epoch().count());
      break;
    }
    default: return absl::InvalidArgumentError("selection: one of facility, dispatch_id or posted is required");
  }
  if (request.unscanned_only() && q.kind != storage::WorkListQuery::Kind::kDispatch) {
    return absl::InvalidArgumentError("unscanned_only: only with a dispatch_id selection");
  }
  q.unscanned_only = request.unscanned_only();
  q.page_size = request.page_size() == 0 ? 100 : size_t(std::max(request.page_size(), 0));
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(fmt::format("page_size {} must be 1 to 1000", request.page_size()));
  }
  q.page_token = request.page_token();
  absl::StatusOr<storage::WorkListPage> page = store_.ListItems(q);
  if (!page.ok()) return page.status();
  for (core::ItemId id : page->items) {
    if (!MayRead(caller, id).ok()) continue;  // an operator's view of a shared facility
    absl::Status s = View(caller, id, response->add_items());
    if (!s.ok()) return s;
  }
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* TrackingServiceImpl::ListItems(grpc::CallbackServerContext* context,
                                                         const v1::ListItemsRequest* request,
                                                         v1::ListItemsResponse* response) {
  return Unary(context, keys_, [&](const Principal& caller) { return ReadWorkList(caller, *request, response); });
}

absl::Status TrackingServiceImpl::ReadAlerts(const Principal& caller, const v1::ListAlertsRequest& request,
                                             v1::ListAlertsResponse* response) const {
  if (caller.role == Role::kReader) {
    return absl::PermissionDeniedError(fmt::format("{} is a reader: alerts are for staff and operators", caller.name));
  }
  AlertMonitor::Query q;
  if (request.kind() != v1::ALERT_KIND_UNSPECIFIED) {
    for (AlertKind kind : kAlertKinds) {
      if (ToProto(kind) == request.kind()) q.kind = kind;
    }
    if (!q.kind) return absl::InvalidArgumentError(fmt::format("kind {} is not an alert kind", int(request.kind())));
  }
  if (!request.operator_().empty()) {
    q.op = core::Operator::Parse(request.operator_());
    if (!q.op) {
      return absl::InvalidArgumentError(
          fmt::format("operator \"{}\" is not an ISO 3166-1 country code", request.operator_()));
    }
  }
  if (caller.role == Role::kOperator) {
    if (q.op && *q.op != caller.op) {
      return absl::PermissionDeniedError(fmt::format("operator \"{}\": {} reads only the alerts about {}",
                                                     request.operator_(), caller.name, core::Code(caller.op)));
    }
    q.op = caller.op;
  }
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(fmt::format("page_size {} must be 1 to 1000", request.page_size()));
  }
  q.page_size = request.page_size() == 0 ? 100 : size_t(request.page_size());
  q.page_token = request.page_token();
  response->set_evaluated_cursor(alerts_.cursor());  // before the list: the alerts are at least as new
  absl::StatusOr<AlertMonitor::Page> page = alerts_.List(q);
  if (!page.ok()) return page.status();
  for (const Alert& a : page->alerts) {
    v1::Alert* out = response->add_alerts();
    out->set_kind(ToProto(a.kind));
    out->set_operator_(std::string(core::Code(a.op)));
    ToProto(a.raised_at, out->mutable_raised_at());
    if (a.item) out->set_item_id(a.item->ToString());
    out->set_dispatch_id(a.dispatch_id);
    if (a.event) {
      ToProto(*a.item, *a.event, out->mutable_event());
      ToProto(a.event->received_at, out->mutable_event_received_at());
    }
    out->set_last_day_events(a.last_day_events);
    out->set_trailing_daily_mean(a.trailing_daily_mean);
  }
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* TrackingServiceImpl::ListAlerts(grpc::CallbackServerContext* context,
                                                          const v1::ListAlertsRequest* request,
                                                          v1::ListAlertsResponse* response) {
  return Unary(context, keys_, [&](const Principal& caller) { return ReadAlerts(caller, *request, response); });
}

grpc::ServerWriteReactor<v1::ItemUpdate>* TrackingServiceImpl::WatchItem(grpc::CallbackServerContext* context,
                                                                         const v1::WatchItemRequest* request) {
  absl::StatusOr<std::pair<Principal, core::ItemId>> read = ReadableItem(*context, request->item_id());
  if (!read.ok()) return Failed<v1::ItemUpdate>(read.status());
  const Principal& caller = read->first;  // not a structured binding: clang 14 cannot capture those
  const core::ItemId id = read->second;
  auto* reactor = new WatchReactor(store_, router_, forecaster_, hub_, caller, id);
  reactor->Start([&](v1::ItemView* view) { return View(caller, id, view); });
  return reactor;
}

absl::Status TrackingServiceImpl::FeedError(uint64_t after, const absl::Status& status) const {
  const bool trimmed = after < store_.Feed().trimmed;
  return absl::Status(status.code(),
                      fmt::format("after_cursor {}: {}{}", after, std::string(status.message()),
                                  trimmed ? "; the events between are no longer in the feed: read the items' state "
                                            "(ListItems, GetItem), then subscribe with after_cursor 0"
                                          : ""));
}

absl::Status TrackingServiceImpl::ReadChanges(const Principal& caller, uint64_t after, int max_events,
                                              v1::EventBatch* out) const {
  out->set_cursor(after);
  uint64_t skipped = 0;
  while (out->events_size() < max_events && skipped < kMaxFeedSkipped) {
    absl::StatusOr<std::vector<storage::FeedEntry>> entries =
        store_.ReadFeed(out->cursor(), size_t(max_events - out->events_size()));
    if (!entries.ok()) return FeedError(out->cursor(), entries.status());
    if (entries->empty()) break;
    for (const storage::FeedEntry& e : *entries) {
      out->set_cursor(e.cursor);
      const absl::Status may = MayRead(caller, e.item);
      if (absl::IsPermissionDenied(may)) {
        ++skipped;
        continue;
      }
      if (!may.ok()) return may;
      v1::FeedEvent* event = out->add_events();
      event->set_cursor(e.cursor);
      ToProto(e.item, e.event, event->mutable_event());
      event->set_reported_by(std::string(core::Code(e.event.reported_by)));
      ToProto(e.event.received_at, event->mutable_received_at());
    }
  }
  return absl::OkStatus();
}

grpc::ServerWriteReactor<v1::EventBatch>* TrackingServiceImpl::SubscribeEvents(
    grpc::CallbackServerContext* context, const v1::SubscribeEventsRequest* request) {
  absl::StatusOr<Principal> caller = Caller(keys_, *context);
  if (!caller.ok()) return Failed<v1::EventBatch>(caller.status());
  const storage::FeedBounds feed = store_.Feed();
  const uint64_t after = request->from_now()            ? feed.newest
                         : request->after_cursor() == 0 ? feed.trimmed
                                                        : request->after_cursor();
  if (absl::Status s = store_.ReadFeed(after, 0).status(); !s.ok()) return Failed<v1::EventBatch>(FeedError(after, s));
  auto* reactor = new FeedReactor(
      feed_hub_,
      [this, caller = *std::move(caller)](uint64_t from, int max_events, v1::EventBatch* out) {
        return ReadChanges(caller, from, max_events, out);
      },
      after);
  reactor->Start();
  return reactor;
}

}  // namespace pochta::services
