// How long personal records are kept: trips, like the prompt history, 13
// months (past the longest report period, 366 days); the vehicle's
// technical records for its life.
#include <gtest/gtest.h>

#include "crm/common/civil_time.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = civil::kMsPerDay;

TEST(PersonalRetention, TripsOlderThanThirteenMonthsGoAndTechnicalRecordsStay) {
  testing::TempDir dir;
  StoreOptions o;
  o.path = dir.file("c.db");
  o.full_sync = false;
  auto store = std::move(Store::open(o)).value();
  ASSERT_TRUE(store->addTrip({kT0, kT0 + 60'000, 10.5, 1.5, std::nullopt}).ok());
  ASSERT_TRUE(store->addTrip({kT0 + 40 * kDay, kT0 + 40 * kDay + 60'000, 7.5, 1.1, 3.0}).ok());
  ASSERT_TRUE(store->addCapacityEstimate({kT0, 72.5, 55, 20}).ok());
  ASSERT_TRUE(
      store->addChargingSession({kT0, kT0 + 1000, 20, 80, 45, 11, 10, false, 30, false, false})
          .ok());
  ASSERT_TRUE(store->commit().ok());

  // 400 days on: retention runs with the first sample of the new day.
  ASSERT_TRUE(store->addSample({kT0 + 400 * kDay, vehicle::sig::kSoh, 95.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());

  const auto trips = store->trips(0, kT0 + 500 * kDay);
  ASSERT_EQ(trips.size(), 1U);
  EXPECT_EQ(trips[0].start_ms, kT0 + 40 * kDay);  // 360 days old: within 396
  EXPECT_EQ(store->capacityEstimates(0, kT0 + 500 * kDay).size(), 1U);
  EXPECT_EQ(store->chargingSessions(0, kT0 + 500 * kDay).size(), 1U);
}

}  // namespace
}  // namespace crm::store
