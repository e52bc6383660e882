// Local time from IANA zones and fixed offsets, and the delivery policy's
// two pure rules: quiet hours and who may be shown when.
#include <gtest/gtest.h>

#include "crm/engagement/policy.h"

namespace crm::engagement {
namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kMar29 = 1774742400000;  // 2026-03-29 00:00 UTC
constexpr std::int64_t kOct25 = 1792886400000;  // 2026-10-25 00:00 UTC

LocalTime zone(const std::string& name, int offset = 0) {
  auto local = LocalTime::make(name, offset);
  EXPECT_TRUE(local.ok()) << local.error().message;
  return local.ok() ? *local : LocalTime::make("", 0).value();
}

TEST(LocalTime, BerlinIsOneHourAheadInWinterAndTwoInSummer) {
  const auto berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offsetMinutes(kMar29), 60);
  EXPECT_EQ(berlin.offsetMinutes(kMar29 + kHour), 120);                // 01:00 UTC: 03:00 CEST
  EXPECT_EQ(berlin.minuteOfDay(kMar29 + kHour - 60'000), 2 * 60 - 1);  // 01:59 CET
  EXPECT_EQ(berlin.minuteOfDay(kMar29 + kHour), 3 * 60);
  EXPECT_EQ(berlin.offsetMinutes(kOct25 + kHour - 1), 120);
  EXPECT_EQ(berlin.offsetMinutes(kOct25 + kHour), 60);
}

TEST(LocalTime, SummerTimeDaysAre23And25HoursLong) {
  const auto berlin = zone("Europe/Berlin");
  const std::int64_t start = berlin.dayStart(kMar29 + 12 * kHour);
  EXPECT_EQ(start, kMar29 - kHour);                                     // 00:00 CET
  EXPECT_EQ(berlin.dayStart(kMar29 + 23 * kHour) - start, 23 * kHour);  // next day
  const std::int64_t autumn = berlin.dayStart(kOct25 + 12 * kHour);
  EXPECT_EQ(autumn, kOct25 - 2 * kHour);  // 00:00 CEST
  EXPECT_EQ(berlin.dayStart(kOct25 + 23 * kHour + 1) - autumn, 25 * kHour);
  EXPECT_EQ(berlin.date(kMar29 - kHour), "2026-03-29");
  EXPECT_EQ(berlin.date(kMar29 - kHour - 1), "2026-03-28");
}

TEST(LocalTime, ShanghaiIsEightHoursAheadAllYear) {
  const auto shanghai = zone("Asia/Shanghai");
  EXPECT_EQ(shanghai.offsetMinutes(kMar29), 480);
  EXPECT_EQ(shanghai.offsetMinutes(kOct25 - 90 * 24 * kHour), 480);
  EXPECT_EQ(shanghai.dayStart(kMar29), kMar29 - 8 * kHour);
  EXPECT_EQ(shanghai.date(kMar29 + 16 * kHour), "2026-03-30");
  EXPECT_EQ(shanghai.minuteOfDay(kMar29 - 60'000), 8 * 60 - 1);
}

TEST(LocalTime, WithoutAZoneAFixedOffsetIsUsed) {
  const auto fixed = zone("", -300);
  EXPECT_EQ(fixed.offsetMinutes(kMar29), -300);
  EXPECT_EQ(fixed.dayStart(kMar29), kMar29 - 19 * kHour);
  EXPECT_EQ(fixed.minuteOfDay(kMar29), 19 * 60);
  EXPECT_EQ(fixed.date(kMar29), "2026-03-28");
}

TEST(LocalTime, AnUnknownZoneIsAnErrorNamingIt) {
  auto local = LocalTime::make("Europe/Atlantis", 0);
  ASSERT_FALSE(local.ok());
  EXPECT_EQ(local.error().code, SettingsError::kInvalid);
  EXPECT_NE(local.error().message.find("\"Europe/Atlantis\""), std::string::npos);
}

TEST(QuietHours, AcrossMidnightFromStartToEndExclusive) {
  EngagementSettings s;  // 22:00-07:00
  const auto utc = zone("");
  EXPECT_FALSE(inQuietHours(s, utc, kMar29 - 2 * kHour - 1));  // 21:59:59.999
  EXPECT_TRUE(inQuietHours(s, utc, kMar29 - 2 * kHour));       // 22:00
  EXPECT_TRUE(inQuietHours(s, utc, kMar29 + 7 * kHour - 1));
  EXPECT_FALSE(inQuietHours(s, utc, kMar29 + 7 * kHour));  // 07:00
}

TEST(QuietHours, WithinADayAndNone) {
  EngagementSettings s;
  s.quiet_start_minute = 13 * 60;
  s.quiet_end_minute = 14 * 60;
  const auto utc = zone("");
  EXPECT_TRUE(inQuietHours(s, utc, kMar29 + 13 * kHour + 30 * 60'000));
  EXPECT_FALSE(inQuietHours(s, utc, kMar29 + 23 * kHour));
  s.quiet_end_minute = s.quiet_start_minute;
  for (int h = 0; h < 24; ++h) EXPECT_FALSE(inQuietHours(s, utc, kMar29 + h * kHour)) << h;
}

TEST(MayShow, CriticalAlwaysWarningWhenParkedTheRestWhenParkedOutsideQuietHours) {
  for (bool moving : {false, true}) {
    for (bool quiet : {false, true}) {
      EXPECT_TRUE(mayShow(Severity::kCritical, moving, quiet));
      EXPECT_EQ(mayShow(Severity::kWarning, moving, quiet), !moving);
      EXPECT_EQ(mayShow(Severity::kAdvisory, moving, quiet), !moving && !quiet);
      EXPECT_EQ(mayShow(Severity::kInfo, moving, quiet), !moving && !quiet);
    }
  }
}

}  // namespace
}  // namespace crm::engagement
