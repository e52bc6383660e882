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

TEST(MessageExpiry, AClockBehindTheMessageIsCappedAtThePropertysRange) {
  // A message stamped in the future (a clock set back) never exceeds 2^32 - 1.
  EXPECT_EQ(messageExpirySeconds(kCreated + 1000LL * 365 * 24 * kHourMs, 1, kCreated),
            0xFFFFFFFFLL);
  EXPECT_EQ(messageExpirySeconds(kCreated + kHourMs, 1, kCreated), 7200);
}

}  // namespace
}  // namespace crm::sync
