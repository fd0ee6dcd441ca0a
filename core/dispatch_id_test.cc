#include "core/dispatch_id.h"

#include "core/test_support.h"
#include "gtest/gtest.h"

namespace pochta::core {
namespace {

constexpr const char* kDispatch = "CNSHAAUZTASAAUN50042";
constexpr const char* kReceptacle = "CNSHAAUZTASAAUN50042017110123";

TEST(DispatchIdTest, ParsesEveryField) {
  absl::StatusOr<DispatchId> id = DispatchId::Parse(kDispatch);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->origin(), "CNSHAA");
  EXPECT_EQ(id->destination(), "UZTASA");
  EXPECT_EQ(id->category(), MailCategory::kPriority);
  EXPECT_EQ(id->subclass(), "UN");
  EXPECT_EQ(id->mail_class(), MailClass::kLetterPost);
  EXPECT_EQ(id->year_digit(), 5);
  EXPECT_EQ(id->number(), 42);
  EXPECT_EQ(id->ToString(), kDispatch);
  EXPECT_EQ(DispatchId::Parse("LVRIXAUZTASACCN59999")->mail_class(), MailClass::kParcels);
}

struct BadDispatch {
  const char* text;
  const char* field;  // the message must name it
};

class DispatchIdRejectTest : public testing::TestWithParam<BadDispatch> {};

TEST_P(DispatchIdRejectTest, NamesTheField) {
  const absl::StatusOr<DispatchId> id = DispatchId::Parse(GetParam().text);
  ASSERT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().text;
  EXPECT_NE(std::string(id.status().message()).find(GetParam().field), std::string::npos) << id.status();
}

INSTANTIATE_TEST_SUITE_P(EveryField, DispatchIdRejectTest,
                         testing::Values(BadDispatch{"CNSHAAUZTASAAUN5004", "characters"},
                                         BadDispatch{"CNSHAAUZTASAAUN500421", "characters"},
                                         BadDispatch{"XXSHAAUZTASAAUN50042", "origin office of exchange"},
                                         BadDispatch{"CNSH1AUZTASAAUN50042", "origin office of exchange"},
                                         BadDispatch{"CNSHAAUZTAS#AUN50042", "destination office of exchange"},
                                         BadDispatch{"CNSHAAUZTASAEUN50042", "mail category"},
                                         BadDispatch{"CNSHAAUZTASAAu150042", "mail subclass"},
                                         BadDispatch{"CNSHAAUZTASAAUNX0042", "year"},
                                         BadDispatch{"CNSHAAUZTASAAUN50000", "dispatch number"},
                                         BadDispatch{"CNSHAAUZTASAAUN5004A", "dispatch number"}),
                         [](const auto& info) { return testing_names::CaseName(info.index, info.param.text); });

TEST(ReceptacleIdTest, ParsesEveryField) {
  absl::StatusOr<ReceptacleId> id = ReceptacleId::Parse(kReceptacle);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->dispatch().ToString(), kDispatch);
  EXPECT_EQ(id->number(), 17);
  EXPECT_TRUE(id->highest());
  EXPECT_EQ(id->contents(), ReceptacleContents::kRegisteredOrInsured);
  EXPECT_EQ(id->weight_hectograms(), 123);
  EXPECT_EQ(id->ToString(), kReceptacle);
}

class ReceptacleIdRejectTest : public testing::TestWithParam<BadDispatch> {};

TEST_P(ReceptacleIdRejectTest, NamesTheField) {
  const absl::StatusOr<ReceptacleId> id = ReceptacleId::Parse(GetParam().text);
  ASSERT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().text;
  EXPECT_NE(std::string(id.status().message()).find(GetParam().field), std::string::npos) << id.status();
}

INSTANTIATE_TEST_SUITE_P(EveryField, ReceptacleIdRejectTest,
                         testing::Values(BadDispatch{"CNSHAAUZTASAAUN5004201711012", "characters"},
                                         BadDispatch{"CNSHAAUZTASAZUN50042017110123", "mail category"},
                                         BadDispatch{"CNSHAAUZTASAAUN50042000110123", "receptacle number"},
                                         BadDispatch{"CNSHAAUZTASAAUN50042017210123", "highest receptacle"},
                                         BadDispatch{"CNSHAAUZTASAAUN50042017150123", "registered/insured"},
                                         BadDispatch{"CNSHAAUZTASAAUN5004201711012x", "weight"}),
                         [](const auto& info) { return testing_names::CaseName(info.index, info.param.text); });

}  // namespace
}  // namespace pochta::core
