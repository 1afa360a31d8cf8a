#include "idguard/core/time.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

TEST(TimeTest, ParsesIsoWithSevenFractionalDigits) {
  auto t = ParseTimestamp("2019-11-05T00:00:01.3619558Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTimestamp(*t), "2019-11-05T00:00:01.361955Z");
}

TEST(TimeTest, ParsesOneDigitHourAndOffset) {
  auto t = ParseTimestamp("2022-09-09T8:48:50.361Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTimestamp(*t), "2022-09-09T08:48:50.361Z");
  auto offset = ParseTimestamp("2022-09-09T10:48:50+02:00");
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(FormatTimestamp(*offset), "2022-09-09T08:48:50Z");
}

TEST(TimeTest, ParsesUsPortalFormats) {
  auto pm = ParseTimestamp("4/28/2021, 2:08:45.221 PM");
  ASSERT_TRUE(pm.has_value());
  EXPECT_EQ(FormatTimestamp(*pm), "2021-04-28T14:08:45.221Z");
  auto noon = ParseTimestamp("8/22/2022 12:07:16 PM");
  ASSERT_TRUE(noon.has_value());
  EXPECT_EQ(FormatTimestamp(*noon), "2022-08-22T12:07:16Z");
  auto midnight = ParseTimestamp("8/22/2022 12:07:16 AM");
  ASSERT_TRUE(midnight.has_value());
  EXPECT_EQ(FormatTimestamp(*midnight), "2022-08-22T00:07:16Z");
}

TEST(TimeTest, RejectsGarbage) {
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2021-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2021-01-01T00:00:00Zjunk").has_value());
  EXPECT_FALSE(ParseTimestamp("13/28/2021, 2:08:45 PM").has_value());
}

TEST(TimeTest, EpochRoundTrip) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(*ParseTimestamp("1970-01-02T00:00:00Z"), kMicrosPerDay);
}

TEST(TimeTest, CivilFromDaysInvertsDaysFromCivil) {
  for (std::int64_t days : {-719468LL, -1LL, 0LL, 59LL, 11016LL, 20727LL, 2932896LL}) {
    const CivilDate date = CivilFromDays(days);
    EXPECT_EQ(DaysFromCivil(date.year, date.month, date.day), days) << days;
  }
  const CivilDate leap = CivilFromDays(DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2U);
  EXPECT_EQ(leap.day, 29U);
}

}  // namespace
}  // namespace idguard
