// applySettings / settingsToJson: every key, ranges, consistency, errors
// that name the key, nothing changed on error, round trip.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crm/engagement/settings.h"

namespace crm::engagement {
namespace {

using nlohmann::json;

// Every field different from its default, valid and consistent.
EngagementSettings changedSettings() {
  EngagementSettings s;
  s.language = Language::kZhCn;
  s.quiet_start_minute = 23 * 60 + 30;
  s.quiet_end_minute = 6 * 60 + 15;
  s.time_zone = "Asia/Shanghai";
  s.max_prompts_per_day = 5;
  s.cooldown_days = 14;
  s.snooze_hours = 12;
  s.expiry_days = 21;
  auto& t = s.thresholds;
  t.soh_low_percent = 75;
  t.soh_watch_percent = 82.5;
  t.degradation_fast_percent_per_year = 2.5;
  t.dc_share_advisory = 0.2;
  t.dc_share_warning = 0.5;
  t.high_soc_dwell_hours = 12;
  t.high_soc_parked_share = 0.4;
  t.deep_discharge_events = 4;
  t.deep_discharge_warning_soc = 3;
  t.hot_charging_sessions = 2;
  t.cell_imbalance_advisory_mv = 40;
  t.cell_imbalance_warning_mv = 80;
  t.lfp_full_charge_days = 14;
  t.lv_weak_v = 12.3;
  t.lv_check_now_v = 11.9;
  t.tyre_low_percent = 15;
  t.tyre_critical_percent = 30;
  t.pad_wear_percent = 75;
  t.pad_km_to_limit = 3000;
  t.brake_fluid_low_percent = 45;
  t.maintenance_soon_days = 14;
  t.maintenance_soon_km = 500;
  t.visit_invitation_from_months = 6;
  t.visit_invitation_to_months = 10;
  return s;
}

std::string errorOf(const json& section, EngagementSettings& s, const char* where = "engagement") {
  const auto status = applySettings(section, where, s);
  return status.ok() ? "" : status.error().message;
}

TEST(SettingsTest, EveryKeyIsReadAndWritten) {
  const EngagementSettings changed = changedSettings();
  const json defaults = settingsToJson(EngagementSettings{});
  const json written = settingsToJson(changed);
  // Every key of the output differs from its default, so reading it back
  // proves each one is read.
  for (const auto& [key, value] : written.items()) {
    if (key == "thresholds") continue;
    EXPECT_NE(value, defaults[key]) << key;
  }
  for (const auto& [key, value] : written["thresholds"].items())
    EXPECT_NE(value, defaults["thresholds"][key]) << key;
  EXPECT_EQ(written["thresholds"].size(), 24u);

  EngagementSettings read;
  ASSERT_EQ(errorOf(written, read), "");
  EXPECT_EQ(read, changed);
}

TEST(SettingsTest, TheJsonShapeIsAsDocumented) {
  const json j = settingsToJson(changedSettings());
  EXPECT_EQ(j["language"], "zh-CN");
  EXPECT_EQ(j["quiet_hours"], (json{{"start", "23:30"}, {"end", "06:15"}}));
  EXPECT_EQ(j["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(j["thresholds"]["tyre_low_percent"], 15.0);
  EXPECT_EQ(j["thresholds"]["lfp_full_charge_days"], 14);
}

TEST(SettingsTest, DefaultsRoundTrip) {
  EngagementSettings s = changedSettings();
  ASSERT_EQ(errorOf(settingsToJson(EngagementSettings{}), s), "");
  EXPECT_EQ(s, EngagementSettings{});
}

TEST(SettingsTest, OnlyTheKeysPresentChange) {
  EngagementSettings s;
  ASSERT_EQ(errorOf(json{{"thresholds", {{"tyre_low_percent", 18}}}}, s), "");
  EngagementSettings expected;
  expected.thresholds.tyre_low_percent = 18;
  EXPECT_EQ(s, expected);
  ASSERT_EQ(errorOf(json{{"quiet_hours", {{"end", "08:00"}}}}, s), "");
  EXPECT_EQ(s.quiet_start_minute, 22 * 60);
  EXPECT_EQ(s.quiet_end_minute, 8 * 60);
}

TEST(SettingsTest, AnUnknownKeyIsAnErrorNamingItsPath) {
  EngagementSettings s;
  EXPECT_EQ(errorOf(json{{"thresholds", {{"tyre_low", 20}}}}, s),
            "engagement.thresholds.tyre_low: unknown key (docs/configuration.md lists the keys)");
  EXPECT_EQ(errorOf(json{{"quiet", true}}, s, "body"),
            "body.quiet: unknown key (docs/configuration.md lists the keys)");
  EXPECT_EQ(errorOf(json{{"quiet_hours", {{"begin", "22:00"}}}}, s),
            "engagement.quiet_hours.begin: unknown key (docs/configuration.md lists the keys)");
  EXPECT_EQ(s, EngagementSettings{});
}

TEST(SettingsTest, OutOfRangeValuesNameTheKeyAndWhatWasExpected) {
  EngagementSettings s;
  EXPECT_EQ(errorOf(json{{"max_prompts_per_day", 21}}, s, "body"),
            "body.max_prompts_per_day: expected an integer in 0..20");
  EXPECT_EQ(errorOf(json{{"snooze_hours", 2.5}}, s),
            "engagement.snooze_hours: expected an integer in 1..168");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"dc_share_advisory", 1.2}}}}, s),
            "engagement.thresholds.dc_share_advisory: expected a number in 0..1");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"soh_low_percent", -1}}}}, s),
            "engagement.thresholds.soh_low_percent: expected a number in 0..100");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"lfp_full_charge_days", 0}}}}, s),
            "engagement.thresholds.lfp_full_charge_days: expected an integer in 1..60");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"tyre_low_percent", "20"}}}}, s),
            "engagement.thresholds.tyre_low_percent: expected a number in 1..100");
  EXPECT_EQ(errorOf(json{{"language", "fr"}}, s), "engagement.language: expected one of en, zh-CN");
  EXPECT_EQ(errorOf(json{{"quiet_hours", {{"start", "24:00"}}}}, s),
            "engagement.quiet_hours.start: expected a local time HH:MM");
  EXPECT_EQ(errorOf(json{{"quiet_hours", {{"end", "7:00"}}}}, s),
            "engagement.quiet_hours.end: expected a local time HH:MM");
  EXPECT_EQ(errorOf(json{{"quiet_hours", "22:00-07:00"}}, s),
            "engagement.quiet_hours: expected an object");
  EXPECT_EQ(errorOf(json{{"thresholds", json::array()}}, s),
            "engagement.thresholds: expected an object");
  EXPECT_EQ(errorOf(json::array(), s), "engagement: expected an object");
  EXPECT_EQ(s, EngagementSettings{});
}

TEST(SettingsTest, WarningEdgesMustStayBeyondAdvisoryOnes) {
  EngagementSettings s;
  EXPECT_EQ(errorOf(json{{"thresholds", {{"dc_share_warning", 0.1}}}}, s),
            "engagement.thresholds.dc_share_warning: expected more than dc_share_advisory (0.12)");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"dc_share_advisory", 0.5}}}}, s),
            "engagement.thresholds.dc_share_advisory: expected less than dc_share_warning (0.4)");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"cell_imbalance_warning_mv", 50}}}}, s),
            "engagement.thresholds.cell_imbalance_warning_mv: expected more than "
            "cell_imbalance_advisory_mv (50)");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"lv_check_now_v", 12.2}}}}, s),
            "engagement.thresholds.lv_check_now_v: expected less than lv_weak_v (12.2)");
  EXPECT_EQ(
      errorOf(json{{"thresholds", {{"tyre_critical_percent", 20}}}}, s),
      "engagement.thresholds.tyre_critical_percent: expected more than tyre_low_percent (20)");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"visit_invitation_from_months", 12}}}}, s),
            "engagement.thresholds.visit_invitation_from_months: expected less than "
            "visit_invitation_to_months (12)");
  EXPECT_EQ(errorOf(json{{"thresholds", {{"soh_watch_percent", 79}}}}, s),
            "engagement.thresholds.soh_watch_percent: expected at least soh_low_percent (80)");
  // Both moved together: fine.
  EXPECT_EQ(
      errorOf(json{{"thresholds", {{"dc_share_advisory", 0.5}, {"dc_share_warning", 0.6}}}}, s),
      "");
  EXPECT_DOUBLE_EQ(s.thresholds.dc_share_warning, 0.6);
}

TEST(SettingsTest, AnErrorAfterGoodKeysChangesNothing) {
  EngagementSettings s = changedSettings();
  const EngagementSettings before = s;
  EXPECT_NE(errorOf(json{{"max_prompts_per_day", 1},
                         {"language", "en"},
                         {"thresholds", {{"tyre_low_percent", 10}, {"pad_wear_percent", 101}}}},
                    s),
            "");
  EXPECT_EQ(s, before);
}

TEST(SettingsTest, TimeZoneNamesArePlausibleIanaNames) {
  for (const char* ok : {"Asia/Shanghai", "America/Argentina/Buenos_Aires", "Etc/GMT+8",
                         "America/Port-au-Prince", "UTC", ""}) {
    EngagementSettings s;
    EXPECT_EQ(errorOf(json{{"time_zone", ok}}, s), "") << ok;
    EXPECT_EQ(s.time_zone, ok);
  }
  for (const std::string& bad :
       {std::string("Asia/Shang hai"), std::string("../etc/passwd"), std::string("/Asia"),
        std::string("Asia/"), std::string(65, 'A'), std::string("Europe/Zürich")}) {
    EngagementSettings s;
    EXPECT_EQ(errorOf(json{{"time_zone", bad}}, s),
              "engagement.time_zone: expected an IANA time zone name such as Asia/Shanghai")
        << bad;
    EXPECT_EQ(s.time_zone, "");
  }
}

}  // namespace
}  // namespace crm::engagement
