// The one converter between core and pochta.v1 maps every value both ways.
#include "services/convert.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "gtest/gtest.h"

namespace pochta::services {
namespace {

TEST(ConvertTest, EveryStatusRoundTripsToADistinctWireValue) {
  std::set<int> seen;
  for (int i = 0; i < core::kItemStatusCount; ++i) {
    const core::ItemStatus status = core::ItemStatus(i);
    const v1::ItemStatus wire = ToProto(status);
    EXPECT_NE(wire, v1::ITEM_STATUS_UNSPECIFIED) << core::Name(status);
    EXPECT_TRUE(seen.insert(wire).second) << core::Name(status);
    EXPECT_EQ(FromProto(wire), status) << core::Name(status);
  }
  EXPECT_EQ(FromProto(v1::ITEM_STATUS_UNSPECIFIED), std::nullopt);
  EXPECT_EQ(FromProto(v1::ItemStatus(99)), std::nullopt);
}

TEST(ConvertTest, EveryMeasureRoundTripsAndUnspecifiedIsNone) {
  std::set<int> seen;
  for (int i = 0; i < core::kNonDeliveryMeasureCount; ++i) {
    const core::NonDeliveryMeasure measure = core::NonDeliveryMeasure(i);
    const v1::NonDeliveryMeasure wire = ToProto(measure);
    EXPECT_TRUE(seen.insert(wire).second) << core::Name(measure);
    EXPECT_EQ(FromProto(wire), measure) << core::Name(measure);
  }
  EXPECT_EQ(ToProto(core::NonDeliveryMeasure::kNone), v1::NON_DELIVERY_MEASURE_UNSPECIFIED);
  EXPECT_EQ(FromProto(v1::NonDeliveryMeasure(42)), std::nullopt);
}

TEST(ConvertTest, EveryReasonRoundTripsToTheWireValueOfItsName) {
  for (int i = 0; i < core::kEventReasonCount; ++i) {
    const core::EventReason reason = core::EventReason(i);
    const v1::EventReason wire = ToProto(reason);
    EXPECT_EQ(FromProto(wire), reason) << core::Name(reason);
    if (reason == core::EventReason::kNone) continue;
    std::string name = "REASON_" + std::string(core::Name(reason));
    std::replace(name.begin(), name.end(), '-', '_');
    std::transform(name.begin(), name.end(), name.begin(), [](char c) { return char(std::toupper(c)); });
    EXPECT_EQ(v1::EventReason_Name(wire), name);
  }
  EXPECT_EQ(ToProto(core::EventReason::kNone), v1::EVENT_REASON_UNSPECIFIED);
  EXPECT_EQ(FromProto(v1::EventReason(42)), std::nullopt);
}

TEST(ConvertTest, EveryMailClassRoundTripsToADistinctWireValue) {
  std::set<int> seen;
  for (int i = 0; i < core::kMailClassCount; ++i) {
    const core::MailClass mail_class = core::MailClass(i);
    const v1::MailClass wire = ToProto(mail_class);
    EXPECT_NE(wire, v1::MAIL_CLASS_UNSPECIFIED) << core::Name(mail_class);
    EXPECT_TRUE(seen.insert(wire).second) << core::Name(mail_class);
    EXPECT_EQ(FromProto(wire), mail_class) << core::Name(mail_class);
  }
  EXPECT_EQ(FromProto(v1::MAIL_CLASS_UNSPECIFIED), std::nullopt);
}

}  // namespace
}  // namespace pochta::services
