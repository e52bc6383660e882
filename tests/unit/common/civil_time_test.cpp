#include "crm/common/civil_time.h"

#include <gtest/gtest.h>

namespace crm::civil {
namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

TEST(CivilTime, EpochMillisecondsGiveTheUtcDate) {
  EXPECT_EQ(isoDate(kT0), "2026-01-01");
  EXPECT_EQ(isoDate(kT0 - 1), "2025-12-31");
  EXPECT_EQ(isoDate(0), "1970-01-01");
}

TEST(CivilTime, OffsetMovesTheLocalDate) {
  // 20:00Z on Jan 1 is already Jan 2 in UTC+8, still Jan 1 in UTC-5.
  EXPECT_EQ(isoDate(kT0 + 20 * 3'600'000LL, 480), "2026-01-02");
  EXPECT_EQ(isoDate(kT0 + 2 * 3'600'000LL, -300), "2025-12-31");
}

TEST(CivilTime, LeapDayExists) {
  EXPECT_EQ(isoDate(*parseIsoDate("2028-02-29")), "2028-02-29");
  EXPECT_EQ(yearMonth(*parseIsoDate("2028-03-01") - 1), "2028-02");
}

TEST(CivilTime, ParseIsTheInverseOfFormat) {
  EXPECT_EQ(parseIsoDate("2026-01-01"), kT0);
  for (std::int64_t day = -1000; day < 30000; day += 37) {
    const std::int64_t ms = day * kMsPerDay;
    EXPECT_EQ(parseIsoDate(isoDate(ms)), ms) << isoDate(ms);
  }
}

TEST(CivilTime, MalformedDatesAreRefused) {
  EXPECT_FALSE(parseIsoDate("2026-1-01").has_value());
  EXPECT_FALSE(parseIsoDate("2026-13-01").has_value());
  EXPECT_FALSE(parseIsoDate("2026/01/01").has_value());
  EXPECT_FALSE(parseIsoDate("").has_value());
}

}  // namespace
TEST(CivilTime, DayNumbersCountFromTheEpoch) {
  EXPECT_EQ(dayNumber("1970-01-01"), 0);
  EXPECT_EQ(dayNumber("2026-01-01"), 20454);
  EXPECT_EQ(dayNumber("1969-12-31"), -1);
  EXPECT_FALSE(dayNumber("2026-13-01"));
}

TEST(CivilTime, AddingMonthsClampsToTheMonthsEnd) {
  EXPECT_EQ(addMonths("2024-01-31", 1), dayNumber("2024-02-29"));
  EXPECT_EQ(addMonths("2023-01-31", 1), dayNumber("2023-02-28"));
  EXPECT_EQ(addMonths("2026-03-15", -12), dayNumber("2025-03-15"));
  EXPECT_EQ(addMonths("2026-01-10", -1), dayNumber("2025-12-10"));
  EXPECT_EQ(addMonths("2025-11-30", 27), dayNumber("2028-02-29"));
  EXPECT_FALSE(addMonths("yesterday", 1));
}

}  // namespace crm::civil
