#include "services/internal/forms.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "fmt/format.h"
#include "services/convert.h"

namespace pochta::services {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      const int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      const int lo = hi >= 0 ? HexDigit(text[i + 2]) : -1;
      if (lo < 0) {
        return absl::InvalidArgumentError(fmt::format("\"{}\": '%' must be followed by two hex digits", text));
      }
      out += char(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

absl::Status Invalid(std::string_view field, std::string_view value, std::string_view why) {
  return absl::InvalidArgumentError(fmt::format("{} \"{}\": {}", field, value, why));
}

template <typename Number>
absl::StatusOr<Number> ParseNumber(std::string_view field, std::string_view text) {
  Number n{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Invalid(field, text, "is not a number");
  }
  return n;
}

}  // namespace

absl::StatusOr<Form> ParseForm(std::string_view text) {
  Form form;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    absl::StatusOr<std::string> name = Decode(pair.substr(0, eq));
    if (!name.ok()) return name.status();
    absl::StatusOr<std::string> value = Decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    form.emplace_back(*std::move(name), *std::move(value));
  }
  return form;
}

std::optional<std::string_view> Field(const Form& form, std::string_view name) {
  for (const auto& [n, v] : form) {
    if (n == name) return v;
  }
  return std::nullopt;
}

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

namespace {

// page_size and page_token of a paged request.
template <typename Request>
absl::Status SetPage(const Form& form, Request& request) {
  if (const std::optional<std::string_view> size = Field(form, "page_size"); size && !size->empty()) {
    absl::StatusOr<int> n = ParseNumber<int>("page_size", *size);
    if (!n.ok()) return n.status();
    if (*n < 1 || *n > 1000) return Invalid("page_size", *size, "must be 1 to 1000");
    request.set_page_size(*n);
  }
  request.set_page_token(std::string(Field(form, "page_token").value_or("")));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListItemsRequest> WorkListRequest(const Form& form) {
  v1::ListItemsRequest request;
  const std::optional<std::string_view> facility = Field(form, "facility");
  const std::optional<std::string_view> dispatch = Field(form, "dispatch_id");
  const std::optional<std::string_view> country = Field(form, "country");
  if (int(facility.has_value()) + int(dispatch.has_value()) + int(country.has_value()) != 1) {
    return absl::InvalidArgumentError("selection: give one of facility, dispatch_id or country with posted");
  }
  if (facility) {
    v1::FacilitySelection* f = request.mutable_facility();
    f->set_facility(std::string(*facility));
    if (const std::optional<std::string_view> status = Field(form, "status"); status && !status->empty()) {
      v1::ItemStatus wire = v1::ITEM_STATUS_UNSPECIFIED;
      if (const std::optional<core::ItemStatus> domain = core::ParseItemStatus(*status)) {
        wire = ToProto(*domain);
      } else if (!v1::ItemStatus_Parse(std::string(*status), &wire) || wire == v1::ITEM_STATUS_UNSPECIFIED) {
        return Invalid("status", *status, "is not a status (in-transit, at-customs, ... or IN_TRANSIT, ...)");
      }
      f->set_status(wire);
    }
    if (const std::optional<std::string_view> hours = Field(form, "older_than_hours"); hours && !hours->empty()) {
      absl::StatusOr<double> h = ParseNumber<double>("older_than_hours", *hours);
      if (!h.ok()) return h.status();
      if (!std::isfinite(*h) || *h < 0 || *h > 24 * 366 * 10) {
        return Invalid("older_than_hours", *hours, "must be 0 to 87840 (ten years)");
      }
      f->mutable_older_than()->set_seconds(int64_t(std::llround(*h * 3600)));
    }
  } else if (dispatch) {
    request.set_dispatch_id(std::string(*dispatch));
    if (const std::optional<std::string_view> unscanned = Field(form, "unscanned_only")) {
      if (*unscanned != "true" && *unscanned != "false")
        return Invalid("unscanned_only", *unscanned, "is not true or false");
      request.set_unscanned_only(*unscanned == "true");
    }
  } else {
    v1::CountryDaySelection* p = request.mutable_posted();
    p->set_country(std::string(*country));
    const std::string posted(Field(form, "posted").value_or(""));
    int year = 0, month = 0, day = 0;
    char tail = 0;
    if (posted.size() != 10 || std::sscanf(posted.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3) {
      return Invalid("posted", posted, "is not a date YYYY-MM-DD");
    }
    p->set_year(year);
    p->set_month(month);
    p->set_day(day);
  }
  if (absl::Status s = SetPage(form, request); !s.ok()) return s;
  return request;
}

absl::StatusOr<v1::ListAlertsRequest> AlertsRequest(const Form& form) {
  for (const auto& [name, value] : form) {
    if (name != "kind" && name != "operator" && name != "page_size" && name != "page_token") {
      return Invalid(name, value, "is not a parameter of the alerts (kind, operator, page_size, page_token)");
    }
  }
  v1::ListAlertsRequest request;
  if (const std::optional<std::string_view> kind = Field(form, "kind"); kind && !kind->empty()) {
    v1::AlertKind wire = v1::ALERT_KIND_UNSPECIFIED;
    if (const std::optional<AlertKind> domain = ParseAlertKind(*kind)) {
      wire = ToProto(*domain);
    } else if (!v1::AlertKind_Parse(std::string(*kind), &wire) || wire == v1::ALERT_KIND_UNSPECIFIED) {
      return Invalid("kind", *kind,
                     "is not an alert kind (unscanned-on-arrival, no-pre-advice, low-volume, late-event)");
    }
    request.set_kind(wire);
  }
  request.set_operator_(std::string(Field(form, "operator").value_or("")));
  if (absl::Status s = SetPage(form, request); !s.ok()) return s;
  return request;
}

}  // namespace pochta::services
