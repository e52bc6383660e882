// Service records, command ids and units (savepoints) in the store.
#include <gtest/gtest.h>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

class ServiceRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.file("c.db");
    store_ = std::move(Store::open(o)).value();
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ServiceRecordsTest, RecordsComeBackOldestVisitFirstWithTheirItems) {
  ASSERT_TRUE(store_->addServiceRecord({"b", "2026-03-01", 2000, {"cabin_filter"}, "D2", 9}).ok());
  ASSERT_TRUE(
      store_->addServiceRecord({"a", "2025-12-24", 1000, {"tire_rotation", "brake_fluid"}, "D1", 8})
          .ok());
  ASSERT_TRUE(store_->addServiceRecord({"c", "2026-04-01", 3000, {}, "D1", 10}).ok());
  ASSERT_TRUE(store_->commit().ok());
  const auto r = store_->serviceRecords();
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(r[0].command_id, "a");
  EXPECT_EQ(r[0].items, (std::vector<std::string>{"tire_rotation", "brake_fluid"}));
  EXPECT_EQ(r[1].visit_date, "2026-03-01");
  EXPECT_TRUE(r[2].items.empty());
}

TEST_F(ServiceRecordsTest, AnUndoneUnitLeavesTheRestOfTheBatch) {
  ASSERT_TRUE(store_->addTrip({1, 2, 3, 4, std::nullopt}).ok());
  ASSERT_TRUE(store_->beginUnit().ok());
  ASSERT_TRUE(store_->addServiceRecord({"x", "2026-01-01", 1, {}, "D", 1}).ok());
  ASSERT_TRUE(store_->markCommandSeen("x", "service-record", 1).ok());
  auto m = store_->enqueue(wire::Kind::kCmdResult, "VIN", 1, "{}");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(store_->endUnit(false).ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_EQ(store_->trips(0, 10).size(), 1U);
  EXPECT_TRUE(store_->serviceRecords().empty());
  EXPECT_FALSE(store_->commandSeen("x").value());
  EXPECT_TRUE(store_->pendingOutbox(0, 10).value().empty());
  // The seq taken inside the undone unit is never handed out again.
  auto next = store_->enqueue(wire::Kind::kCmdResult, "VIN", 2, "{}");
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->seq, m->seq);
}

TEST_F(ServiceRecordsTest, AKeptUnitCommitsWithTheBatch) {
  ASSERT_TRUE(store_->beginUnit().ok());
  ASSERT_TRUE(store_->markCommandSeen("y", "report-request", 1).ok());
  ASSERT_TRUE(store_->endUnit(true).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->commandSeen("y").value());
  EXPECT_FALSE(store_->commandSeen("z").value());
}

TEST_F(ServiceRecordsTest, OnRequestReportsAreNotThePeriodicOnes) {
  ASSERT_TRUE(store_->addReport({0, 1, 2, 3, "{}", false}).ok());
  ASSERT_TRUE(store_->addReport({0, 4, 5, 6, "{}", true}).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->latestReport()->on_request);
  EXPECT_EQ(store_->latestPeriodicReport()->period_to, 2);
}

}  // namespace
}  // namespace crm::store
