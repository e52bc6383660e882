// The words of every rule, in both languages and for every tier: within the
// glance limits, Chinese punctuation full-width, one action each.
#include <gtest/gtest.h>

#include "rules_scenarios.h"

namespace crm::engagement::testing {
namespace {

std::size_t codePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// ASCII , . : ; ! ? are full-width in Chinese text; '.' and ':' inside a
// number ("3.4 %", "09:30") stay as they are.
std::string halfWidthPunctuation(const std::string& zh) {
  for (std::size_t i = 0; i < zh.size(); ++i) {
    const char c = zh[i];
    const bool in_number = (c == '.' || c == ':') && i > 0 && i + 1 < zh.size() &&
                           isDigit(zh[i - 1]) && isDigit(zh[i + 1]);
    if ((c == ',' || c == '.' || c == ':' || c == ';' || c == '!' || c == '?') && !in_number)
      return zh.substr(0, i + 1);
  }
  return "";
}

bool hasCjk(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE4 && c <= 0xE9) return true;  // lead bytes of U+4000..U+9FFF
  }
  return false;
}

// `names_in_en`: the English text carries a name from the CRM (a dealer),
// which may be Chinese.
void checkWords(const Condition& c, bool names_in_en = false) {
  SCOPED_TRACE(c.rule + " " + c.subject);
  EXPECT_LE(codePoints(c.title.en), 40u) << c.title.en;
  EXPECT_LE(codePoints(c.message.en), 120u) << c.message.en;
  EXPECT_LE(codePoints(c.title.zh), 16u) << c.title.zh;
  EXPECT_LE(codePoints(c.message.zh), 50u) << c.message.zh;
  EXPECT_EQ(halfWidthPunctuation(c.title.zh), "") << c.title.zh;
  EXPECT_EQ(halfWidthPunctuation(c.message.zh), "") << c.message.zh;
  EXPECT_TRUE(hasCjk(c.title.zh)) << c.title.zh;
  EXPECT_TRUE(hasCjk(c.message.zh)) << c.message.zh;
  EXPECT_FALSE(hasCjk(c.title.en)) << c.title.en;
  if (!names_in_en) {
    EXPECT_FALSE(hasCjk(c.message.en)) << c.message.en;
  }
  // A message ends a sentence.
  EXPECT_EQ(c.message.en.back(), '.') << c.message.en;
  EXPECT_EQ(c.message.zh.substr(c.message.zh.size() - 3), "。") << c.message.zh;
}

TEST(RuleWordsTest, EveryRuleInEveryTierFitsTheGlanceLimitsInBothLanguages) {
  int checked = 0;
  for (const auto& rc : ruleCases()) {
    for (Tier tier : {Tier::kBasic, Tier::kMiddle, Tier::kHigh}) {
      SCOPED_TRACE(rc.name + " " + tierName(tier));
      Scenario s = healthyCar();
      rc.make(s);
      for (const auto& c : s.evaluate(tier)) {
        checkWords(c);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(ruleCases().size()) * 3);
}

TEST(RuleWordsTest, LongFiguresStillFit) {
  // The widest figures each rule can print.
  Scenario s = healthyCar();
  auto& r = s.period.report;
  r.battery.soh.value = 0.5;
  r.battery.degradation_percent_per_year = 19.99;
  r.battery.fleet_typical_percent_per_year = 12.35;
  r.battery.cell_imbalance_mv_max = 1000;
  r.charging.dc_energy_share = 1;
  r.charging.deep_discharge_events = 100;
  r.charging.hot_charging_sessions = 100;
  r.low_voltage_battery.min_rest_voltage_v = 10.05;
  r.brakes.pad_wear_percent_max = 79.9;
  r.brakes.worst_position = "front_right";
  r.brakes.km_to_pad_limit = 100000;
  s.period.high_soc_parked_share = 1;
  s.with_live = true;
  s.live.tyre_kpa = {0.4, 100, 150, 220};
  s.live.brake_fluid_percent = 0;
  s.live.dtcs_seen = true;
  s.live.active_dtcs = {"P0A7E", "P0A7F", "P0A80", "P0AA6", "U3FFF"};
  for (auto& d : r.service.due) d = {d.item, -123456.0, -36500, true};
  s.data.appointments.push_back({"A", kNow + 2 * kHour, std::string(200, 'x'), {}, kNow});
  s.period.latest_report_id = 123456789;
  s.period.latest_report_generated_ms = kNow;
  EngagementSettings settings;
  settings.thresholds.pad_km_to_limit = 100000;
  for (Tier tier : {Tier::kBasic, Tier::kMiddle, Tier::kHigh}) {
    const auto out = s.evaluate(tier, settings);
    EXPECT_EQ(out.size(), 26u);
    for (const auto& c : out) checkWords(c);
  }
}

TEST(RuleWordsTest, AChineseDealerNameIsCutToFitInCodePoints) {
  Scenario s = healthyCar();
  s.data.appointments.push_back({"A",
                                 kNow + 2 * kHour,
                                 "上海浦东新区滨江高端新能源汽车服务中心北区分店第二接待处",
                                 {},
                                 kNow});
  const auto c = s.evaluate().at(0);
  checkWords(c, true);
  EXPECT_NE(c.message.zh.find("…"), std::string::npos);
  EXPECT_EQ(c.message.zh.find("\xEF\xBF\xBD"), std::string::npos);  // no broken character
}

TEST(RuleWordsTest, HabitWordsSayWhatHelpsNotWhatWentWrong) {
  for (const auto& rc : ruleCases()) {
    Scenario s = healthyCar();
    rc.make(s);
    for (const auto& c : s.evaluate()) {
      for (const char* blame : {"you charged", "your fault", "badly", "you should not"})
        EXPECT_EQ(c.message.en.find(blame), std::string::npos) << c.message.en;
    }
  }
  Scenario s = healthyCar();
  s.period.report.charging.dc_energy_share = 0.3;
  EXPECT_NE(s.evaluate().at(0).message.en.find("Slow charging at home keeps the battery healthier"),
            std::string::npos);
  EXPECT_NE(s.evaluate().at(0).message.zh.find("慢充"), std::string::npos);
}

}  // namespace
}  // namespace crm::engagement::testing
