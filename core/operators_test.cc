#include "core/operators.h"

#include "core/country.h"
#include "core/exchange_offices.h"
#include "core/mail_class.h"
#include "gtest/gtest.h"

namespace pochta::core {
namespace {

TEST(ServiceIndicatorTest, MapsAllocatedRangesToMailClasses) {
  EXPECT_EQ(LookupServiceIndicator("EE")->mail_class, MailClass::kEms);
  EXPECT_EQ(LookupServiceIndicator("CP")->mail_class, MailClass::kParcels);
  EXPECT_EQ(LookupServiceIndicator("HA")->mail_class, MailClass::kParcels);
  EXPECT_EQ(LookupServiceIndicator("RR")->mail_class, MailClass::kLetterPost);
  EXPECT_EQ(LookupServiceIndicator("LP")->mail_class, MailClass::kLetterPost);
  EXPECT_EQ(LookupServiceIndicator("UA")->mail_class, MailClass::kLetterPost);
  EXPECT_EQ(LookupServiceIndicator("VV")->mail_class, MailClass::kLetterPost);
  EXPECT_EQ(LookupServiceIndicator("QM")->mail_class, MailClass::kLetterPost);
  ASSERT_TRUE(LookupServiceIndicator("ZZ").has_value());
  EXPECT_FALSE(LookupServiceIndicator("ZZ")->mail_class.has_value());  // bilateral: the pre-advice says
}

// Every two-letter indicator against the S10 (version 12) table of ranges.
TEST(ServiceIndicatorTest, EveryRangeOfTheStandard) {
  struct Range {
    const char* first;
    const char* last;
    std::optional<std::optional<MailClass>> expected;  // nothing: unassigned or reserved
  };
  const std::optional<MailClass> bilateral;
  const Range ranges[] = {
      {"AA", "AU", {}}, {"AV", "AZ", bilateral}, {"BA", "BZ", bilateral},
      {"CA", "CZ", MailClass::kParcels}, {"DA", "DZ", bilateral}, {"EA", "EZ", MailClass::kEms},
      {"FA", "FZ", {}}, {"GA", "GA", bilateral}, {"GB", "GC", {}}, {"GD", "GD", bilateral}, {"GE", "GZ", {}},
      {"HA", "HZ", MailClass::kParcels}, {"IA", "KZ", {}}, {"LA", "LZ", MailClass::kLetterPost},
      {"MA", "MZ", MailClass::kLetterPost}, {"NA", "NZ", bilateral}, {"OA", "OZ", {}}, {"PA", "PZ", bilateral},
      {"QA", "QM", MailClass::kLetterPost}, {"QN", "QZ", {}}, {"RA", "RZ", MailClass::kLetterPost},
      {"SA", "TZ", {}}, {"UA", "VZ", MailClass::kLetterPost}, {"WA", "YZ", {}}, {"ZA", "ZZ", bilateral},
  };
  int checked = 0;
  for (const Range& r : ranges) {
    for (std::string code = r.first; code <= r.last; code[1] == 'Z' ? (++code[0], code[1] = 'A') : ++code[1]) {
      const std::optional<ServiceIndicatorInfo> info = LookupServiceIndicator(code);
      ASSERT_EQ(info.has_value(), r.expected.has_value()) << code;
      if (info) {
        EXPECT_EQ(info->mail_class, *r.expected) << code;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 26 * 26);
  for (const char* malformed : {"Rr", "R", "RRR", "R1", ""}) EXPECT_FALSE(LookupServiceIndicator(malformed)) << malformed;
}

TEST(MailClassTest, NamesRoundTrip) {
  for (MailClass c : {MailClass::kLetterPost, MailClass::kParcels, MailClass::kEms}) {
    EXPECT_EQ(ParseMailClass(Name(c)), c);
  }
  EXPECT_FALSE(ParseMailClass("pallets").has_value());
}

TEST(CountryTest, KnowsAssignedCodesOnly) {
  for (const char* code : {"UZ", "CN", "LV", "VU", "GB", "AD", "ZW"}) EXPECT_TRUE(IsIsoCountryCode(code)) << code;
  for (const char* code : {"UK", "XX", "EU", "cn", "C", "CNN", ""}) EXPECT_FALSE(IsIsoCountryCode(code)) << code;
}

TEST(OperatorTest, DesignatedOperatorsSendToUzbekistan) {
  ASSERT_EQ(SendingOperators().size(), 3u);
  for (Operator op : SendingOperators()) EXPECT_FALSE(Info(op).destination);
  EXPECT_TRUE(Info(Operator::kUZ).destination);
  EXPECT_EQ(ParseOperator("LV"), Operator::kLV);
  EXPECT_EQ(Code(Operator::kVU), "VU");
  EXPECT_FALSE(ParseOperator("DE").has_value());
}

TEST(OperatorTest, ImpcCodesHaveTheirShape) {
  EXPECT_TRUE(IsImpcCode("CNURCA"));
  EXPECT_TRUE(IsImpcCode("UZTAS1"));
  EXPECT_FALSE(IsImpcCode("XXABCA"));
  EXPECT_FALSE(IsImpcCode("UZTAS"));
  EXPECT_FALSE(IsImpcCode("UZtasA"));
}

TEST(ExchangeOfficesTest, TheShippedFileNamesEveryPartnersOffices) {
  const absl::StatusOr<ExchangeOffices> offices = ExchangeOffices::Load(POCHTA_OFFICES_FILE);
  ASSERT_TRUE(offices.ok()) << offices.status();
  EXPECT_EQ(offices->Find("CNURCA")->city, "Urumqi");
  EXPECT_EQ(offices->Find("UZTASA")->role, ExchangeRole::kInward);
  EXPECT_EQ(offices->Find("TRISTA")->role, ExchangeRole::kTransit);
  EXPECT_EQ(offices->Find("DEFRAA"), nullptr);
  for (Operator op : SendingOperators()) EXPECT_FALSE(offices->CodesOf(Code(op), ExchangeRole::kOutward).empty());
  EXPECT_EQ(offices->CodesOf("CN", ExchangeRole::kOutward),
            (std::vector<std::string_view>{"CNSHAA", "CNBJSA", "CNCANA", "CNURCA"}));
}

TEST(ExchangeOfficesTest, ABrokenFileIsRefusedWithTheLineAndTheReason) {
  const struct {
    const char* text;
    const char* error;
  } cases[] = {
      {"UZTASA UZ inward Tashkent\nCNURCA CN sender Urumqi\n", "offices.txt:2: role \"sender\" is not inward"},
      {"CNURC CN outward Urumqi\n", "offices.txt:1: IMPC \"CNURC\" is not an IMPC code"},
      {"CNURCA LV outward Urumqi\n", "offices.txt:1: country \"LV\" is not the country of IMPC CNURCA"},
      {"CNURCA CN outward\n", "offices.txt:1: office CNURCA has no city"},
      {"CNURCA CN\n", "offices.txt:1: expected \"IMPC COUNTRY ROLE CITY\""},
      {"# only a comment\n", "offices.txt: no offices"},
      {"CNURCA CN outward Urumqi\nCNURCA CN outward Urumqi\n", "offices.txt:2: duplicate office CNURCA"},
  };
  for (const auto& c : cases) {
    const absl::Status s = ExchangeOffices::Parse(c.text, "offices.txt").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_TRUE(std::string(s.message()).starts_with(c.error)) << s.message();
  }
}

}  // namespace
}  // namespace pochta::core
