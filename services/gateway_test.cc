// The pieces of the JSON gateway that need no server: forms, statuses,
// work-list requests, languages and listening addresses. The gateway itself
// is tested end to end by tests/e2e/test_gateway.py.
#include "gtest/gtest.h"
#include "services/internal/forms.h"
#include "services/internal/http_server.h"
#include "services/internal/page_text.h"

namespace pochta::services {
namespace {

TEST(FormsTest, ParseFormDecodesEscapesAndPlusAndKeepsRepeats) {
  absl::StatusOr<Form> form = ParseForm("item=RB123456785CN&name=Dilnoza+Karimova&x=%D0%B0%26&x=2&&flag");
  ASSERT_TRUE(form.ok()) << form.status();
  const Form expected = {
      {"item", "RB123456785CN"}, {"name", "Dilnoza Karimova"}, {"x", "а&"}, {"x", "2"}, {"flag", ""}};
  EXPECT_EQ(*form, expected);
  EXPECT_EQ(Field(*form, "x"), "а&");
  EXPECT_EQ(Field(*form, "missing"), std::nullopt);
}

TEST(FormsTest, MalformedEscapesAreRefused) {
  for (const char* text : {"a=%", "a=%4", "a=%zz", "%g0=1"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseForm(text).status())) << text;
  }
}

TEST(FormsTest, StatusCodesMapToHttpStatuses) {
  const std::pair<absl::StatusCode, int> cases[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnavailable, 503},
  };
  for (const auto& [code, http] : cases) EXPECT_EQ(HttpStatus(code), http) << absl::StatusCodeToString(code);
}

TEST(FormsTest, WorkListRequestTakesOneSelection) {
  absl::StatusOr<v1::ListItemsRequest> r = WorkListRequest(
      {{"facility", "SC-SKD"}, {"status", "at-customs"}, {"older_than_hours", "1.5"}, {"page_size", "7"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->facility().facility(), "SC-SKD");
  EXPECT_EQ(r->facility().status(), v1::AT_CUSTOMS);
  EXPECT_EQ(r->facility().older_than().seconds(), 5400);
  EXPECT_EQ(r->page_size(), 7);
  r = WorkListRequest({{"facility", ""}, {"status", "DELIVERED"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->facility().status(), v1::DELIVERED);
  r = WorkListRequest({{"country", "CN"}, {"posted", "2025-03-08"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->posted().year() * 10000 + r->posted().month() * 100 + r->posted().day(), 20250308);
  r = WorkListRequest({{"dispatch_id", "CNURCAUZTASAAAUN50001"}, {"unscanned_only", "true"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->unscanned_only());
}

TEST(FormsTest, BadWorkListRequestsNameTheField) {
  const std::pair<Form, const char*> cases[] = {
      {{}, "selection"},
      {{{"facility", "UZTASA"}, {"dispatch_id", "X"}}, "selection"},
      {{{"facility", "UZTASA"}, {"status", "lost"}}, "status \"lost\""},
      {{{"facility", "UZTASA"}, {"status", "ITEM_STATUS_UNSPECIFIED"}}, "status"},
      {{{"facility", "UZTASA"}, {"older_than_hours", "-1"}}, "older_than_hours \"-1\""},
      {{{"facility", "UZTASA"}, {"older_than_hours", "soon"}}, "older_than_hours \"soon\""},
      {{{"facility", "UZTASA"}, {"page_size", "0"}}, "page_size \"0\""},
      {{{"facility", "UZTASA"}, {"page_size", "1001"}}, "page_size \"1001\""},
      {{{"dispatch_id", "X"}, {"unscanned_only", "yes"}}, "unscanned_only \"yes\""},
      {{{"country", "CN"}, {"posted", "8.3.2025"}}, "posted \"8.3.2025\""},
      {{{"country", "CN"}}, "posted \"\""},
  };
  for (const auto& [form, fragment] : cases) {
    const absl::Status s = WorkListRequest(form).status();
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << fragment << ": " << s;
    EXPECT_NE(std::string(s.message()).find(fragment), std::string::npos) << s;
  }
}

TEST(PageTextTest, AcceptLanguagePicksTheFirstKnownByWeight) {
  const std::pair<const char*, Language> cases[] = {
      {"", Language::kUzbek},
      {"de-DE,de;q=0.9", Language::kUzbek},
      {"ru-RU,ru;q=0.9,en;q=0.8", Language::kRussian},
      {"en-US,en;q=0.9,uz;q=0.8", Language::kEnglish},
      {"de, en;q=0.5, RU;q=0.7", Language::kRussian},
      {"uz-Latn-UZ", Language::kUzbek},
      {"ru;q=0, en", Language::kEnglish},
  };
  for (const auto& [header, language] : cases) EXPECT_EQ(FromAcceptLanguage(header), language) << header;
}

TEST(PageTextTest, EveryStatusEventAndReasonIsWordedInEveryLanguage) {
  for (Language l : {Language::kUzbek, Language::kRussian, Language::kEnglish}) {
    const PageText& t = Text(l);
    for (std::string_view s : t.statuses) EXPECT_FALSE(s.empty()) << t.code;
    for (std::string_view e : t.events) EXPECT_FALSE(e.empty()) << t.code;
    for (size_t r = 1; r < t.reasons.size(); ++r) EXPECT_FALSE(t.reasons[r].empty()) << t.code << " reason " << r;
    for (std::string_view m : t.modes) EXPECT_FALSE(m.empty()) << t.code;
  }
}

TEST(ListenAddressTest, HostsAndPortsAreChecked) {
  absl::StatusOr<ListenAddress> a = ParseListenAddress("localhost:0", "--http");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "127.0.0.1");
  a = ParseListenAddress("[::1]:8080", "--http");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 8080);
  for (const char* bad :
       {"999.1.1.1:5", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8o", "example.org:80"}) {
    const absl::Status s = ParseListenAddress(bad, "--metrics-listen").status();
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_NE(std::string(s.message()).find(std::string("--metrics-listen \"") + bad), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace pochta::services
