// When prompts reach the driver: the daily cap (most important first, the
// rest the next local day), uncapped recalls, driving lock-out, quiet hours
// in the car's local time across summer-time changes.
#include "engine_fixture.h"

namespace crm::engagement {
namespace {

// 2026-03-28 and 2026-10-24, 00:00 UTC: the days before Europe/Berlin
// changes its clocks (2026-03-29 02:00 CET -> 03:00 CEST, 01:00 UTC;
// 2026-10-25 03:00 CEST -> 02:00 CET, 01:00 UTC).
constexpr std::int64_t kMar28 = 1774656000000;
constexpr std::int64_t kOct24 = 1792800000000;

EngagementSettings inZone(const std::string& zone) {
  EngagementSettings s;
  s.time_zone = zone;
  return s;
}

bool delivered(const store::PromptRecord& p) {
  return p.state == "delivered";
}

TEST_F(EngineTest, AtMostThreeAPromptsADayMostImportantFirstTheRestTheNextDay) {
  start();
  evaluate(
      {condition("maintenance.cabin_filter", Severity::kInfo),
       condition("battery.dc_fast_share", Severity::kAdvisory),
       condition("lv_battery.weak", Severity::kWarning), condition("report.ready", Severity::kInfo),
       condition("battery.soh_low", Severity::kWarning)},
      kNoon);
  EXPECT_EQ(rulesOf("delivered"), (std::vector<std::string>{"lv_battery.weak", "battery.soh_low",
                                                            "battery.dc_fast_share"}));
  ASSERT_EQ(engine_->visible()->size(), 3U);
  EXPECT_EQ(engine_->visible()->at(0).severity, Severity::kWarning);

  std::vector<Condition> all;
  for (const auto& e : events_) {
    if (e.event == "raised") all.push_back(condition(e.prompt.rule, e.prompt.severity));
  }
  evaluate(all, kNoon + 6 * kHour);  // the same day: nothing more
  EXPECT_EQ(rulesOf("delivered").size(), 3U);

  evaluate(all, kNoon + kDay);  // the next day: the two that waited, oldest first
  const auto shown = rulesOf("delivered");
  ASSERT_EQ(shown.size(), 5U);
  EXPECT_EQ(shown[3], "maintenance.cabin_filter");
  EXPECT_EQ(shown[4], "report.ready");
}

TEST_F(EngineTest, AnUncappedRecallAndACriticalPromptAreShownBeyondTheCap) {
  start();
  std::vector<Condition> holding{condition("a.one", Severity::kAdvisory),
                                 condition("b.two", Severity::kAdvisory),
                                 condition("c.three", Severity::kAdvisory)};
  evaluate(holding, kNoon);
  ASSERT_EQ(rulesOf("delivered").size(), 3U);

  auto recall = condition("campaign.R-2026-11", Severity::kWarning);
  recall.uncapped = true;
  holding.push_back(recall);
  holding.push_back(condition("brakes.fluid_low", Severity::kCritical));
  holding.push_back(condition("d.four", Severity::kWarning));
  evaluate(holding, kNoon + kHour);
  EXPECT_EQ(rulesOf("delivered").size(), 5U);
  EXPECT_EQ(stored(store_->latestPrompt("campaign.R-2026-11", "")->value().id).state, "delivered");
  EXPECT_EQ(store_->latestPrompt("d.four", "")->value().state, "raised");
  EXPECT_EQ(*store_->cappedDeliveries(kNoon - 12 * kHour, kNoon + 12 * kHour), 3);
}

TEST_F(EngineTest, WhileTheCarMovesOnlyCriticalPromptsAreShownTheRestWhenParked) {
  start();
  const std::vector<Condition> holding{condition("tyres.pressure_low", Severity::kWarning, "rl"),
                                       condition("brakes.fluid_low", Severity::kCritical)};
  evaluate(holding, kNoon, /*moving=*/true);
  EXPECT_EQ(rulesOf("delivered"), std::vector<std::string>{"brakes.fluid_low"});
  evaluate(holding, kNoon + 20 * kMinute, /*moving=*/true);
  EXPECT_EQ(rulesOf("delivered").size(), 1U);

  evaluate(holding, kNoon + 30 * kMinute, /*moving=*/false);
  EXPECT_EQ(rulesOf("delivered"),
            (std::vector<std::string>{"brakes.fluid_low", "tyres.pressure_low"}));
  EXPECT_EQ(store_->latestPrompt("tyres.pressure_low", "rl")->value().delivered_ms,
            kNoon + 30 * kMinute);
}

TEST_F(EngineTest, InQuietHoursAnInfoWaitsUntil7AndAWarningDoesNot) {
  start();                                        // UTC, quiet 22:00-07:00
  const std::int64_t night = kNoon + 11 * kHour;  // 23:00
  const std::vector<Condition> holding{condition("report.ready", Severity::kInfo),
                                       condition("lv_battery.weak", Severity::kWarning)};
  evaluate(holding, night);
  EXPECT_EQ(rulesOf("delivered"), std::vector<std::string>{"lv_battery.weak"});
  evaluate(holding, night + 8 * kHour - kMinute);  // 06:59
  EXPECT_EQ(rulesOf("delivered").size(), 1U);
  evaluate(holding, night + 8 * kHour);  // 07:00
  EXPECT_EQ(rulesOf("delivered"), (std::vector<std::string>{"lv_battery.weak", "report.ready"}));
}

TEST_F(EngineTest, QuietHoursEndAt7SummerTimeTheNightTheClocksGoForward) {
  start(inZone("Europe/Berlin"));
  const auto info = condition("report.ready", Severity::kInfo);
  evaluate({info}, kMar28 + 23 * kHour);                 // 2026-03-29 00:00 CET
  evaluate({info}, kMar28 + 28 * kHour + 59 * kMinute);  // 04:59 UTC = 06:59 CEST
  EXPECT_TRUE(rulesOf("delivered").empty());
  evaluate({info}, kMar28 + 29 * kHour);  // 05:00 UTC = 07:00 CEST (a fixed +1 says 06:00)
  EXPECT_EQ(rulesOf("delivered").size(), 1U);
}

TEST_F(EngineTest, QuietHoursEndAt7WinterTimeTheNightTheClocksGoBack) {
  start(inZone("Europe/Berlin"));
  const auto info = condition("report.ready", Severity::kInfo);
  evaluate({info}, kOct24 + 22 * kHour);  // 2026-10-25 00:00 CEST
  evaluate({info},
           kOct24 + 29 * kHour + 59 * kMinute);  // 05:59 UTC = 06:59 CET (a fixed +2 says 07:59)
  EXPECT_TRUE(rulesOf("delivered").empty());
  evaluate({info}, kOct24 + 30 * kHour);  // 06:00 UTC = 07:00 CET
  EXPECT_EQ(rulesOf("delivered").size(), 1U);
}

TEST_F(EngineTest, InShanghaiQuietHoursAndTheCapFollowChinaStandardTime) {
  start(inZone("Asia/Shanghai"));
  // 2026-01-05 02:00 UTC = 10:00 CST: three advisories fill the day's cap.
  const std::int64_t morning = kNoon - 10 * kHour;
  std::vector<Condition> holding{
      condition("a.one", Severity::kAdvisory), condition("b.two", Severity::kAdvisory),
      condition("c.three", Severity::kAdvisory), condition("d.four", Severity::kWarning),
      condition("report.ready", Severity::kInfo)};
  evaluate({holding[0], holding[1], holding[2]}, morning);
  ASSERT_EQ(rulesOf("delivered").size(), 3U);
  // 15:59 UTC = 23:59 CST: the same local day, the cap is spent.
  evaluate(holding, kNoon + 3 * kHour + 59 * kMinute);
  EXPECT_EQ(rulesOf("delivered").size(), 3U);
  // 16:00 UTC = 00:00 CST: a new local day; the warning ignores quiet hours,
  // the info waits for them to end at 07:00 CST = 23:00 UTC.
  evaluate(holding, kNoon + 4 * kHour);
  EXPECT_EQ(rulesOf("delivered").back(), "d.four");
  evaluate(holding, kNoon + 10 * kHour + 59 * kMinute);
  EXPECT_EQ(rulesOf("delivered").size(), 4U);
  evaluate(holding, kNoon + 11 * kHour);
  EXPECT_EQ(rulesOf("delivered").back(), "report.ready");
  EXPECT_TRUE(delivered(store_->latestPrompt("report.ready", "")->value()));
}

TEST_F(EngineTest, AnUnknownTimeZoneIsAnErrorNamingIt) {
  auto made = Engine::make(EngineAccess{*store_, *store_}, EngineOptions{kVin, false},
                           inZone("Mars/Olympus_Mons"), 0);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, SettingsError::kInvalid);
  EXPECT_NE(made.error().message.find("Mars/Olympus_Mons"), std::string::npos);
  EXPECT_NE(made.error().message.find("time_zone"), std::string::npos);
}

}  // namespace
}  // namespace crm::engagement
