#include "services/internal/gateway.h"

#include <array>
#include <charconv>
#include <chrono>

#include "absl/strings/cord.h"
#include "fmt/format.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "services/internal/forms.h"
#include "services/internal/places.h"
#include "services/metrics.h"

namespace pochta::services {
namespace {

constexpr std::string_view kItemsPath = "/v1/items";
constexpr std::string_view kEventsPath = "/v1/events";
constexpr std::string_view kAlertsPath = "/v1/alerts";
constexpr std::array<std::string_view, 9> kWorkListFields = {"facility",    "status",         "older_than_hours",
                                                             "dispatch_id", "unscanned_only", "country",
                                                             "posted",      "page_size",      "page_token"};

// {"error": {"code": 404, "status": "NOT_FOUND", "message": "..."}}, with
// Retry-After when the key is over its rate limit.
HttpResponse ApiError(const absl::Status& status) {
  HttpResponse r{.status = HttpStatus(status.code())};
  if (const auto wait = status.GetPayload(kRetryAfterPayload)) {
    const long long ms = std::atoll(std::string(*wait).c_str());
    r.headers.emplace_back("Retry-After", std::to_string((ms + 999) / 1000));
  } else if (absl::IsResourceExhausted(status)) {
    r.status = 413;  // too much asked at once, not too often: retrying will not help
  }
  r.body = nlohmann::json{{"error",
                           {{"code", r.status},
                            {"status", absl::StatusCodeToString(status.code())},
                            {"message", std::string(status.message())}}}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse Json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;  // "found": false, "eventCount": 0
  HttpResponse r;
  if (!google::protobuf::util::MessageToJsonString(message, &r.body, options).ok()) {
    return ApiError(absl::InternalError("the answer could not be written as JSON"));
  }
  return r;
}

HttpResponse MethodNotAllowed(std::string_view allowed) {
  const std::string message = fmt::format("this path answers {} only", allowed);
  HttpResponse r{
      .status = 405,
      .body =
          nlohmann::json{{"error", {{"code", 405}, {"status", "METHOD_NOT_ALLOWED"}, {"message", message}}}}.dump()};
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

}  // namespace

Gateway::Gateway(const TrackingServiceImpl& tracking, const KeyRing& keys, const core::Router& router,
                 const core::Operators& operators, const core::Clock& clock, Metrics& metrics)
    : tracking_(tracking),
      keys_(keys),
      clock_(clock),
      metrics_(metrics),
      places_(std::make_unique<Places>(router.network(), operators)) {}

Gateway::~Gateway() = default;

HttpResponse Gateway::Handle(const HttpRequest& request) const {
  const auto start = std::chrono::steady_clock::now();
  const char* route = "other";
  HttpResponse response = Route(request, route);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  metrics_.ObserveHttp(route, response.status, std::chrono::steady_clock::now() - start);
  return response;
}

HttpResponse Gateway::Route(const HttpRequest& request, const char*& route) const {
  const std::string_view target = request.target;
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);
  const bool get = request.method == "GET";

  if (path == "/healthz") {
    route = "healthz";
    if (!get) return MethodNotAllowed("GET");
    const bool serving = serving_.load(std::memory_order_relaxed);
    return HttpResponse{.status = serving ? 200 : 503,
                        .body = serving ? R"({"status":"SERVING"})" : R"({"status":"NOT_SERVING"})"};
  }
  if (path == "/") {
    route = "tracking_page";
    return TrackingPage(request);
  }
  if (path == "/staff") {
    route = "staff_page";
    return StaffPage(request);
  }
  if (!path.starts_with(kItemsPath) && path != kEventsPath && path != kAlertsPath) {
    return ApiError(absl::NotFoundError(fmt::format("no such path: {}", path)));
  }

  absl::StatusOr<Form> form = ParseForm(query);
  if (!form.ok()) return ApiError(form.status());
  const auto caller = [&] { return keys_.Authenticate(request.Header(kApiKeyHeader)); };

  if (path == kEventsPath) {
    route = "feed";
    if (!get) return MethodNotAllowed("GET");
    absl::StatusOr<Principal> who = caller();
    if (!who.ok()) return ApiError(who.status());
    uint64_t after = 0, page_size = TrackingServiceImpl::kMaxFeedEvents;
    for (const auto& [name, value] : *form) {
      uint64_t* target = name == "after_cursor" ? &after : name == "page_size" ? &page_size : nullptr;
      if (!target) {
        return ApiError(absl::InvalidArgumentError(
            fmt::format("query parameter \"{}\" is not one of after_cursor, page_size", name)));
      }
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), *target);
      if (error != std::errc() || end != value.data() + value.size() ||
          (target == &page_size && (page_size < 1 || page_size > 1000))) {
        return ApiError(absl::InvalidArgumentError(fmt::format(
            "{} \"{}\" is not {}", name, value, target == &page_size ? "a number from 1 to 1000" : "a cursor")));
      }
    }
    if (after == 0) after = tracking_.FeedStart();
    v1::EventBatch batch;
    absl::Status s = tracking_.ReadChanges(*who, after, int(page_size), &batch);
    return s.ok() ? Json(batch) : ApiError(s);
  }

  if (path == kAlertsPath) {
    route = "alerts";
    if (!get) return MethodNotAllowed("GET");
    absl::StatusOr<Principal> who = caller();
    if (!who.ok()) return ApiError(who.status());
    absl::StatusOr<v1::ListAlertsRequest> list = AlertsRequest(*form);
    if (!list.ok()) return ApiError(list.status());
    v1::ListAlertsResponse response;
    absl::Status s = tracking_.ReadAlerts(*who, *list, &response);
    return s.ok() ? Json(response) : ApiError(s);
  }

  if (path == kItemsPath) {
    route = "worklist";
    if (!get) return MethodNotAllowed("GET");
    absl::StatusOr<Principal> who = caller();
    if (!who.ok()) return ApiError(who.status());
    for (const auto& [name, value] : *form) {
      if (std::find(kWorkListFields.begin(), kWorkListFields.end(), name) == kWorkListFields.end()) {
        return ApiError(
            absl::InvalidArgumentError(fmt::format("query parameter \"{}\" is not one of facility, status, "
                                                   "older_than_hours, dispatch_id, unscanned_only, "
                                                   "country, posted, page_size, page_token",
                                                   name)));
      }
    }
    absl::StatusOr<v1::ListItemsRequest> list = WorkListRequest(*form);
    if (!list.ok()) return ApiError(list.status());
    v1::ListItemsResponse response;
    absl::Status s = tracking_.ReadWorkList(*who, *list, &response);
    return s.ok() ? Json(response) : ApiError(s);
  }
  if (path == "/v1/items:batchGet") {
    route = "batch";
    if (request.method != "POST") return MethodNotAllowed("POST");
    absl::StatusOr<Principal> who = caller();
    if (!who.ok()) return ApiError(who.status());
    v1::BatchGetItemsRequest batch;
    if (auto parsed = google::protobuf::util::JsonStringToMessage(request.body, &batch); !parsed.ok()) {
      return ApiError(absl::InvalidArgumentError(
          fmt::format("body: not a BatchGetItemsRequest ({{\"itemIds\": [...]}}): {}", parsed.ToString())));
    }
    v1::BatchGetItemsResponse response;
    absl::Status s = tracking_.ReadItems(*who, batch, &response);
    return s.ok() ? Json(response) : ApiError(s);
  }
  std::string_view id = path.substr(kItemsPath.size());
  if (!id.starts_with('/')) return ApiError(absl::NotFoundError(fmt::format("no such path: {}", path)));
  id.remove_prefix(1);
  const bool events = id.ends_with("/events");
  if (events) id.remove_suffix(std::string_view("/events").size());
  route = events ? "events" : "item";
  if (!get) return MethodNotAllowed("GET");
  absl::StatusOr<Principal> who = caller();
  if (!who.ok()) return ApiError(who.status());
  absl::Status s;
  if (events) {
    v1::ListEventsRequest read;
    read.set_item_id(std::string(id));
    v1::ListEventsResponse response;
    s = tracking_.ReadEvents(*who, read, &response);
    if (s.ok()) return Json(response);
  } else {
    v1::GetItemRequest read;
    read.set_item_id(std::string(id));
    v1::ItemView response;
    s = tracking_.ReadItem(*who, read, &response);
    if (s.ok()) return Json(response);
  }
  return ApiError(s);
}

}  // namespace pochta::services
