// The engagement commands (campaign, appointment, customer-profile, config):
// each stores what the CRM said, answers ok, and is applied once; each
// rejection names its reason and changes nothing but the cmd-result.
#include "crm/store/meta_keys.h"
#include "processor_fixture.h"

namespace crm::commands::test {
namespace {

constexpr std::int64_t kDay = 86'400'000;
const json kGone = json(json::value_t::discarded);

json campaignBody() {
  return {{"campaign_id", "R-2026-11"},
          {"kind", "recall"},
          {"severity", "warning"},
          {"title", {{"en", "Safety recall: seat belt"}, {"zh-CN", "安全召回：安全带"}}},
          {"message",
           {{"en", "A free seat belt check is due. Book a visit."},
            {"zh-CN", "需免费检查安全带。请预约到店。"}}},
          {"valid_until", kNow + 60 * kDay}};
}
json offerBody() {
  json b = campaignBody();
  b["kind"] = "offer";
  b["severity"] = "advisory";
  return b;
}
json appointmentBody() {
  return {{"appointment_id", "A-77"},
          {"at", kNow + 3 * kDay},
          {"dealer_name", "Sunrise Motors"},
          {"items", {"tire_rotation"}}};
}
json profileBody() {
  return {{"tier", "high"}, {"language", "zh-CN"}, {"dealer_id", "D-042"}};
}
json configBody() {
  return {{"max_prompts_per_day", 2}, {"quiet_hours", {{"start", "21:30"}, {"end", "07:30"}}}};
}

// `base` with `key` replaced (or removed, for kGone), as a whole command.
std::string bodyWith(json base, const char* key, json value) {
  if (value.is_discarded()) {
    base.erase(key);
  } else {
    base[key] = std::move(value);
  }
  return withBody(std::move(base));
}

std::vector<Bad> engagementRejections() {
  const json over_long_title = {{"en", std::string(61, 'x')}, {"zh-CN", "召回"}};
  return {
      {"CampaignIdMissing", "campaign", bodyWith(campaignBody(), "campaign_id", kGone),
       "body.campaign_id: missing"},
      {"CampaignIdWithSlash", "campaign", bodyWith(campaignBody(), "campaign_id", "a/b"),
       "body.campaign_id: expected 1..64 characters"},
      {"CampaignKindUnknown", "campaign", bodyWith(campaignBody(), "kind", "lottery"),
       "body.kind: expected \"recall\", \"service\" or \"offer\""},
      {"CampaignCritical", "campaign", bodyWith(campaignBody(), "severity", "critical"),
       "body.severity: expected \"info\", \"advisory\" or \"warning\""},
      {"CampaignTitleMissingChinese", "campaign",
       bodyWith(campaignBody(), "title", {{"en", "Recall"}}), "body.title.zh-CN: missing"},
      {"CampaignTitleTooLong", "campaign", bodyWith(campaignBody(), "title", over_long_title),
       "body.title.en: expected a non-empty string of at most 60 characters"},
      {"CampaignTitleUnknownLanguage", "campaign",
       bodyWith(campaignBody(), "title", {{"en", "a"}, {"zh-CN", "b"}, {"fr", "c"}}),
       "body.title: unknown language 'fr'"},
      {"CampaignMessageANumber", "campaign", bodyWith(campaignBody(), "message", 5),
       "body.message: expected an object"},
      {"CampaignAlreadyOver", "campaign", bodyWith(campaignBody(), "valid_until", kNow - kDay),
       "body.valid_until: expected a time after issued_at"},
      {"CampaignValidUntilAString", "campaign",
       bodyWith(campaignBody(), "valid_until", "next month"),
       "body.valid_until: expected an integer"},
      {"AppointmentInThePast", "appointment", bodyWith(appointmentBody(), "at", kNow - kDay),
       "body.at: expected a time after issued_at"},
      {"AppointmentIdMissing", "appointment", bodyWith(appointmentBody(), "appointment_id", kGone),
       "body.appointment_id: expected"},
      {"AppointmentDealerEmpty", "appointment", bodyWith(appointmentBody(), "dealer_name", ""),
       "body.dealer_name: expected a non-empty string"},
      {"AppointmentItemsNotArray", "appointment", bodyWith(appointmentBody(), "items", "all"),
       "body.items: expected an array"},
      {"AppointmentItemANumber", "appointment", bodyWith(appointmentBody(), "items", {1}),
       "body.items[0]: expected a non-empty string"},
      {"ProfileTierUnknown", "customer-profile", bodyWith(profileBody(), "tier", "gold"),
       "body.tier: expected \"basic\", \"middle\" or \"high\""},
      {"ProfileLanguageUnknown", "customer-profile", bodyWith(profileBody(), "language", "fr"),
       "body.language: expected \"en\" or \"zh-CN\""},
      {"ProfileDealerMissing", "customer-profile", bodyWith(profileBody(), "dealer_id", kGone),
       "body.dealer_id: expected"},
      {"ConfigEmpty", "config", withBody(json::object()), "body: expected at least one setting"},
      {"ConfigTimeZoneIsNotTheCrms", "config", withBody({{"time_zone", "Europe/Berlin"}}),
       "body.time_zone: unknown field"},
      {"ConfigCapNegative", "config", withBody({{"max_prompts_per_day", -1}}),
       "body.max_prompts_per_day"},
      {"ConfigUnknownThreshold", "config", withBody({{"thresholds", {{"tyre_lowest", 5}}}}),
       "body.thresholds.tyre_lowest"},
      {"OfferAsWarning", "campaign", bodyWith(offerBody(), "severity", "warning"),
       "body.severity: an offer is"},
      {"ConfigMovesASafetyThreshold", "config",
       withBody({{"thresholds", {{"tyre_critical_percent", 10}}}}),
       "body.thresholds.tyre_critical_percent: a safety threshold"},
      {"ConfigQuietHoursMalformed", "config",
       withBody({{"quiet_hours", {{"start", "25:00"}, {"end", "07:00"}}}}),
       "body.quiet_hours.start"},
  };
}

class EngagementRejectionTest : public RejectionTest {};

TEST_P(EngagementRejectionTest, IsAnsweredWithItsReasonAndChangesNothingElse) {
  expectRejectedWithoutChange(GetParam());
}

INSTANTIATE_TEST_SUITE_P(EveryReason, EngagementRejectionTest,
                         ::testing::ValuesIn(engagementRejections()),
                         [](const auto& info) { return std::string(info.param.label); });

TEST_F(ProcessorTest, CampaignIsStoredOnceAndADuplicateIdIsNotAppliedAgain) {
  EXPECT_EQ(send("campaign", withBody(campaignBody())).status, CommandStatus::kOk);
  auto again = campaignBody();
  again["kind"] = "offer";
  const auto dup = send("campaign", withBody(again));
  EXPECT_EQ(dup.status, CommandStatus::kRejected);
  EXPECT_NE(dup.reason.find("already processed"), std::string::npos);

  const auto campaigns = store_->campaigns().value();
  ASSERT_EQ(campaigns.size(), 1U);
  EXPECT_EQ(campaigns[0].campaign_id, "R-2026-11");
  EXPECT_EQ(campaigns[0].kind, "recall");
  EXPECT_EQ(campaigns[0].severity, "warning");
  EXPECT_EQ(campaigns[0].title_zh, "安全召回：安全带");
  EXPECT_EQ(campaigns[0].valid_until, kNow + 60 * kDay);
  EXPECT_EQ(campaigns[0].command_id, kId);
  const auto r = results();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[0]["status"], "ok");
}

TEST_F(ProcessorTest, AnUnknownCampaignFieldIsIgnoredForNewerCrms) {
  auto body = campaignBody();
  body["priority"] = 1;
  EXPECT_EQ(send("campaign", withBody(body)).status, CommandStatus::kOk);
  EXPECT_EQ(store_->campaigns().value().size(), 1U);
}

TEST_F(ProcessorTest, ACampaignSentAgainUnderANewIdReplacesTheOldOne) {
  ASSERT_EQ(send("campaign", withBody(campaignBody())).status, CommandStatus::kOk);
  auto changed = campaignBody();
  changed["valid_until"] = kNow + 90 * kDay;
  auto payload = json::parse(withBody(changed));
  payload["id"] = "123e4567-e89b-42d3-a456-426614174001";
  ASSERT_EQ(send("campaign", payload.dump()).status, CommandStatus::kOk);
  const auto campaigns = store_->campaigns().value();
  ASSERT_EQ(campaigns.size(), 1U);
  EXPECT_EQ(campaigns[0].valid_until, kNow + 90 * kDay);
}

TEST_F(ProcessorTest, AppointmentIsStoredWithItsItems) {
  ASSERT_EQ(send("appointment", withBody(appointmentBody())).status, CommandStatus::kOk);
  const auto list = store_->appointments().value();
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].appointment_id, "A-77");
  EXPECT_EQ(list[0].at_ms, kNow + 3 * kDay);
  EXPECT_EQ(list[0].dealer_name, "Sunrise Motors");
  EXPECT_EQ(list[0].items, (std::vector<std::string>{"tire_rotation"}));
}

TEST_F(ProcessorTest, CustomerProfileIsKeptInTheStore) {
  ASSERT_EQ(send("customer-profile", withBody(profileBody())).status, CommandStatus::kOk);
  EXPECT_EQ(store_->meta(store::kProfileTierKey), "high");
  EXPECT_EQ(store_->meta(store::kProfileLanguageKey), "zh-CN");
  EXPECT_EQ(store_->meta(store::kProfileDealerKey), "D-042");
  EXPECT_TRUE(isEngagementCommand("customer-profile"));
  EXPECT_FALSE(isEngagementCommand("service-record"));
}

TEST_F(ProcessorTest, ConfigOverridesAccumulateAndALaterValueWins) {
  ASSERT_EQ(send("config", withBody(configBody())).status, CommandStatus::kOk);
  auto second = json::parse(withBody({{"max_prompts_per_day", 1}, {"snooze_hours", 12}}));
  second["id"] = "123e4567-e89b-42d3-a456-426614174002";
  ASSERT_EQ(send("config", second.dump()).status, CommandStatus::kOk);
  const auto stored = json::parse(store_->meta(store::kEngagementOverridesKey).value());
  EXPECT_EQ(stored["max_prompts_per_day"], 1);
  EXPECT_EQ(stored["snooze_hours"], 12);
  EXPECT_EQ(stored["quiet_hours"]["start"], "21:30");
}

TEST_F(ProcessorTest, ConfigIsRejectedWhenNoSettingsAreInForce) {
  context_.engagement = nullptr;
  const auto o = send("config", withBody(configBody()));
  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_FALSE(store_->meta(store::kEngagementOverridesKey).has_value());
}

}  // namespace
}  // namespace crm::commands::test
