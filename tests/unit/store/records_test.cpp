#include <gtest/gtest.h>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.file("c.db");
    auto s = Store::open(o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RecordsTest, ChargingSessionsRoundTripAndFilterByStart) {
  ChargingSession a{1000, 5000, 20, 80, 45.5, 150, 90, true, 41.5, false, false};
  ChargingSession b{9000, 20000, 50, 90, 30, 7.4, 7.2, false, 25, true, true};
  ASSERT_TRUE(store_->addChargingSession(a).ok());
  ASSERT_TRUE(store_->addChargingSession(b).ok());
  ASSERT_TRUE(store_->commit().ok());
  auto all = store_->chargingSessions(0, 100000);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(all[0].dc);
  EXPECT_DOUBLE_EQ(all[0].energy_kwh, 45.5);
  EXPECT_TRUE(all[1].interrupted);
  EXPECT_TRUE(all[1].inferred);
  EXPECT_EQ(store_->chargingSessions(2000, 100000).size(), 1U);
}

TEST_F(RecordsTest, TripsKeepAnUnknownAmbientAsUnknown) {
  ASSERT_TRUE(store_->addTrip(Trip{1, 2, 12.5, 2.1, std::nullopt}).ok());
  ASSERT_TRUE(store_->addTrip(Trip{3, 4, 30, 5, -4.5}).ok());
  auto t = store_->trips(0, 10);
  ASSERT_EQ(t.size(), 2U);
  EXPECT_FALSE(t[0].ambient_c.has_value());
  EXPECT_DOUBLE_EQ(*t[1].ambient_c, -4.5);
}

TEST_F(RecordsTest, LatestReportIsTheNewest) {
  EXPECT_FALSE(store_->latestReport().has_value());
  ASSERT_TRUE(store_->addReport({0, 1, 2, 3, "{\"a\":1}"}).ok());
  auto id = store_->addReport({0, 4, 5, 6, "{\"a\":2}"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->commit().ok());
  auto r = store_->latestReport();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, *id);
  EXPECT_EQ(r->json, "{\"a\":2}");
}

TEST_F(RecordsTest, CapacityEstimatesComeBackInTimeOrder) {
  ASSERT_TRUE(store_->addCapacityEstimate({200, 73.5, 45, 20.0}).ok());
  ASSERT_TRUE(store_->addCapacityEstimate({100, 74.0, 60, std::nullopt}).ok());
  auto e = store_->capacityEstimates(0, 1000);
  ASSERT_EQ(e.size(), 2U);
  EXPECT_EQ(e[0].ts_ms, 100);
  EXPECT_DOUBLE_EQ(e[1].capacity_kwh, 73.5);
}

}  // namespace
}  // namespace crm::store
