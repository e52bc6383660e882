#include "crm/sync/backoff.h"

#include <gtest/gtest.h>

namespace crm::sync {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, FirstRetryWaitsBetweenHalfAndTheMinimum) {
  EXPECT_EQ(backoffDelay(0, milliseconds(1000), milliseconds(60000), 0.0), milliseconds(500));
  EXPECT_EQ(backoffDelay(0, milliseconds(1000), milliseconds(60000), 0.999), milliseconds(999));
}

TEST(Backoff, DelayDoublesPerAttempt) {
  EXPECT_EQ(backoffDelay(3, milliseconds(1000), milliseconds(60000), 0.0), milliseconds(4000));
}

TEST(Backoff, DelayIsCappedAtTheMaximum) {
  EXPECT_EQ(backoffDelay(40, milliseconds(1000), milliseconds(60000), 1.0), milliseconds(60000));
  EXPECT_EQ(backoffDelay(1000, milliseconds(1000), milliseconds(60000), 0.0), milliseconds(30000));
}

TEST(Backoff, JitterSpreadsAFleetOverTheWindow) {
  const auto a = backoffDelay(5, milliseconds(1000), milliseconds(60000), 0.1);
  const auto b = backoffDelay(5, milliseconds(1000), milliseconds(60000), 0.9);
  EXPECT_LT(a, b);
}

}  // namespace
}  // namespace crm::sync
