// MQTT 5's message-expiry-interval from a kind's time to live.
#include "crm/sync/message_expiry.h"

#include <gtest/gtest.h>

namespace crm::sync {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kCreated = 1'700'000'000'000;

TEST(MessageExpiry, AFreshMessageHasItsWholeTimeToLive) {
  EXPECT_EQ(messageExpirySeconds(kCreated, 24, kCreated), 24 * 3600);
}

TEST(MessageExpiry, TimeSpentWaitingInTheCarCountsAgainstIt) {
  EXPECT_EQ(messageExpirySeconds(kCreated, 24, kCreated + 10 * kHourMs), 14 * 3600);
}

TEST(MessageExpiry, APartSecondLeftRoundsUp) {
  EXPECT_EQ(messageExpirySeconds(kCreated, 1, kCreated + kHourMs - 1), 1);
  EXPECT_EQ(messageExpirySeconds(kCreated, 1, kCreated + kHourMs - 1001), 2);
}

TEST(MessageExpiry, AnExpiredMessageStillGetsOneSecond) {
  EXPECT_EQ(messageExpirySeconds(kCreated, 1, kCreated + kHourMs), 1);
  EXPECT_EQ(messageExpirySeconds(kCreated, 1, kCreated + 100 * kHourMs), 1);
}

TEST(MessageExpiry, NoTimeToLiveMeansNoProperty) {
  EXPECT_EQ(messageExpirySeconds(kCreated, 0, kCreated), 0);
}

TEST(MessageExpiry, AMessageStampedAheadOfTheCarsNowGetsNoMoreThanItsWholeTimeToLive) {
  // A daily message is stamped with its day's last ms; a clock set back
  // puts any message ahead. Neither lives longer than its kind allows.
  EXPECT_EQ(messageExpirySeconds(kCreated + 1000LL * 365 * 24 * kHourMs, 1, kCreated), 3600);
  EXPECT_EQ(messageExpirySeconds(kCreated + kHourMs, 1, kCreated), 3600);
  EXPECT_EQ(messageExpirySeconds(kCreated + 12 * kHourMs, 90 * 24, kCreated), 90 * 24 * 3600);
}

}  // namespace
}  // namespace crm::sync
