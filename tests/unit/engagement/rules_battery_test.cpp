// The battery rules: severity edges, hysteresis, LFP exceptions.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules_scenarios.h"

namespace crm::engagement::testing {
namespace {

TEST(BatteryRulesTest, SohBelowWatchIsAdvisoryBelowLowIsWarning) {
  Scenario s = healthyCar();
  s.period.report.battery.soh.value = 84.9;
  ASSERT_EQ(of(s, "battery.soh_low").size(), 1u);
  EXPECT_EQ(of(s, "battery.soh_low").at(0).severity, Severity::kAdvisory);
  s.period.report.battery.soh.value = 79.9;
  EXPECT_EQ(of(s, "battery.soh_low").at(0).severity, Severity::kWarning);
  EXPECT_EQ(
      of(s, "battery.soh_low").at(0).message.en,
      "Battery health is 79.9 %, below 80 %. A check shows what the pack needs. Book a check.");
  s.period.report.battery.soh.value = 85;
  EXPECT_TRUE(of(s, "battery.soh_low").empty());
}

TEST(BatteryRulesTest, AnOpenSohPromptHoldsUntilOnePointAboveTheEdge) {
  Scenario s = healthyCar();
  s.period.report.battery.soh.value = 85.6;
  EXPECT_TRUE(of(s, "battery.soh_low").empty());
  s.open.insert({"battery.soh_low", ""});
  EXPECT_EQ(of(s, "battery.soh_low").size(), 1u);
  s.period.report.battery.soh.value = 86.0;
  EXPECT_TRUE(of(s, "battery.soh_low").empty());
}

TEST(BatteryRulesTest, DcShareAboveAdvisoryIsAdvisoryAboveWarningIsWarning) {
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 0.12;  // at the edge: not above
  EXPECT_TRUE(of(s, "battery.dc_fast_share").empty());
  s.period.report.charging.dc_energy_share = 0.121;
  EXPECT_EQ(of(s, "battery.dc_fast_share").at(0).severity, Severity::kAdvisory);
  s.period.report.charging.dc_energy_share = 0.40;
  EXPECT_EQ(of(s, "battery.dc_fast_share").at(0).severity, Severity::kAdvisory);
  s.period.report.charging.dc_energy_share = 0.41;
  const auto c = of(s, "battery.dc_fast_share");
  EXPECT_EQ(c.at(0).severity, Severity::kWarning);
  EXPECT_EQ(c.at(0).title.en, "Fast charging 41 % of energy");
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(c.at(0).detail_json)["dc_share"].get<double>(), 0.41);
}

TEST(BatteryRulesTest, DcShareFollowsConfiguredThresholds) {
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 0.2;
  EngagementSettings settings;
  settings.thresholds.dc_share_advisory = 0.25;
  EXPECT_TRUE(conditionsOf(s.evaluate(Tier::kBasic, settings), "battery.dc_fast_share").empty());
  settings.thresholds.dc_share_advisory = 0.1;
  settings.thresholds.dc_share_warning = 0.15;
  EXPECT_EQ(
      conditionsOf(s.evaluate(Tier::kBasic, settings), "battery.dc_fast_share").at(0).severity,
      Severity::kWarning);
}

TEST(BatteryRulesTest, DcShareHoldsWhileOpenDownToTwoPointsBelowTheEdge) {
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 0.11;
  EXPECT_TRUE(of(s, "battery.dc_fast_share").empty());
  s.open.insert({"battery.dc_fast_share", ""});
  EXPECT_EQ(of(s, "battery.dc_fast_share").size(), 1u);
  s.period.report.charging.dc_energy_share = 0.095;
  EXPECT_TRUE(of(s, "battery.dc_fast_share").empty());
}

TEST(BatteryRulesTest, DcShareOverTooFewSessionsSaysNothing) {
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 1.0;
  s.period.report.charging.sessions = 4;
  EXPECT_TRUE(of(s, "battery.dc_fast_share").empty());
}

// One early fast charge on a trip is not a habit: it takes two DC sessions.
TEST(BatteryRulesTest, DcShareFromASingleDcSessionSaysNothing) {
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 0.55;
  s.period.report.charging.dc_sessions = 1;
  EXPECT_TRUE(of(s, "battery.dc_fast_share").empty());
  s.period.report.charging.dc_sessions = 2;
  EXPECT_EQ(of(s, "battery.dc_fast_share").size(), 1U);
}

TEST(BatteryRulesTest, HighSocDwellByStretchOrByShare) {
  Scenario s = healthyCar();
  s.period.longest_high_soc_stretch_hours = 8;  // not more than 8 h
  EXPECT_TRUE(of(s, "battery.high_soc_dwell").empty());
  s.period.longest_high_soc_stretch_hours = 14;
  auto c = of(s, "battery.high_soc_dwell");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c.at(0).message.en.find("14 h at a stretch"), std::string::npos);
  s.period.longest_high_soc_stretch_hours = 3;
  s.period.high_soc_parked_share = 0.42;
  c = of(s, "battery.high_soc_dwell");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c.at(0).message.en.find("42 % of parked time"), std::string::npos);
  EXPECT_NE(c.at(0).message.zh.find("42 %"), std::string::npos);
}

TEST(BatteryRulesTest, HighSocShareHoldsWhileOpenDownToFivePointsBelow) {
  Scenario s = healthyCar();
  s.period.high_soc_parked_share = 0.27;
  EXPECT_TRUE(of(s, "battery.high_soc_dwell").empty());
  s.open.insert({"battery.high_soc_dwell", ""});
  EXPECT_EQ(of(s, "battery.high_soc_dwell").size(), 1u);
  s.period.high_soc_parked_share = 0.24;
  EXPECT_TRUE(of(s, "battery.high_soc_dwell").empty());
}

TEST(BatteryRulesTest, LfpNeverGetsHighSocDwellButGetsItsFullCharge) {
  Scenario s = healthyCar();
  s.vehicle.chemistry = "LFP";
  s.period.longest_high_soc_stretch_hours = 40;
  s.period.high_soc_parked_share = 0.9;
  s.period.days_since_full_charge = 6.9;
  EXPECT_TRUE(s.evaluate().empty());
  s.period.days_since_full_charge = 7;
  const auto c = of(s, "battery.lfp_full_charge_due");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).message.en,
            "No full charge in 7 days. A charge to 100 % every 7 days keeps the LFP battery's "
            "range reading accurate.");
  EXPECT_EQ(s.evaluate().size(), 1u);
}

// The day's figure ages with the clock: 5.5 days at the day's close are
// 7.5 two days later, without waiting for new facts.
TEST(BatteryRulesTest, TheLfpFiguresAgeWithTheClock) {
  Scenario s = healthyCar();
  s.vehicle.chemistry = "LFP";
  s.period.built_ms = s.now - 2 * 86'400'000;
  s.period.days_since_full_charge = 5.5;
  const auto c = of(s, "battery.lfp_full_charge_due");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).detail_json.find("\"days\":7.5") != std::string::npos, true)
      << c.at(0).detail_json;
}

// A full charge seen live ends the reminder at once, though the day's facts
// still say 9 days.
TEST(BatteryRulesTest, AFullChargeSeenLiveEndsTheLfpReminderAtOnce) {
  Scenario s = healthyCar();
  s.vehicle.chemistry = "LFP";
  s.period.built_ms = s.now;
  s.period.days_since_full_charge = 9;
  ASSERT_EQ(of(s, "battery.lfp_full_charge_due").size(), 1u);
  s.with_live = true;
  s.live.last_full_ms = s.now - 3'600'000;
  EXPECT_TRUE(of(s, "battery.lfp_full_charge_due").empty());
}

// The first year's 2-3 % is how batteries start, not a habit: a car younger
// than a year hears nothing of its rate, however high.
TEST(BatteryRulesTest, DegradationWaitsForTheCarsFirstBirthday) {
  Scenario s = healthyCar();
  s.period.report.battery.degradation_percent_per_year = 4.0;
  s.vehicle.delivered = "2026-01-01";  // under six months before kNow (2026-06-15)
  EXPECT_TRUE(of(s, "battery.degradation_fast").empty());
  s.vehicle.delivered = "2025-01-10";
  EXPECT_EQ(of(s, "battery.degradation_fast").size(), 1u);
  s.vehicle.delivered = "";  // unknown: the rate alone decides
  EXPECT_EQ(of(s, "battery.degradation_fast").size(), 1u);
}

TEST(BatteryRulesTest, NmcNeverGetsTheLfpFullCharge) {
  Scenario s = healthyCar();
  s.period.days_since_full_charge = 60;
  EXPECT_TRUE(of(s, "battery.lfp_full_charge_due").empty());
}

TEST(BatteryRulesTest, WithoutTheVehicleTheChemistryRulesStayQuiet) {
  Scenario s = healthyCar();
  s.with_vehicle = false;
  s.period.longest_high_soc_stretch_hours = 40;
  s.period.days_since_full_charge = 30;
  EXPECT_TRUE(of(s, "battery.high_soc_dwell").empty());
  EXPECT_TRUE(of(s, "battery.lfp_full_charge_due").empty());
}

TEST(BatteryRulesTest, DeepDischargeMoreThanTwoEventsOrBelowFivePercent) {
  Scenario s = healthyCar();
  s.period.report.charging.deep_discharge_events = 2;
  s.period.min_soc_percent = 8;
  EXPECT_TRUE(of(s, "battery.deep_discharge").empty());
  s.period.report.charging.deep_discharge_events = 3;
  EXPECT_EQ(of(s, "battery.deep_discharge").at(0).severity, Severity::kAdvisory);
  EXPECT_EQ(of(s, "battery.deep_discharge").at(0).title.en, "Battery ran below 10 % 3 times");
  s.period.min_soc_percent = 4.5;
  EXPECT_EQ(of(s, "battery.deep_discharge").at(0).severity, Severity::kWarning);
  EXPECT_EQ(of(s, "battery.deep_discharge").at(0).title.zh, "电量曾降至4.5 %");
}

TEST(BatteryRulesTest, HotChargingAtOneSessionAboveFortyFive) {
  Scenario s = healthyCar();
  s.period.report.charging.hot_charging_sessions = 1;
  const auto c = of(s, "battery.hot_charging");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c.at(0).message.en.find("above 45 °C while charging once"), std::string::npos);
}

TEST(BatteryRulesTest, CellImbalanceEdgesAndHysteresis) {
  Scenario s = healthyCar();
  s.period.report.battery.cell_imbalance_mv_max = 50;
  EXPECT_TRUE(of(s, "battery.cell_imbalance").empty());
  s.period.report.battery.cell_imbalance_mv_max = 101;
  EXPECT_EQ(of(s, "battery.cell_imbalance").at(0).severity, Severity::kWarning);
  s.period.report.battery.cell_imbalance_mv_max = 47;
  s.open.insert({"battery.cell_imbalance", ""});
  EXPECT_EQ(of(s, "battery.cell_imbalance").at(0).severity, Severity::kAdvisory);
  s.period.report.battery.cell_imbalance_mv_max = 45;
  EXPECT_TRUE(of(s, "battery.cell_imbalance").empty());
}

TEST(BatteryRulesTest, DegradationAboveThreeAYearAndItsHysteresis) {
  Scenario s = healthyCar();
  s.period.report.battery.degradation_percent_per_year = 3.0;
  EXPECT_TRUE(of(s, "battery.degradation_fast").empty());
  s.period.report.battery.degradation_percent_per_year = 2.8;
  s.open.insert({"battery.degradation_fast", ""});
  EXPECT_EQ(of(s, "battery.degradation_fast").size(), 1u);
  s.period.report.battery.degradation_percent_per_year = 2.7;
  EXPECT_TRUE(of(s, "battery.degradation_fast").empty());
}

}  // namespace
}  // namespace crm::engagement::testing
