// The tracking page and the work-list page of the gateway: HTML written on
// the server, no scripts, styles inline, so they work offline and without
// JavaScript. Forms post to the page itself, the key in the body.
#include <cctype>

#include "absl/time/time.h"
#include "core/html.h"
#include "fmt/format.h"
#include "services/convert.h"
#include "services/internal/forms.h"
#include "services/internal/gateway.h"
#include "services/internal/page_text.h"
#include "services/internal/places.h"

namespace pochta::services {
namespace {

constexpr int kDefaultPageSize = 20;

// Scripts none, styles inline, forms to this server only.
constexpr const char* kSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

constexpr const char* kStyle = R"(
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733;background:#f4f6f9}
header{background:#0b4ea2;color:#fff;padding:.7rem 1.2rem;display:flex;gap:1.5rem;align-items:baseline;flex-wrap:wrap}
header strong{font-size:1.15rem}header a{color:#fff}
main{max-width:70rem;margin:1.2rem auto;padding:0 1.2rem}
form{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.85rem;color:#4a5868;gap:.2rem}
input,select{font:inherit;padding:.35rem .5rem;border:1px solid #b8c2cf;border-radius:4px}
button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #0b4ea2;background:#0b4ea2;color:#fff;cursor:pointer}
button.lang{background:#fff;color:#0b4ea2}button.lang[aria-pressed=true]{font-weight:bold;text-decoration:underline}
.langs{margin-left:auto;display:flex;gap:.3rem}
section{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:1rem 1.2rem;margin-top:1rem}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#8a1c12;padding:.7rem 1rem;border-radius:6px;margin-top:1rem}
.status{display:inline-block;font-size:1.3rem;font-weight:600;padding:.2rem .8rem;border-radius:999px;background:#e3ecf8;color:#0b4ea2}
.s-delivered{background:#e3f4e8;color:#146c2e}.s-at-customs{background:#fff4d6;color:#7a5300}
.s-delivery-failed,.s-exception,.s-returned{background:#fdecea;color:#8a1c12}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.2rem}dt{color:#4a5868}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e3e8ee;vertical-align:top}
th{font-size:.85rem;color:#4a5868}.code{font-family:ui-monospace,monospace;font-size:.85rem;color:#4a5868;margin-right:.4rem}
.zone,.note{font-size:.8rem;color:#6b7785}
ol li{margin:.2rem 0}
)";

std::string Iso(core::Timestamp t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.time_since_epoch().count()),
                          absl::UTCTimeZone());
}

// <time> in local time, with its zone beside it.
std::string TimeHtml(const Places::LocalTime& local, core::Timestamp t) {
  return fmt::format(R"(<time datetime="{}">{}</time> <span class="zone">{}</span>)", Iso(t), local.time,
                     core::EscapeHtml(local.zone));
}

std::string Duration(const PageText& text, int minutes) {
  if (minutes < 60) return fmt::format("{} {}", minutes, text.minutes);
  return fmt::format("{} {} {} {}", minutes / 60, text.hours, minutes % 60, text.minutes);
}

std::string_view ModeText(const PageText& text, std::string_view mode) {
  constexpr std::array<std::string_view, 4> kModes = {"truck", "van", "rail", "air"};
  for (size_t i = 0; i < kModes.size(); ++i) {
    if (kModes[i] == mode) return text.modes[i];
  }
  return mode;
}

Language PageLanguage(const HttpRequest& request, const Form& form) {
  if (const std::optional<std::string_view> code = Field(form, "lang")) {
    if (const std::optional<Language> language = ParseLanguage(*code)) return *language;
  }
  return FromAcceptLanguage(request.Header("accept-language").value_or(""));
}

// The language buttons: they submit the form in another language. Before
// the form's hidden "lang", so a pressed button's value comes first.
std::string LanguageButtons(Language current) {
  std::string out = R"(<div class="langs">)";
  for (Language l : {Language::kUzbek, Language::kRussian, Language::kEnglish}) {
    out += fmt::format(
        R"(<button class="lang" type="submit" name="lang" value="{}" formnovalidate aria-pressed="{}">{}</button>)",
        Text(l).code, l == current, Text(l).language);
  }
  return out + fmt::format(R"(</div><input type="hidden" name="lang" value="{}">)", Text(current).code);
}

std::string KeyInput(const PageText& text, std::string_view key) {
  return fmt::format(
      R"(<label>{}<input type="password" name="key" id="key" autocomplete="off" size="28" value="{}"></label>)",
      text.key, core::EscapeHtml(key));
}

HttpResponse Page(int status, const PageText& text, std::string_view title, const std::string& main) {
  HttpResponse r{.status = status, .content_type = "text/html; charset=utf-8"};
  r.body = fmt::format(
      R"(<!doctype html>
<html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} · Uzbekiston Pochtasi</title><link rel="icon" href="data:,"><style>{}</style></head>
<body><header><strong>Uzbekiston Pochtasi</strong><a href="/?lang={}">{}</a><a href="/staff?lang={}">{}</a></header>
<main>{}</main></body></html>
)",
      text.code, title, kStyle, text.code, text.title, text.code, text.staff_title, main);
  r.headers.emplace_back("Content-Security-Policy", kSecurityPolicy);
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

std::string ErrorBox(const absl::Status& s) {
  return fmt::format(R"(<p class="error" id="error" data-code="{}">{}</p>)", absl::StatusCodeToString(s.code()),
                     core::EscapeHtml(std::string(s.message())));
}

std::string StatusBadge(const PageText& text, v1::ItemStatus wire) {
  const std::optional<core::ItemStatus> status = FromProto(wire);
  if (!status) return "";
  return fmt::format(R"(<span class="status s-{0}" id="status" data-status="{0}">{1}</span>)", core::Name(*status),
                     text.statuses[size_t(*status)]);
}

std::string PartyHtml(const v1::Party& p) {
  std::string out = core::EscapeHtml(p.name());
  for (const std::string* part : {&p.address(), &p.postcode(), &p.country(), &p.phone(), &p.email()}) {
    if (!part->empty()) out += ", " + core::EscapeHtml(*part);
  }
  return out;
}

// The result of a lookup: the item's view and its timeline.
std::string ItemHtml(const PageText& text, const Places& places, const v1::ItemView& view,
                     const v1::ListEventsResponse& history) {
  std::string out = fmt::format(R"(<section id="result" data-item="{0}"><h2 id="item-id">{0}</h2><p>{1}</p><dl>)",
                                core::EscapeHtml(view.item_id()), StatusBadge(text, view.status()));
  if (!view.location().empty()) {
    const core::Timestamp since = FromProto(view.since());
    out += fmt::format(R"(<dt>{}</dt><dd id="location" data-office="{}">{}, {} {}</dd>)", text.where,
                       core::EscapeHtml(view.location()), core::EscapeHtml(places.Name(view.location())), text.since,
                       TimeHtml(places.Local(view.location(), since), since));
  }
  if (view.has_expected_delivery()) {
    const core::Timestamp at = FromProto(view.expected_delivery());
    std::string latest;  // the forecast's p90
    if (view.has_expected_delivery_p90()) {
      const core::Timestamp p90 = FromProto(view.expected_delivery_p90());
      latest = fmt::format(R"(; <span id="expected-p90">{} {}</span>)", text.expected_latest,
                           TimeHtml(places.Home(p90), p90));
    }
    out +=
        fmt::format(R"(<dt>{}</dt><dd id="expected">{}{}</dd>)", text.expected, TimeHtml(places.Home(at), at), latest);
  }
  if (!view.destination_office().empty()) {
    out += fmt::format(R"(<dt>{}</dt><dd id="destination">{}</dd>)", text.destination,
                       core::EscapeHtml(places.Name(view.destination_office())));
  }
  // Readers get the parties with their personal data already emptied.
  if (view.has_pre_advice() && !view.pre_advice().recipient().name().empty()) {
    out += fmt::format(R"(<dt>{}</dt><dd id="addressee">{}</dd>)", text.addressee,
                       PartyHtml(view.pre_advice().recipient()));
    out += fmt::format(R"(<dt>{}</dt><dd id="sender">{}</dd>)", text.sender, PartyHtml(view.pre_advice().sender()));
  }
  out += "</dl>";
  if (view.route_size() > 0) {
    out += fmt::format(R"(<h3>{}</h3><ol id="route">)", text.route);
    for (const v1::RouteLeg& leg : view.route()) {
      out += fmt::format(R"(<li data-from="{}" data-to="{}">{} → {} · {} · {}</li>)", core::EscapeHtml(leg.from()),
                         core::EscapeHtml(leg.to()), core::EscapeHtml(places.Name(leg.from())),
                         core::EscapeHtml(places.Name(leg.to())), ModeText(text, leg.mode()),
                         Duration(text, leg.minutes()));
    }
    out += "</ol>";
  }
  out += fmt::format(
      R"(<h3>{}</h3><table id="timeline"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
      text.timeline, text.when, text.event, text.place, text.reason);
  for (int i = history.events_size() - 1; i >= 0; --i) {  // the latest first
    const v1::TrackingEvent& e = history.events(i);
    const core::Timestamp at = FromProto(e.occurred_at());
    const std::optional<core::EventCode> code = core::ParseEventCode(e.code());
    const std::optional<core::EventReason> reason = FromProto(e.reason_code());
    std::string why = reason ? std::string(text.reasons[size_t(*reason)]) : "";
    if (!e.reason().empty()) why += (why.empty() ? "" : "; ") + core::EscapeHtml(e.reason());
    out += fmt::format(
        R"(<tr data-code="{0}" data-office="{1}"><td>{2}</td><td><span class="code">{0}</span>{3}</td><td>{4}</td><td>{5}</td></tr>)",
        core::EscapeHtml(e.code()), core::EscapeHtml(e.office()), TimeHtml(places.Local(e.office(), at), at),
        code ? text.events[size_t(*code)] : "", core::EscapeHtml(places.Name(e.office())), why);
  }
  return out + fmt::format(R"(</tbody></table><p class="note">{}</p></section>)", text.local_time_note);
}

// The caller of a page: the form's key; a blank one counts as none.
absl::StatusOr<Principal> PageCaller(const KeyRing& keys, const Form& form) {
  const std::optional<std::string_view> key = Field(form, "key");
  return keys.Authenticate(key && !key->empty() ? key : std::nullopt);
}

// The form of a GET (its query: no key) or a POST (its body).
absl::StatusOr<Form> PageForm(const HttpRequest& request) {
  if (request.method == "POST") return ParseForm(request.body);
  const size_t question = request.target.find('?');
  absl::StatusOr<Form> form = ParseForm(
      question == std::string::npos ? std::string_view() : std::string_view(request.target).substr(question + 1));
  if (form.ok()) std::erase_if(*form, [](const auto& field) { return field.first == "key"; });
  return form;
}

// What a page was asked: its form and the language to answer in; or, for
// another method than GET and POST or a malformed form, the page saying so.
struct PageRequest {
  Form form;
  Language language = Language::kUzbek;
  std::optional<HttpResponse> refusal;
};

PageRequest ReadPage(const HttpRequest& request, std::string_view PageText::*title) {
  absl::StatusOr<Form> form = PageForm(request);
  PageRequest asked;
  if (form.ok()) asked.form = *form;
  asked.language = PageLanguage(request, asked.form);
  const PageText& text = Text(asked.language);
  if (request.method != "GET" && request.method != "POST") {
    asked.refusal = Page(405, text, text.*title, ErrorBox(absl::InvalidArgumentError("GET or POST only")));
  } else if (!form.ok()) {
    asked.refusal = Page(400, text, text.*title, ErrorBox(form.status()));
  }
  return asked;
}

}  // namespace

HttpResponse Gateway::TrackingPage(const HttpRequest& request) const {
  const PageRequest asked = ReadPage(request, &PageText::title);
  if (asked.refusal) return *asked.refusal;
  const Language language = asked.language;
  const PageText& text = Text(language);
  const Form& form = asked.form;
  std::string item;
  for (char c : Field(form, "item").value_or("")) {
    if (!std::isspace(static_cast<unsigned char>(c))) item += char(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string main = fmt::format(
      R"(<form method="post" action="/"><label>{}<input name="item" id="item" value="{}" size="16" autocomplete="off" placeholder="RB123456785CN"></label>{}<button type="submit" id="track">{}</button>{}</form>)",
      text.item, core::EscapeHtml(item), KeyInput(text, Field(form, "key").value_or("")), text.track,
      LanguageButtons(language));
  int status = 200;
  if (request.method == "POST" && !item.empty()) {
    absl::Status s;
    v1::ItemView view;
    v1::ListEventsResponse history;
    if (absl::StatusOr<Principal> caller = PageCaller(keys_, form); !caller.ok()) {
      s = caller.status();
    } else {
      v1::GetItemRequest get;
      get.set_item_id(item);
      s = tracking_.ReadItem(*caller, get, &view);
      if (s.ok()) {
        v1::ListEventsRequest list;
        list.set_item_id(item);
        s = tracking_.ReadEvents(*caller, list, &history);
        if (absl::IsNotFound(s)) s = absl::OkStatus();  // pre-advised, no event yet
      }
    }
    status = HttpStatus(s.code());
    main += s.ok() ? ItemHtml(text, *places_, view, history) : ErrorBox(s);
  }
  return Page(status, text, text.title, main);
}

HttpResponse Gateway::StaffPage(const HttpRequest& request) const {
  const PageRequest asked = ReadPage(request, &PageText::staff_title);
  if (asked.refusal) return *asked.refusal;
  const Language language = asked.language;
  const PageText& text = Text(language);
  const Form& form = asked.form;
  const auto field = [&](std::string_view name) { return std::string(Field(form, name).value_or("")); };
  const std::string go = field("go");
  int page = std::max(1, std::atoi(field("page").c_str()));
  std::string token = field("page_token");
  if (go == "next") {
    token = field("next_token");
    ++page;
  } else if (go == "first" || request.method == "GET") {
    token.clear();
    page = 1;
  }
  const std::string size = field("page_size").empty() ? std::to_string(kDefaultPageSize) : field("page_size");

  std::string options = fmt::format(R"(<option value="">{}</option>)", text.any_status);
  for (int i = 0; i < core::kItemStatusCount; ++i) {
    const std::string_view name = core::Name(core::ItemStatus(i));
    options += fmt::format(R"(<option value="{}"{}>{}</option>)", name, field("status") == name ? " selected" : "",
                           text.statuses[size_t(i)]);
  }
  std::string hubs;
  for (const core::Facility* f : places_->hubs()) {
    hubs += fmt::format(R"(<option value="{}">{}</option>)", core::EscapeHtml(f->code), core::EscapeHtml(f->name));
  }
  std::string main = fmt::format(
      R"(<form method="post" action="/staff">{}<label>{}<input name="facility" id="facility" list="hubs" value="{}" size="10" placeholder="UZTASA"></label><datalist id="hubs">{}</datalist><label>{}<select name="status" id="status-select">{}</select></label><label>{}<input name="older_than_hours" id="older" type="number" min="0" step="any" value="{}" size="6"></label><label>{}<input name="page_size" id="page-size" type="number" min="1" max="1000" value="{}" size="5"></label><button type="submit" name="go" value="first" id="show">{}</button>)",
      KeyInput(text, field("key")), text.facility, core::EscapeHtml(field("facility")), hubs, text.status, options,
      text.older_than_hours, core::EscapeHtml(field("older_than_hours")), text.page_size, core::EscapeHtml(size),
      text.show);

  int status = 200;
  std::string results;
  if (request.method == "POST") {
    absl::Status s;
    v1::ListItemsResponse list;
    if (absl::StatusOr<Principal> caller = PageCaller(keys_, form); !caller.ok()) {
      s = caller.status();
    } else {
      const Form query = {{"facility", field("facility")},
                          {"status", field("status")},
                          {"older_than_hours", field("older_than_hours")},
                          {"page_size", size},
                          {"page_token", token}};
      absl::StatusOr<v1::ListItemsRequest> read = WorkListRequest(query);
      s = read.ok() ? tracking_.ReadWorkList(*caller, *read, &list) : read.status();
    }
    status = HttpStatus(s.code());
    if (!s.ok()) {
      results = ErrorBox(s);
    } else {
      const int first = (page - 1) * std::atoi(size.c_str()) + 1;
      results = fmt::format(R"(<section id="result" data-page="{}"><h2>{} {}</h2>)", page, text.page, page);
      if (list.items_size() == 0)
        results += fmt::format(R"(<p id="empty">{}</p>)", text.no_items);
      else {
        results += fmt::format(
            R"(<table id="worklist"><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
            text.item, text.status, text.when, text.where, text.destination);
        const core::Timestamp now = clock_.Now();
        for (int i = 0; i < list.items_size(); ++i) {
          const v1::ItemView& v = list.items(i);
          const core::Timestamp since = FromProto(v.since());
          const auto hours = std::chrono::duration_cast<std::chrono::hours>(now - since).count();
          results += fmt::format(
              R"(<tr data-item="{0}"><td>{1}</td><td><a href="/?item={0}&amp;lang={2}">{0}</a></td><td data-status="{3}">{4}</td><td>{5} <span class="zone">({6} {7})</span></td><td>{8}</td><td>{9}</td></tr>)",
              core::EscapeHtml(v.item_id()), first + i, text.code,
              FromProto(v.status()) ? core::Name(*FromProto(v.status())) : "",
              FromProto(v.status()) ? text.statuses[size_t(*FromProto(v.status()))] : "",
              TimeHtml(places_->Local(v.location(), since), since), hours, text.hours,
              core::EscapeHtml(places_->Name(v.location())), core::EscapeHtml(places_->Name(v.destination_office())));
        }
        results += "</tbody></table>";
      }
      results += "</section>";
    }
    main += fmt::format(
        R"(<input type="hidden" name="page" value="{}"><input type="hidden" name="page_token" value="{}"><input type="hidden" name="next_token" value="{}">)",
        page, core::EscapeHtml(token), core::EscapeHtml(list.next_page_token()));
    if (page > 1)
      main += fmt::format(R"(<button type="submit" name="go" value="first" id="first">{}</button>)", text.first_page);
    if (!list.next_page_token().empty()) {
      main += fmt::format(R"(<button type="submit" name="go" value="next" id="next">{} →</button>)", text.next_page);
    }
  }
  main += LanguageButtons(language) + "</form>" + results;
  return Page(status, text, text.staff_title, main);
}

}  // namespace pochta::services
