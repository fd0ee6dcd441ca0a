#include "sim/local_time.h"

#include "gtest/gtest.h"

namespace pochta::sim {
namespace {

constexpr Time kHour = 3600;
constexpr int64_t kJan1st2025 = 20089;  // days since 1970-01-01
constexpr Time kJan1st2025Utc = kJan1st2025 * 86400;

TEST(LocalTimeTest, TashkentIsFiveHoursAheadAllYear) {
  const LocalTime tashkent = *LocalTime::Load("Asia/Tashkent");
  EXPECT_EQ(tashkent.Midnight(kJan1st2025), kJan1st2025Utc - 5 * kHour);
  EXPECT_EQ(tashkent.At(kJan1st2025 + 180, 14 * 3600), (kJan1st2025 + 180) * 86400 + 9 * kHour);  // no summer time
  EXPECT_EQ(tashkent.DayOf(kJan1st2025Utc - 5 * kHour), kJan1st2025);
  EXPECT_EQ(tashkent.DayOf(kJan1st2025Utc - 5 * kHour - 1), kJan1st2025 - 1);
  EXPECT_EQ(tashkent.SecondOfDay(kJan1st2025Utc), 5 * 3600);
  // 09:00 in Tashkent: the same day before it, the next day after it.
  EXPECT_EQ(tashkent.Next(kJan1st2025Utc, 9 * 3600), kJan1st2025Utc + 4 * kHour);
  EXPECT_EQ(tashkent.Next(kJan1st2025Utc + 4 * kHour + 1, 9 * 3600), kJan1st2025Utc + 28 * kHour);
}

// Riga moves to summer time at 03:00 on the last Sunday of March
// (2025-03-30) and back at 04:00 on the last Sunday of October.
TEST(LocalTimeTest, RigaFollowsSummerTime) {
  const LocalTime riga = *LocalTime::Load("Europe/Riga");
  const int64_t march30 = kJan1st2025 + 31 + 28 + 29;
  EXPECT_EQ(riga.At(march30 - 1, 9 * 3600), (march30 - 1) * 86400 + 7 * kHour);  // UTC+2
  EXPECT_EQ(riga.At(march30 + 1, 9 * 3600), (march30 + 1) * 86400 + 6 * kHour);  // UTC+3
  // On the day itself 09:00 is summer time, and 03:30 does not exist: the change's instant.
  EXPECT_EQ(riga.At(march30, 9 * 3600), march30 * 86400 + 6 * kHour);
  EXPECT_EQ(riga.At(march30, 3 * 3600 + 1800), march30 * 86400 + 1 * kHour);
  EXPECT_EQ(riga.DayOf(march30 * 86400 + 6 * kHour), march30);
  EXPECT_EQ(riga.Next(march30 * 86400, 9 * 3600), march30 * 86400 + 6 * kHour);
  // Asked out of order, the answers do not change.
  EXPECT_EQ(riga.At(kJan1st2025, 0), kJan1st2025Utc - 2 * kHour);
  EXPECT_EQ(riga.At(march30 + 1, 9 * 3600), (march30 + 1) * 86400 + 6 * kHour);
}

TEST(LocalTimeTest, WeekdaysAndUnknownZones) {
  EXPECT_EQ(Weekday(kJan1st2025), 3);  // a Wednesday
  EXPECT_EQ(Weekday(kJan1st2025 + 4), 7);
  EXPECT_EQ(Weekday(0), 4);  // 1970-01-01 was a Thursday
  const absl::StatusOr<LocalTime> bad = LocalTime::Load("Asia/Samarkand-City");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("time zone \"Asia/Samarkand-City\" is not known"), std::string::npos);
}

}  // namespace
}  // namespace pochta::sim
