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

struct BadId {
  absl::Status (*parse)(std::string_view);
  const char* text;
  const char* field;  // the message must name it
};

absl::Status ParseDispatch(std::string_view text) { return DispatchId::Parse(text).status(); }
absl::Status ParseReceptacle(std::string_view text) { return ReceptacleId::Parse(text).status(); }

class IdRejectTest : public testing::TestWithParam<BadId> {};

TEST_P(IdRejectTest, NamesTheField) {
  const absl::Status status = GetParam().parse(GetParam().text);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << GetParam().text;
  EXPECT_NE(std::string(status.message()).find(GetParam().field), std::string::npos) << status;
}

INSTANTIATE_TEST_SUITE_P(EveryField, IdRejectTest,
                         testing::Values(BadId{ParseDispatch, "CNSHAAUZTASAAUN5004", "characters"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAAUN500421", "characters"},
                                         BadId{ParseDispatch, "XXSHAAUZTASAAUN50042", "origin office of exchange"},
                                         BadId{ParseDispatch, "CNSH1AUZTASAAUN50042", "origin office of exchange"},
                                         BadId{ParseDispatch, "CNSHAAUZTAS#AUN50042", "destination office of exchange"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAEUN50042", "mail category"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAAu150042", "mail subclass"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAAUNX0042", "year"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAAUN50000", "dispatch number"},
                                         BadId{ParseDispatch, "CNSHAAUZTASAAUN5004A", "dispatch number"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAAUN5004201711012", "characters"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAZUN50042017110123", "mail category"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAAUN50042000110123", "receptacle number"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAAUN50042017210123", "highest receptacle"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAAUN50042017150123", "registered/insured"},
                                         BadId{ParseReceptacle, "CNSHAAUZTASAAUN5004201711012x", "weight"}),
                         [](const auto& info) { return testing_names::CaseName(info.index, info.param.text); });

}  // namespace
}  // namespace pochta::core
