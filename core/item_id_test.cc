#include "core/item_id.h"

#include <algorithm>
#include <random>
#include <set>

#include "core/test_support.h"
#include "gtest/gtest.h"

namespace pochta::core {
namespace {

TEST(ItemIdTest, AcceptsTheStandardVectors) {
  for (const char* text : {"RA123456785GB", "RR473124829CN", "RA000000080BR"}) {
    absl::StatusOr<ItemId> id = ItemId::Parse(text);
    ASSERT_TRUE(id.ok()) << text << ": " << id.status();
    EXPECT_EQ(id->ToString(), text);
  }
}

TEST(ItemIdTest, CheckDigitMapsTenToZeroAndElevenToFive) {
  EXPECT_EQ(ItemId::CheckDigit(12345678), 5);
  EXPECT_EQ(ItemId::CheckDigit(47312482), 9);
  EXPECT_EQ(ItemId::CheckDigit(8), 0);  // sum 56, 11 - 1 = 10 -> 0
  EXPECT_EQ(ItemId::CheckDigit(0), 5);  // sum 0, 11 - 0 = 11 -> 5
  ASSERT_TRUE(ItemId::Parse("EE000000005CN").ok());
}

TEST(ItemIdTest, ExposesItsParts) {
  const ItemId id = *ItemId::Parse("RR473124829CN");
  EXPECT_EQ(id.service_indicator(), (std::array<char, 2>{'R', 'R'}));
  EXPECT_EQ(id.serial(), 47312482u);
  EXPECT_EQ(id.check_digit(), 9);
  EXPECT_TRUE(id.HasCountry("CN"));
  EXPECT_FALSE(id.HasCountry("LV"));
}

struct BadId {
  const char* text;
  ItemIdError error;
};

class ItemIdRejectTest : public testing::TestWithParam<BadId> {};

TEST_P(ItemIdRejectTest, NamesTheFirstWrongField) {
  ItemIdError why = ItemIdError::kNone;
  EXPECT_FALSE(ItemId::TryParse(GetParam().text, &why).has_value());
  EXPECT_EQ(why, GetParam().error) << GetParam().text;
  const absl::StatusOr<ItemId> parsed = ItemId::Parse(GetParam().text);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(parsed.status().message()).find(std::string(Describe(GetParam().error))), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfBadInput, ItemIdRejectTest,
    testing::Values(BadId{"", ItemIdError::kLength}, BadId{"RA123456785G", ItemIdError::kLength},
                    BadId{"RA123456785GBX", ItemIdError::kLength}, BadId{" RA123456785GB", ItemIdError::kLength},
                    BadId{"ra123456785GB", ItemIdError::kServiceIndicator},
                    BadId{"R1123456785GB", ItemIdError::kServiceIndicator},
                    BadId{"FA123456785GB", ItemIdError::kServiceIndicator},  // F.. unassigned
                    BadId{"AA123456785GB", ItemIdError::kServiceIndicator},  // AA-AU unassigned
                    BadId{"RA12345678XGB", ItemIdError::kCheckDigit}, BadId{"RA1234567A5GB", ItemIdError::kSerial},
                    BadId{"RA 23456785GB", ItemIdError::kSerial}, BadId{"RA123456784GB", ItemIdError::kCheckDigit},
                    BadId{"RR473124820CN", ItemIdError::kCheckDigit}, BadId{"RA123456785XX", ItemIdError::kCountry},
                    BadId{"RA123456785gb", ItemIdError::kCountry}, BadId{"RA123456785UK", ItemIdError::kCountry}),
    [](const auto& info) { return testing_names::CaseName(info.index, info.param.text); });

TEST(ItemIdTest, MakeComputesTheCheckDigit) {
  EXPECT_EQ(ItemId::Make("RR", 47312482, "CN")->ToString(), "RR473124829CN");
  EXPECT_EQ(ItemId::Make("XX", 1, "CN").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ItemId::Make("RR", 100'000'000, "CN").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ItemId::Make("RR", 1, "QQ").status().code(), absl::StatusCode::kInvalidArgument);
}

std::vector<ItemId> RandomIds(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* indicators[] = {"RR", "LP", "UA", "CP", "EE", "HB", "VV", "ZZ"};
  const char* countries[] = {"CN", "LV", "VU", "UZ", "GB", "AD", "ZW"};
  std::vector<ItemId> ids;
  for (size_t i = 0; i < count; ++i) {
    ids.push_back(*ItemId::Make(indicators[rng() % 8], rng() % 100'000'000, countries[rng() % 7]));
  }
  return ids;
}

TEST(ItemIdTest, PackedKeysSortLikeTheText) {
  std::vector<ItemId> ids = RandomIds(5000, 7);
  std::vector<std::string> texts;
  for (ItemId id : ids) texts.push_back(id.ToString());
  std::sort(ids.begin(), ids.end(), [](ItemId a, ItemId b) { return a.Pack() < b.Pack(); });
  std::sort(texts.begin(), texts.end());
  for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i].ToString(), texts[i]);
}

TEST(ItemIdTest, BigEndianKeyBytesSortLikeTheText) {
  const ItemId a = *ItemId::Parse("RR473124829CN");
  const ItemId b = *ItemId::Parse("RR473124829LV");
  const auto bytes = [](ItemId id) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[size_t(i)] = char(id.Pack() >> (56 - 8 * i));
    return s;
  };
  EXPECT_LT(bytes(a), bytes(b));
}

TEST(ItemIdTest, UnpackRoundTripsAndRefusesForeignKeys) {
  for (ItemId id : RandomIds(1000, 11)) ASSERT_EQ(ItemId::Unpack(id.Pack()), id);
  const uint64_t key = ItemId::Parse("RR473124829CN")->Pack();
  EXPECT_FALSE(ItemId::Unpack(key ^ (uint64_t{1} << 10)).has_value());  // check digit changed
  EXPECT_FALSE(ItemId::Unpack(key | (uint64_t{1} << 60)).has_value());  // bits above the layout
  EXPECT_FALSE(ItemId::Unpack(0).has_value());                          // AA..., AA: unassigned
}

TEST(ItemIdTest, SequenceIssuesValidConsecutiveIdsAndWraps) {
  absl::StatusOr<ItemIdSequence> seq = ItemIdSequence::Create("LP", "CN", ItemId::kMaxSerial - 1);
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->Next().serial(), ItemId::kMaxSerial - 1);
  EXPECT_EQ(seq->Next().serial(), ItemId::kMaxSerial);
  const ItemId wrapped = seq->Next();
  EXPECT_EQ(wrapped.ToString(), "LP000000005CN");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string text = seq->Next().ToString();
    ASSERT_TRUE(ItemId::Parse(text).ok()) << text;
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(ItemIdSequence::Create("LP", "XX", 0).ok());
}

}  // namespace
}  // namespace pochta::core
