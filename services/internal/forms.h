// What the JSON gateway and the pages share: query strings and form bodies,
// the HTTP status of an absl::Status, and a work-list request from a form.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "pochta/v1/tracking.pb.h"

namespace pochta::services {

// Names and values, decoded, in order (a name may repeat).
using Form = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y" or an application/x-www-form-urlencoded body ('+' is a
// space). InvalidArgument for a malformed %-escape.
absl::StatusOr<Form> ParseForm(std::string_view text);
// The first value of `name`; nothing when the form has none.
std::optional<std::string_view> Field(const Form& form, std::string_view name);

// The usual HTTP status of a gRPC code (google.api's HTTP mapping):
// INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// NOT_FOUND 404, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...
int HttpStatus(absl::StatusCode code);

// The ListItems request a form asks for: one selection of
//   facility=F [status=S] [older_than_hours=H]   S "in-transit" or "IN_TRANSIT"
//   dispatch_id=D [unscanned_only=true|false]
//   country=CC posted=YYYY-MM-DD
// and [page_size=N] [page_token=T]. Other fields are not looked at.
// InvalidArgument naming the field and its value.
absl::StatusOr<v1::ListItemsRequest> WorkListRequest(const Form& form);

// The alerts' query: [kind=K] (low-volume or ALERT_KIND_LOW_VOLUME...)
// [operator=CC] [page_size=N] [page_token=T]; any other field is refused.
absl::StatusOr<v1::ListAlertsRequest> AlertsRequest(const Form& form);

}  // namespace pochta::services
