// Every rule: raises on its scenario, quiet on a healthy car and on null
// data; tiers change the offer, never the figures.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "rules_scenarios.h"

namespace crm::engagement::testing {
namespace {

std::string ruleFamily(const std::string& rule) {
  return rule.rfind("campaign.", 0) == 0 ? "campaign" : rule;
}

TEST(RulesTest, AHealthyCarRaisesNothing) {
  const auto out = healthyCar().evaluate();
  for (const auto& c : out) ADD_FAILURE() << c.rule << " " << c.subject;
  EXPECT_TRUE(out.empty());
}

TEST(RulesTest, NoFactsAtAllRaiseNothing) {
  Scenario s;
  s.with_period = s.with_live = s.with_data = s.with_vehicle = false;
  EXPECT_TRUE(s.evaluate().empty());
}

TEST(RulesTest, NullFiguresKeepEveryRuleQuiet) {
  // What an empty store gives: a report of nulls and zeros, nothing live.
  Scenario s;
  s.with_live = true;
  s.vehicle.delivered = "2026-05-01";
  EXPECT_TRUE(s.evaluate().empty());
}

TEST(RulesTest, EveryRuleRaisesOnItsScenarioWithItsSeverityAndSubject) {
  for (const auto& rc : ruleCases()) {
    SCOPED_TRACE(rc.name);
    Scenario s = healthyCar();
    rc.make(s);
    const auto out = s.evaluate();
    const auto mine = conditionsOf(out, rc.rule, &rc.subject);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].severity, rc.severity);
    EXPECT_EQ(mine[0].booking, rc.booking);
    EXPECT_FALSE(mine[0].title.en.empty());
    EXPECT_FALSE(mine[0].title.zh.empty());
    EXPECT_FALSE(mine[0].message.en.empty());
    EXPECT_FALSE(mine[0].message.zh.empty());
    const auto detail = nlohmann::json::parse(mine[0].detail_json, nullptr, false);
    ASSERT_TRUE(detail.is_object());
    EXPECT_FALSE(detail.empty());
    // Only the scenario's rule holds: the rest of the car is healthy.
    EXPECT_EQ(out.size(), 1u) << out.front().rule << " / " << out.back().rule;
  }
}

TEST(RulesTest, TheScenariosCoverEveryBuiltinRule) {
  std::set<std::string> covered;
  for (const auto& rc : ruleCases()) covered.insert(ruleFamily(rc.rule));
  for (auto id : builtinRuleIds()) EXPECT_TRUE(covered.contains(std::string(id))) << id;
  EXPECT_EQ(builtinRuleIds().size(), 22u);
  EXPECT_TRUE(covered.contains("campaign"));
}

TEST(RulesTest, TiersChangeTheOfferNeverTheFigures) {
  for (const auto& rc : ruleCases()) {
    if (!rc.booking) continue;
    SCOPED_TRACE(rc.name);
    Scenario s = healthyCar();
    rc.make(s);
    const auto basic = conditionsOf(s.evaluate(Tier::kBasic), rc.rule, &rc.subject).at(0);
    const auto middle = conditionsOf(s.evaluate(Tier::kMiddle), rc.rule, &rc.subject).at(0);
    const auto high = conditionsOf(s.evaluate(Tier::kHigh), rc.rule, &rc.subject).at(0);
    EXPECT_EQ(basic.title, middle.title);
    EXPECT_EQ(basic.title, high.title);
    EXPECT_EQ(basic.severity, high.severity);
    auto figures = [](const Condition& c) {
      auto j = nlohmann::json::parse(c.detail_json);
      EXPECT_TRUE(j.contains("offer"));
      EXPECT_TRUE(j.contains("tier"));
      j.erase("offer");
      j.erase("tier");
      return j;
    };
    EXPECT_EQ(figures(basic), figures(middle));
    EXPECT_EQ(figures(basic), figures(high));
    EXPECT_EQ(nlohmann::json::parse(basic.detail_json)["offer"], "booking");
    EXPECT_EQ(nlohmann::json::parse(middle.detail_json)["offer"], "free_wash");
    EXPECT_EQ(nlohmann::json::parse(high.detail_json)["offer"], "pickup_delivery_priority");
  }
}

TEST(RulesTest, ABookingMessageCarriesTheTierOfferWhereItFits) {
  Scenario s = healthyCar();
  s.period.report.battery.cell_imbalance_mv_max = 72;
  const auto basic = s.evaluate(Tier::kBasic).at(0);
  const auto middle = s.evaluate(Tier::kMiddle).at(0);
  const auto high = s.evaluate(Tier::kHigh).at(0);
  EXPECT_EQ(middle.message.en, basic.message.en + " A free car wash comes with the visit.");
  EXPECT_EQ(middle.message.zh, basic.message.zh + "到店享免费洗车。");
  EXPECT_NE(high.message.en.find("priority slot"), std::string::npos);
  EXPECT_NE(high.message.zh.find("上门取送车"), std::string::npos);
}

TEST(RulesTest, AnOfferThatDoesNotFitStaysInTheDetailOnly) {
  Scenario s = healthyCar();
  s.period.report.tyres.positions[3].status = "slow_leak";  // a long message
  s.period.report.tyres.positions[3].pressure_kpa = 265;
  const auto basic = s.evaluate(Tier::kBasic).at(0);
  const auto high = s.evaluate(Tier::kHigh).at(0);
  EXPECT_EQ(high.message.en, basic.message.en);  // no room left under 120
  EXPECT_EQ(nlohmann::json::parse(high.detail_json)["offer"], "pickup_delivery_priority");
}

TEST(RulesTest, ACriticalMessageStaysShortWithTheOfferInTheDetailOnly) {
  Scenario s = healthyCar();
  s.with_live = true;
  s.live.dtcs_seen = true;
  s.live.active_dtcs = {"P0AA6"};
  const auto basic = s.evaluate(Tier::kBasic).at(0);
  const auto high = s.evaluate(Tier::kHigh).at(0);
  ASSERT_EQ(high.severity, Severity::kCritical);
  EXPECT_EQ(high.message, basic.message);
  EXPECT_EQ(nlohmann::json::parse(high.detail_json)["offer"], "pickup_delivery_priority");
}

TEST(RulesTest, TheVisitInvitationIsShapedByTier) {
  Scenario s = healthyCar();
  s.period.report.service.last_visit = dateMs("2025-08-01");
  const auto basic = s.evaluate(Tier::kBasic).at(0);
  const auto middle = s.evaluate(Tier::kMiddle).at(0);
  const auto high = s.evaluate(Tier::kHigh).at(0);
  EXPECT_EQ(basic.message.en, "10 months since your last visit. Book a free check-up.");
  EXPECT_EQ(basic.message.zh, "距上次到店已10个月。欢迎预约免费检测。");
  EXPECT_NE(middle.message.en.find("free car wash"), std::string::npos);
  EXPECT_NE(middle.message.zh.find("免费洗车"), std::string::npos);
  EXPECT_NE(high.message.en.find("pick-up, delivery and a priority slot"), std::string::npos);
  EXPECT_NE(high.message.zh.find("上门取送车和优先预约"), std::string::npos);
  EXPECT_EQ(basic.message.en.find("wash"), std::string::npos);
}

TEST(RulesTest, BuiltinRuleIdsAreUnique) {
  const auto& ids = builtinRuleIds();
  EXPECT_EQ(std::set<std::string_view>(ids.begin(), ids.end()).size(), ids.size());
}

}  // namespace
}  // namespace crm::engagement::testing
