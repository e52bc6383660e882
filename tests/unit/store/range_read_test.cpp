// Range reads the reports use to stay cheap on a long history: one signal's
// daily roll-ups over a range, the first day of the history, and the first
// raw sample of a period.
#include <gtest/gtest.h>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = 86'400'000;

std::unique_ptr<Store> openStore(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

// One odometer reading at noon of each of `days` days, and a speed reading
// on the first day only.
void fill(Store& store, int days) {
  for (int d = 0; d < days; ++d) {
    const std::int64_t noon = kT0 + d * kDay + kDay / 2;
    ASSERT_TRUE(store.addSample({noon, sig::kTraveledDistance, 1000.0 * (d + 1), 0}).ok());
    if (d == 0) {
      ASSERT_TRUE(store.addSample({noon, sig::kSpeed, 50.0, 0}).ok());
    }
  }
}

TEST(RangeRead, DailyRollupsOfOneSignalComeOldestFirstWithinTheRange) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  fill(*store, 10);
  ASSERT_TRUE(store->commit().ok());
  const auto rs = store->dailyRollups(sig::kTraveledDistance, kT0 + 2 * kDay, kT0 + 5 * kDay);
  ASSERT_EQ(rs.size(), 3U);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].signal, sig::kTraveledDistance);
    EXPECT_EQ(rs[i].bucket_ms, kT0 + static_cast<std::int64_t>(i + 2) * kDay);
    EXPECT_DOUBLE_EQ(rs[i].last, 1000.0 * static_cast<double>(i + 3));
  }
  EXPECT_TRUE(store->dailyRollups(sig::kSpeed, kT0 + kDay, kT0 + 10 * kDay).empty());
}

TEST(RangeRead, TheStagedDayIsIncludedOnceAndFresh) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  fill(*store, 3);
  ASSERT_TRUE(store->commit().ok());
  // A later reading of the last day, not committed yet.
  ASSERT_TRUE(store->addSample({kT0 + 3 * kDay - 1000, sig::kTraveledDistance, 3500.0, 0}).ok());
  const auto rs = store->dailyRollups(sig::kTraveledDistance, kT0, kT0 + 3 * kDay);
  ASSERT_EQ(rs.size(), 3U);
  EXPECT_EQ(rs.back().bucket_ms, kT0 + 2 * kDay);
  EXPECT_DOUBLE_EQ(rs.back().last, 3500.0);
  EXPECT_EQ(rs.back().count, 2);
}

TEST(RangeRead, FirstDayIsWhereTheHistoryBegins) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  EXPECT_FALSE(store->firstDay().has_value());
  ASSERT_TRUE(store->addSample({kT0 + 5 * kDay + 10, sig::kSpeed, 1.0, 0}).ok());
  // Staged only: still the history's first day.
  ASSERT_TRUE(store->firstDay().has_value());
  EXPECT_EQ(*store->firstDay(), kT0 + 5 * kDay);
  ASSERT_TRUE(store->commit().ok());
  ASSERT_TRUE(store->addSample({kT0 + 6 * kDay, sig::kTraveledDistance, 1.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(*store->firstDay(), kT0 + 5 * kDay);
}

TEST(RangeRead, FirstSampleIsTheOldestInsideThePeriod) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  fill(*store, 5);
  ASSERT_TRUE(store->commit().ok());
  const auto s = store->firstSample(sig::kTraveledDistance, kT0 + kDay, kT0 + 5 * kDay);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ts_ms, kT0 + kDay + kDay / 2);
  EXPECT_DOUBLE_EQ(s->number, 2000.0);
  EXPECT_FALSE(store->firstSample(sig::kTraveledDistance, kT0 + 5 * kDay, kT0 + 9 * kDay));
}

}  // namespace
}  // namespace crm::store
