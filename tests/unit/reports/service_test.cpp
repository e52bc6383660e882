// The report's service section: maintenance due from the model's table and
// the last service per item; visit-based customer status (docs/domain-facts.md §1).
#include "crm/reports/service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crm/config/maintenance.h"
#include "crm/reports/health_report.h"
#include "crm/testing/temp_dir.h"

namespace crm::reports {
namespace {

using reports::MaintenanceItem;

const std::vector<MaintenanceItem> kSchedule = {
    {"tire_rotation", 10000, std::nullopt},
    {"cabin_filter", std::nullopt, 24},
    {"annual_inspection", 20000, 12},
};

store::ServiceRecord visit(std::string date, double km, std::vector<std::string> items = {}) {
  return {"id", std::move(date), km, std::move(items), "D1", 0};
}

const DueItem& item(const ServiceStatus& s, const std::string& name) {
  for (const auto& d : s.due) {
    if (d.item == name) return d;
  }
  throw std::runtime_error("no item " + name);
}

TEST(ServiceDue, WithoutVisitsItemsCountFromDeliveryAtZeroKm) {
  const auto s = serviceStatus(kSchedule, {}, "2025-03-01", 8500.0, "2026-02-10");
  EXPECT_DOUBLE_EQ(*item(s, "tire_rotation").due_in_km, 1500);
  EXPECT_FALSE(item(s, "tire_rotation").due_in_days.has_value());
  EXPECT_FALSE(item(s, "tire_rotation").overdue);
  // 2025-03-01 + 24 months = 2027-03-01: 384 days after 2026-02-10.
  EXPECT_EQ(*item(s, "cabin_filter").due_in_days, 384);
  EXPECT_FALSE(item(s, "cabin_filter").due_in_km.has_value());
  // 2026-03-01 is 19 days away; 20000 km is far: not overdue.
  EXPECT_EQ(*item(s, "annual_inspection").due_in_days, 19);
  EXPECT_FALSE(item(s, "annual_inspection").overdue);
  EXPECT_FALSE(s.last_visit.has_value());
  EXPECT_EQ(s.visits_12_months, 0);
}

TEST(ServiceDue, AServiceRecordResetsOnlyTheItemsItNames) {
  const auto s = serviceStatus(kSchedule, {visit("2026-01-15", 11000, {"tire_rotation"})},
                               "2024-03-01", 12500.0, "2026-02-10");
  EXPECT_DOUBLE_EQ(*item(s, "tire_rotation").due_in_km, 8500);  // 11000 + 10000 - 12500
  EXPECT_FALSE(item(s, "tire_rotation").overdue);
  // Untouched: the cabin filter still counts from delivery (2026-03-01).
  EXPECT_EQ(*item(s, "cabin_filter").due_in_days, 19);
  EXPECT_EQ(*s.last_visit, "2026-01-15");
}

TEST(ServiceDue, TheLastVisitThatDidAnItemCountsNotTheLastVisit) {
  const auto s = serviceStatus(
      kSchedule,
      {visit("2025-06-01", 5000, {"tire_rotation"}), visit("2025-12-01", 9000, {"cabin_filter"})},
      "2025-01-01", 16000.0, "2026-02-10");
  EXPECT_DOUBLE_EQ(*item(s, "tire_rotation").due_in_km, -1000);
  EXPECT_TRUE(item(s, "tire_rotation").overdue);
  // 2025-12-01 + 24 months = 2027-12-01.
  EXPECT_EQ(*item(s, "cabin_filter").due_in_days, 659);
}

TEST(ServiceDue, EitherLimitPassedMakesAnItemOverdue) {
  // The inspection: time fine (19 days), distance passed (20500 > 20000).
  const auto s = serviceStatus(kSchedule, {}, "2025-03-01", 20500.0, "2026-02-10");
  EXPECT_TRUE(item(s, "annual_inspection").overdue);
  EXPECT_EQ(*item(s, "annual_inspection").due_in_days, 19);
  // And time passed on its own.
  const auto t = serviceStatus(kSchedule, {}, "2025-01-01", 100.0, "2026-02-10");
  EXPECT_EQ(*item(t, "annual_inspection").due_in_days, -40);
  EXPECT_TRUE(item(t, "annual_inspection").overdue);
}

TEST(ServiceDue, UnknownOdometerOrDeliveryLeavesTheFigureNull) {
  const auto s = serviceStatus(kSchedule, {}, "", std::nullopt, "2026-02-10");
  EXPECT_FALSE(item(s, "tire_rotation").due_in_km.has_value());
  EXPECT_FALSE(item(s, "cabin_filter").due_in_days.has_value());
  EXPECT_FALSE(item(s, "cabin_filter").overdue);
}

TEST(ServiceDue, MonthsAreCalendarMonthsClampedToTheMonthsEnd) {
  const std::vector<MaintenanceItem> monthly = {{"annual_inspection", std::nullopt, 1}};
  // 2024-01-31 + 1 month = 2024-02-29 (leap year): due on the day itself.
  const auto s = serviceStatus(monthly, {}, "2024-01-31", std::nullopt, "2024-02-29");
  EXPECT_EQ(*item(s, "annual_inspection").due_in_days, 0);
  EXPECT_FALSE(item(s, "annual_inspection").overdue);
}

TEST(ServiceDue, VisitsAfterTheReportDayAreIgnored) {
  const auto s = serviceStatus(kSchedule, {visit("2026-03-01", 13000, {"tire_rotation"})},
                               "2025-03-01", 8500.0, "2026-02-10");
  EXPECT_DOUBLE_EQ(*item(s, "tire_rotation").due_in_km, 1500);
  EXPECT_FALSE(s.last_visit.has_value());
}

// Customer status, today 2026-06-15: 12 months ago is 2025-06-15, 3 months
// ago 2026-03-15.
constexpr char kToday[] = "2026-06-15";
constexpr char kOld[] = "2020-01-01";

TEST(CustomerStatus, ThreeVisitsInTwelveMonthsIsActive) {
  EXPECT_EQ(customerStatus({"2025-07-01", "2025-12-01", "2026-05-01"}, kOld, kToday), "active");
}

TEST(CustomerStatus, TwoVisitsIsSwing) {
  EXPECT_EQ(customerStatus({"2025-07-01", "2026-05-01"}, kOld, kToday), "swing");
}

TEST(CustomerStatus, OneVisitThreeToTwelveMonthsAgoIsDrifting) {
  EXPECT_EQ(customerStatus({"2025-07-01"}, kOld, kToday), "drifting");
  EXPECT_EQ(customerStatus({"2026-03-15"}, kOld, kToday), "drifting");  // exactly 3 months
  EXPECT_EQ(customerStatus({"2025-06-15"}, kOld, kToday), "drifting");  // exactly 12 months
}

TEST(CustomerStatus, OneVisitUnderThreeMonthsAgoIsSwingNotDrifting) {
  EXPECT_EQ(customerStatus({"2026-03-16"}, kOld, kToday), "swing");
}

TEST(CustomerStatus, NoVisitInTwelveMonthsIsLost) {
  EXPECT_EQ(customerStatus({}, kOld, kToday), "lost");
  EXPECT_EQ(customerStatus({"2025-06-14"}, kOld, kToday), "lost");  // a day too old
  EXPECT_EQ(customerStatus({"2024-01-01", "2024-05-01", "2025-01-01"}, kOld, kToday), "lost");
}

TEST(CustomerStatus, ACarUnderAYearOldWithoutVisitsIsNew) {
  EXPECT_EQ(customerStatus({}, "2025-06-16", kToday), "new");
  EXPECT_EQ(customerStatus({}, "2025-06-15", kToday), "lost");  // a year old today
  EXPECT_EQ(customerStatus({}, "", kToday), "lost");            // delivery unknown
  // Visits decide once there are any.
  EXPECT_EQ(customerStatus({"2025-10-01"}, "2025-09-01", kToday), "drifting");
}

TEST(CustomerStatus, VisitsAfterTodayDoNotCount) {
  EXPECT_EQ(customerStatus({"2026-06-16", "2026-07-01", "2026-08-01"}, kOld, kToday), "lost");
}

TEST(ServiceSection, TheReportUsesTheModelsTableAndTheStoredServiceRecords) {
  testing::TempDir dir;
  store::StoreOptions o;
  o.path = dir.file("c.db");
  auto store = std::move(store::Store::open(o)).value();
  ASSERT_TRUE(store->addServiceRecord(visit("2026-01-15", 0, {"tire_rotation"})).ok());
  ASSERT_TRUE(store->addServiceRecord(visit("2026-02-01", 0, {})).ok());
  vehicle::VehicleInfo v;
  v.model = "leaf";
  v.delivered = "2025-12-01";
  const std::int64_t end = 1770768000000;  // 2026-02-11 00:00 UTC: the period ends 02-10
  ReportContext shipped;
  shipped.maintenance = &config::builtinMaintenance();
  const auto r = buildHealthReport(*store, v, periodEnding(end, 30), shipped);
  const auto& service = r.service;
  ASSERT_EQ(service.due.size(), 5U);
  EXPECT_EQ(service.due[0].item, "tire_rotation");
  EXPECT_FALSE(service.due[0].due_in_km.has_value());  // no odometer data
  EXPECT_EQ(service.due[4].item, "annual_inspection");
  EXPECT_EQ(service.due[4].due_in_days, 294);    // 2026-12-01 from 2026-02-10
  EXPECT_EQ(service.last_visit, 1769904000000);  // 2026-02-01
  EXPECT_EQ(service.visits_12_months, 2);
  EXPECT_EQ(service.customer_status, "swing");
  // And as published: a missing figure is null, the visit an instant.
  const auto published = toJson(r)["service"];
  EXPECT_TRUE(published["due"][0]["due_in_km"].is_null());
  EXPECT_EQ(published["due"][4]["due_in_days"], 294);
  EXPECT_EQ(published["last_visit"], 1769904000000);

  // A model's own table: the Leaf's 12,000 km rotation vs the default 10,000.
  MaintenanceTable table;
  table.models["default"] = {{"tire_rotation", 10000, std::nullopt}};
  table.models["leaf"] = {{"brake_fluid", std::nullopt, 1}};
  ReportContext ctx;
  ctx.maintenance = &table;
  const auto r2 = buildHealthReport(*store, v, periodEnding(end, 30), ctx);
  ASSERT_EQ(r2.service.due.size(), 1U);
  EXPECT_EQ(r2.service.due[0].item, "brake_fluid");
  EXPECT_EQ(r2.service.due[0].due_in_days, -40);  // 2026-01-01 from 2026-02-10
  EXPECT_TRUE(r2.service.due[0].overdue);
}

}  // namespace
}  // namespace crm::reports
