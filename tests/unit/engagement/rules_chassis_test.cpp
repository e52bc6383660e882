// The 12 V battery, tyre, brake and fault-code rules: live facts over the
// report, severity edges, hysteresis.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules_scenarios.h"

namespace crm::engagement::testing {
namespace {

Scenario withLiveTyre(std::size_t i, double kpa) {
  Scenario s = healthyCar();
  s.with_live = true;
  s.live.tyre_kpa[i] = kpa;
  return s;
}

TEST(ChassisRulesTest, ATyreTwentyPercentBelowPlacardIsAWarningWithItsFigures) {
  const auto c = of(withLiveTyre(0, 210), "tyres.pressure_low");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).subject, "front_left");
  EXPECT_EQ(c.at(0).severity, Severity::kWarning);
  EXPECT_EQ(c.at(0).title.en, "Front left tyre pressure low");
  EXPECT_EQ(c.at(0).message.en,
            "Front left tyre 210 kPa, 28 % below 290 kPa. Inflate it or book a check.");
  EXPECT_EQ(c.at(0).message.zh, "左前轮胎压210 kPa，比标准值290 kPa低28 %。请充气或预约检查。");
  const auto d = nlohmann::json::parse(c.at(0).detail_json);
  EXPECT_DOUBLE_EQ(d["pressure_kpa"].get<double>(), 210);
  EXPECT_DOUBLE_EQ(d["placard_kpa"].get<double>(), 290);
  EXPECT_DOUBLE_EQ(d["percent_below"].get<double>(), 27.6);
}

TEST(ChassisRulesTest, ATyreFarBelowPlacardIsCritical) {
  EXPECT_EQ(of(withLiveTyre(2, 290 * 0.64), "tyres.pressure_low").at(0).severity,
            Severity::kCritical);
  EXPECT_EQ(of(withLiveTyre(2, 290 * 0.64), "tyres.pressure_low").at(0).title.zh,
            "左后轮胎压严重不足");
  EXPECT_EQ(of(withLiveTyre(2, 290 * 0.70), "tyres.pressure_low").at(0).severity,
            Severity::kWarning);
}

TEST(ChassisRulesTest, TyrePressureHoldsWhileOpenUntilBackWithinFifteenPercent) {
  Scenario s = withLiveTyre(1, 240);  // 17.2 % below
  EXPECT_TRUE(of(s, "tyres.pressure_low").empty());
  s.open.insert({"tyres.pressure_low", "front_right"});
  EXPECT_EQ(of(s, "tyres.pressure_low").size(), 1u);
  s.live.tyre_kpa[1] = 246.6;  // 14.97 % below
  EXPECT_TRUE(of(s, "tyres.pressure_low").empty());
  // Another position's open prompt does not hold this one.
  s.live.tyre_kpa[1] = 240;
  s.open = {{"tyres.pressure_low", "front_left"}};
  EXPECT_TRUE(of(s, "tyres.pressure_low").empty());
}

TEST(ChassisRulesTest, TyresFallBackToTheReportWithoutLiveValues) {
  Scenario s = healthyCar();
  s.period.report.tyres.positions[1].pressure_kpa = 220;
  EXPECT_EQ(of(s, "tyres.pressure_low").size(), 1u);
  // A live value replaces the report's.
  s.with_live = true;
  s.live.tyre_kpa[1] = 285;
  EXPECT_TRUE(of(s, "tyres.pressure_low").empty());
}

TEST(ChassisRulesTest, ALowTyreGetsOnePromptNotAlsoASlowLeak) {
  Scenario s = healthyCar();
  s.period.report.tyres.positions[3].status = "slow_leak";
  s.period.report.tyres.positions[3].pressure_kpa = 265;
  EXPECT_EQ(of(s, "tyres.slow_leak").size(), 1u);
  s.with_live = true;
  s.live.tyre_kpa[3] = 200;
  EXPECT_TRUE(of(s, "tyres.slow_leak").empty());
  EXPECT_EQ(of(s, "tyres.pressure_low").size(), 1u);
}

TEST(ChassisRulesTest, SlowLeakWordsNameThePositionAndPressure) {
  Scenario s = healthyCar();
  s.period.report.tyres.positions[0].status = "slow_leak";
  s.period.report.tyres.positions[0].pressure_kpa = 262;
  const auto c = of(s, "tyres.slow_leak");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).title.en, "Front left tyre losing air");
  EXPECT_EQ(c.at(0).title.zh, "左前轮胎压持续下降");
  EXPECT_NE(c.at(0).message.en.find("262 kPa"), std::string::npos);
}

TEST(ChassisRulesTest, WithoutAPlacardTyreRulesStayQuiet) {
  Scenario s = withLiveTyre(0, 100);
  s.with_vehicle = false;
  EXPECT_TRUE(of(s, "tyres.pressure_low").empty());
}

TEST(ChassisRulesTest, BrakeFluidBelowFiftyIsCriticalAndHoldsUntilFiftyFive) {
  Scenario s = healthyCar();
  s.with_live = true;
  s.live.brake_fluid_percent = 50;
  EXPECT_TRUE(of(s, "brakes.fluid_low").empty());
  s.live.brake_fluid_percent = 49.5;
  ASSERT_EQ(of(s, "brakes.fluid_low").size(), 1u);
  EXPECT_EQ(of(s, "brakes.fluid_low").at(0).severity, Severity::kCritical);
  s.open.insert({"brakes.fluid_low", ""});
  s.live.brake_fluid_percent = 54;
  EXPECT_EQ(of(s, "brakes.fluid_low").size(), 1u);
  s.live.brake_fluid_percent = 55;
  EXPECT_TRUE(of(s, "brakes.fluid_low").empty());
}

TEST(ChassisRulesTest, BrakeFluidFallsBackToThePeriodLowest) {
  Scenario s = healthyCar();
  s.period.report.brakes.fluid_level_percent_min = 45;
  EXPECT_EQ(of(s, "brakes.fluid_low").size(), 1u);
  s.with_live = true;  // live facts without a fluid reading yet
  EXPECT_EQ(of(s, "brakes.fluid_low").size(), 1u);
  s.live.brake_fluid_percent = 90;
  EXPECT_TRUE(of(s, "brakes.fluid_low").empty());
}

TEST(ChassisRulesTest, PadsWornAtEightyPercentOrNearTheLimit) {
  Scenario s = healthyCar();
  s.period.report.brakes.pad_wear_percent_max = 79;
  s.period.report.brakes.km_to_pad_limit = 2001;
  EXPECT_TRUE(of(s, "brakes.pads_worn").empty());
  s.period.report.brakes.km_to_pad_limit = 2000;
  auto c = of(s, "brakes.pads_worn");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).message.en,
            "Front left brake pad is 79 % worn, about 2000 km from its limit. Book a check.");
  s.period.report.brakes.pad_wear_percent_max = 80;
  s.period.report.brakes.km_to_pad_limit.reset();
  c = of(s, "brakes.pads_worn");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).message.zh, "左前刹车片已磨损80 %。请预约更换。");
}

TEST(ChassisRulesTest, LowVoltageWeakIsAdvisoryCheckNowIsWarningWithHysteresis) {
  Scenario s = healthyCar();
  auto& v = s.period.report.low_voltage_battery.min_rest_voltage_v;
  v = 12.2;
  EXPECT_TRUE(of(s, "lv_battery.weak").empty());
  v = 12.15;
  EXPECT_EQ(of(s, "lv_battery.weak").at(0).severity, Severity::kAdvisory);
  EXPECT_EQ(of(s, "lv_battery.weak").at(0).message.en,
            "The 12 V battery rested at 12.15 V (healthy: 12.2 V or more). Book a check.");
  v = 11.79;
  EXPECT_EQ(of(s, "lv_battery.weak").at(0).severity, Severity::kWarning);
  v = 12.25;
  s.open.insert({"lv_battery.weak", ""});
  EXPECT_EQ(of(s, "lv_battery.weak").size(), 1u);
  v = 12.31;
  EXPECT_TRUE(of(s, "lv_battery.weak").empty());
}

TEST(ChassisRulesTest, FaultCodeSeverities) {
  Scenario s = healthyCar();
  s.with_live = true;
  s.live.dtcs_seen = true;
  s.live.active_dtcs = {"B1234", "P0A7F", "P0A80", "P0AA6"};
  const auto c = of(s, "dtc.active");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.at(0).severity, Severity::kAdvisory);
  EXPECT_EQ(c[1].severity, Severity::kWarning);
  EXPECT_EQ(c[2].severity, Severity::kWarning);
  EXPECT_EQ(c[3].severity, Severity::kCritical);
  EXPECT_EQ(c[3].subject, "P0AA6");
  EXPECT_EQ(c[3].title.zh, "高压绝缘故障P0AA6");
  for (const auto& x : c) EXPECT_TRUE(x.booking);
}

TEST(ChassisRulesTest, LiveFaultCodesReplaceTheReportsOnceSeen) {
  Scenario s = healthyCar();
  s.period.report.faults.push_back({"P0A80", kNow - kDay, kNow, true});
  s.period.report.faults.push_back({"C0001", kNow - 9 * kDay, kNow - 8 * kDay, false});
  auto c = of(s, "dtc.active");
  ASSERT_EQ(c.size(), 1u);  // the inactive one is not a prompt
  EXPECT_EQ(c.at(0).subject, "P0A80");
  s.with_live = true;  // live, but no DTCList yet: the report still speaks
  EXPECT_EQ(of(s, "dtc.active").size(), 1u);
  s.live.dtcs_seen = true;  // the car says: none active now
  EXPECT_TRUE(of(s, "dtc.active").empty());
}

}  // namespace
}  // namespace crm::engagement::testing
