#include "core/operators.h"

#include "core/country.h"
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

TEST(OperatorTest, IsItsCountry) {
  EXPECT_EQ(Operator::Parse("LV"), Operator("LV"));
  EXPECT_EQ(Operator("VU").code(), "VU");
  EXPECT_EQ(kUzbekistanPost.code(), "UZ");
  EXPECT_EQ(Operator::Parse("KZ")->code(), "KZ");  // any country: the operators file says who is a partner
  for (const char* bad : {"XX", "cn", "C", "CNN", ""}) EXPECT_FALSE(Operator::Parse(bad).has_value()) << bad;
  for (uint32_t i = 0; i < uint32_t(kOperatorIndexCount); ++i) EXPECT_EQ(Operator::FromIndex(i)->index(), i);
  EXPECT_FALSE(Operator::FromIndex(kOperatorIndexCount).has_value());
  EXPECT_EQ(Operator::FromIndex(Operator("CN").index())->code(), "CN");
}

TEST(OperatorTest, ImpcCodesHaveTheirShape) {
  EXPECT_TRUE(IsImpcCode("CNURCA"));
  EXPECT_TRUE(IsImpcCode("UZTAS1"));
  EXPECT_FALSE(IsImpcCode("XXABCA"));
  EXPECT_FALSE(IsImpcCode("UZTAS"));
  EXPECT_FALSE(IsImpcCode("UZtasA"));
}

TEST(OperatorsFileTest, TheShippedFileNamesEveryOperatorAndItsOffices) {
  const absl::StatusOr<Operators> file = Operators::Load(POCHTA_OPERATORS_FILE);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->CodesOf(OperatorKind::kPartner), "CN, LV, VU");
  EXPECT_EQ(file->CodesOf(OperatorKind::kTransit), "TR, AU");
  EXPECT_EQ(file->Find(kUzbekistanPost)->kind, OperatorKind::kHome);
  EXPECT_EQ(file->Find(Operator("LV"))->time_zone, "Europe/Riga");
  EXPECT_EQ(file->Find(Operator("CN"))->name, "China Post");
  EXPECT_EQ(file->Find(Operator("DE")), nullptr);
  EXPECT_EQ(file->FindOffice("CNURCA")->city, "Urumqi");
  EXPECT_EQ(file->FindOffice("UZTASA")->role, ExchangeRole::kInward);
  EXPECT_EQ(file->FindOffice("TRISTA")->op, Operator("TR"));
  EXPECT_EQ(file->FindOffice("DEFRAA"), nullptr);
  EXPECT_TRUE(file->IsPartner(Operator("VU")));
  EXPECT_FALSE(file->IsPartner(Operator("TR")));
  EXPECT_FALSE(file->IsPartner(kUzbekistanPost));
  for (const OperatorInfo& info : file->all()) {
    if (info.kind == OperatorKind::kPartner) {
      EXPECT_FALSE(file->OfficesOf(info.op, ExchangeRole::kOutward).empty()) << info.op.code();
    }
  }
  EXPECT_EQ(file->OfficesOf(Operator("CN"), ExchangeRole::kOutward),
            (std::vector<std::string_view>{"CNSHAA", "CNBJSA", "CNCANA", "CNURCA"}));
}

TEST(OperatorsFileTest, ANewPartnerIsTwoLines) {
  const absl::StatusOr<Operators> file = Operators::Parse(
      "operator UZ home Asia/Tashkent Uzbekiston Pochtasi\n"
      "office UZTASA inward Tashkent\n"
      "operator KZ partner Asia/Almaty Kazpost   # the road link\n"
      "office KZALAA outward Almaty\n",
      "operators.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->IsPartner(Operator("KZ")));
  EXPECT_EQ(file->Find(Operator("KZ"))->name, "Kazpost");
  EXPECT_EQ(file->OfficesOf(Operator("KZ"), ExchangeRole::kOutward), (std::vector<std::string_view>{"KZALAA"}));
}

TEST(OperatorsFileTest, ABrokenFileIsRefusedWithTheLineAndTheReason) {
  const std::string uz = "operator UZ home Asia/Tashkent Uzbekiston Pochtasi\n";
  const struct {
    std::string text;
    const char* error;
  } cases[] = {
      {uz + "operator CN sender Asia/Shanghai China Post\n", "f.txt:2: kind \"sender\" is not home, partner"},
      {uz + "operator QQ partner Asia/Shanghai China Post\n", "f.txt:2: country \"QQ\" is not an ISO"},
      {uz + "operator CN partner Asia/Beijing China Post\n", "f.txt:2: time zone \"Asia/Beijing\" is not"},
      {uz + "operator CN partner Asia/Shanghai\n", "f.txt:2: operator CN has no name"},
      {uz + "operator CN partner\n", "f.txt:2: expected \"operator COUNTRY KIND TIME-ZONE NAME\""},
      {uz + "operator CN home Asia/Shanghai China Post\n", "f.txt:2: the home operator is Uzbekiston Pochtasi"},
      {uz + "operator UZ partner Asia/Tashkent Uzbekiston Pochtasi\n", "f.txt:2: UZ is the home operator"},
      {uz + "operator CN partner Asia/Shanghai A\noperator CN partner Asia/Shanghai B\n",
       "f.txt:3: duplicate operator CN"},
      {uz + "office CNURCA outward Urumqi\n", "f.txt:2: office CNURCA needs an operator line for CN above it"},
      {uz + "operator CN partner Asia/Shanghai China Post\noffice CNURCA sender Urumqi\n",
       "f.txt:3: role \"sender\" is not inward"},
      {uz + "office UZTAS inward Tashkent\n", "f.txt:2: IMPC \"UZTAS\" is not an IMPC code"},
      {uz + "office UZTASA inward\n", "f.txt:2: office UZTASA has no city"},
      {uz + "office UZTASA\n", "f.txt:2: expected \"office IMPC ROLE CITY\""},
      {uz + "office UZTASA inward Tashkent\noffice UZTASA inward Tashkent\n", "f.txt:3: duplicate office UZTASA"},
      {uz + "operator CN partner Asia/Shanghai China Post\noffice CNURCA inward Urumqi\n",
       "f.txt:3: office CNURCA: only the home operator receives"},
      {uz + "operator TR transit Europe/Istanbul PTT\noffice TRISTA outward Istanbul\n",
       "f.txt:3: office TRISTA: a transit operator runs transit offices only"},
      {uz + "UZTASA UZ inward Tashkent\n", "f.txt:2: \"UZTASA\" is not an entry"},
      {"# only a comment\n", "f.txt: no home operator"},
  };
  for (const auto& c : cases) {
    const absl::Status s = Operators::Parse(c.text, "f.txt").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_TRUE(std::string(s.message()).starts_with(c.error)) << s.message();
  }
}

}  // namespace
}  // namespace pochta::core
