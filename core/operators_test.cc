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

TEST(ServiceIndicatorTest, RefusesUnassignedRanges) {
  for (const char* indicator : {"AA", "AU", "FA", "GB", "MA", "QN", "XX", "Rr", "R", "RRR"}) {
    EXPECT_FALSE(LookupServiceIndicator(indicator).has_value()) << indicator;
  }
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

TEST(OperatorTest, OfficesOfExchangeHaveValidImpcCodes) {
  for (const OfficeOfExchange& office : AllOfficesOfExchange()) {
    EXPECT_TRUE(IsImpcCode(office.impc)) << office.impc;
    EXPECT_EQ(office.impc.substr(0, 2), Code(office.op)) << office.impc;
  }
  EXPECT_EQ(FindOfficeOfExchange("CNURCA")->city, "Urumqi");
  EXPECT_TRUE(FindOfficeOfExchange("UZTASA")->inward);
  EXPECT_FALSE(FindOfficeOfExchange("DEFRAA").has_value());
  EXPECT_FALSE(IsImpcCode("XXABCA"));
  EXPECT_FALSE(IsImpcCode("UZTAS"));
  EXPECT_FALSE(IsImpcCode("UZtasA"));
}

}  // namespace
}  // namespace pochta::core
