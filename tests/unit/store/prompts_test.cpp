// The prompt ledger: prompts, their lifecycle events, campaigns and
// appointments, staged in the batch and read back exactly; old engagement
// history goes with retention.
#include <gtest/gtest.h>

#include "crm/common/civil_time.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = civil::kMsPerDay;

PromptRecord prompt(std::string rule, std::string subject, std::string state,
                    std::int64_t raised_ms, std::string severity = "advisory") {
  PromptRecord p;
  p.rule = std::move(rule);
  p.subject = std::move(subject);
  p.severity = std::move(severity);
  p.state = std::move(state);
  p.title_en = "Front left tyre losing air";
  p.title_zh = "左前轮胎气压持续下降";
  p.message_en = "Down to 210 kPa. Book a check.";
  p.message_zh = "胎压降至 210 kPa。预约检查。";
  p.raised_ms = raised_ms;
  p.state_ms = raised_ms;
  return p;
}

class PromptLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.file("c.db");
    auto s = Store::open(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
  std::int64_t add(const PromptRecord& p) {
    auto id = store_->addPrompt(p);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(PromptLedgerTest, APromptComesBackWithEveryFieldAsWritten) {
  PromptRecord p = prompt("tyres.pressure_low", "front_left", "delivered", kT0, "warning");
  p.booking = true;
  p.uncapped = true;
  p.detail_json = R"({"pressure_kpa":210,"placard_kpa":290})";
  p.expires_ms = kT0 + 14 * kDay;
  p.delivered_ms = kT0 + 5;
  p.state_ms = kT0 + 5;
  p.snoozed_until = kT0 + 99;
  p.id = add(p);
  ASSERT_GT(p.id, 0);
  ASSERT_TRUE(store_->commit().ok());

  auto back = store_->prompt(p.id);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->has_value());
  const PromptRecord& r = **back;
  EXPECT_EQ(r.rule, "tyres.pressure_low");
  EXPECT_EQ(r.subject, "front_left");
  EXPECT_EQ(r.severity, "warning");
  EXPECT_EQ(r.state, "delivered");
  EXPECT_EQ(r.title_zh, "左前轮胎气压持续下降");
  EXPECT_EQ(r.message_en, "Down to 210 kPa. Book a check.");
  EXPECT_TRUE(r.booking);
  EXPECT_TRUE(r.uncapped);
  EXPECT_EQ(r.detail_json, p.detail_json);
  EXPECT_EQ(r.expires_ms, kT0 + 14 * kDay);
  EXPECT_EQ(r.delivered_ms, kT0 + 5);
  EXPECT_EQ(r.snoozed_until, kT0 + 99);

  EXPECT_FALSE(store_->prompt(p.id + 1)->has_value());
}

TEST_F(PromptLedgerTest, AnUpdateReplacesTheStateAndOpenPromptsListsOnlyOpenOnesOldestFirst) {
  const auto a = add(prompt("battery.soh_low", "", "raised", kT0));
  const auto b = add(prompt("dtc.active", "P0A80", "delivered", kT0 + 1));
  const auto c = add(prompt("report.ready", "", "snoozed", kT0 + 2));
  add(prompt("brakes.pads_worn", "", "dismissed", kT0 + 3));
  // Staged reads see the batch: the engine reads what it just wrote.
  auto open = store_->openPrompts();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 3U);
  EXPECT_EQ((*open)[0].id, a);
  EXPECT_EQ((*open)[1].id, b);
  EXPECT_EQ((*open)[2].id, c);

  PromptRecord changed = (*open)[1];
  changed.state = "withdrawn";
  changed.state_ms = kT0 + 10;
  changed.delivered_ms.reset();
  ASSERT_TRUE(store_->updatePrompt(changed).ok());
  ASSERT_TRUE(store_->commit().ok());
  open = store_->openPrompts();
  ASSERT_EQ(open->size(), 2U);
  EXPECT_EQ((*open)[1].id, c);
  auto back = store_->prompt(b);
  EXPECT_EQ((*back)->state, "withdrawn");
  EXPECT_EQ((*back)->state_ms, kT0 + 10);
  EXPECT_FALSE((*back)->delivered_ms.has_value());
}

TEST_F(PromptLedgerTest, TheLatestPromptIsTheNewestOfItsRuleAndSubjectInAnyState) {
  EXPECT_FALSE(store_->latestPrompt("tyres.pressure_low", "front_left")->has_value());
  add(prompt("tyres.pressure_low", "front_left", "dismissed", kT0));
  const auto newer = add(prompt("tyres.pressure_low", "front_left", "expired", kT0 + 5));
  add(prompt("tyres.pressure_low", "rear_right", "raised", kT0 + 9));
  auto latest = store_->latestPrompt("tyres.pressure_low", "front_left");
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->id, newer);
  EXPECT_EQ((*latest)->state, "expired");
  EXPECT_FALSE(store_->latestPrompt("tyres.pressure_low", "")->has_value());
}

TEST_F(PromptLedgerTest, PromptsRaisedAreThoseRaisedInTheWindowOldestFirst) {
  add(prompt("a.x", "", "raised", kT0 + 20));
  add(prompt("b.x", "", "dismissed", kT0 + 10));
  add(prompt("c.x", "", "raised", kT0 + 30));
  auto raised = store_->promptsRaised(kT0 + 10, kT0 + 30);
  ASSERT_TRUE(raised.ok());
  ASSERT_EQ(raised->size(), 2U);
  EXPECT_EQ((*raised)[0].rule, "b.x");
  EXPECT_EQ((*raised)[1].rule, "a.x");
}

TEST_F(PromptLedgerTest, EventsAreCountedByKindWithinTheWindow) {
  const auto id = add(prompt("a.x", "", "raised", kT0));
  for (const auto& [ts, event] :
       std::vector<std::pair<std::int64_t, std::string>>{{kT0 - 1, "raised"},
                                                         {kT0, "raised"},
                                                         {kT0 + 1, "delivered"},
                                                         {kT0 + 2, "snoozed"},
                                                         {kT0 + 3, "delivered"},
                                                         {kT0 + 4, "accepted"},
                                                         {kT0 + 5, "dismissed"},
                                                         {kT0 + 6, "expired"},
                                                         {kT0 + 7, "withdrawn"},
                                                         {kT0 + 100, "raised"}}) {
    ASSERT_TRUE(store_->addPromptEvent({id, ts, event}).ok());
  }
  auto counts = store_->promptCounts(kT0, kT0 + 100);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->raised, 1);
  EXPECT_EQ(counts->delivered, 2);
  EXPECT_EQ(counts->snoozed, 1);
  EXPECT_EQ(counts->accepted, 1);
  EXPECT_EQ(counts->dismissed, 1);
  EXPECT_EQ(counts->expired, 1);
  EXPECT_EQ(counts->withdrawn, 1);
}

TEST_F(PromptLedgerTest, CappedDeliveriesLeaveOutCriticalAndUncappedPromptsAndOtherEvents) {
  const auto advisory = add(prompt("a.x", "", "delivered", kT0, "advisory"));
  const auto critical = add(prompt("b.x", "", "delivered", kT0, "critical"));
  PromptRecord recall = prompt("campaign.R1", "", "delivered", kT0, "warning");
  recall.uncapped = true;
  const auto uncapped = add(recall);
  for (auto id : {advisory, critical, uncapped}) {
    ASSERT_TRUE(store_->addPromptEvent({id, kT0 + 10, "raised"}).ok());
    ASSERT_TRUE(store_->addPromptEvent({id, kT0 + 20, "delivered"}).ok());
  }
  // A delivery again after a snooze counts again; one outside the window not.
  ASSERT_TRUE(store_->addPromptEvent({advisory, kT0 + 30, "delivered"}).ok());
  ASSERT_TRUE(store_->addPromptEvent({advisory, kT0 + kDay, "delivered"}).ok());
  auto n = store_->cappedDeliveries(kT0, kT0 + kDay);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
}

TEST_F(PromptLedgerTest, CampaignsAndAppointmentsAreOneRowPerIdTheLastWins) {
  ASSERT_TRUE(
      store_->putCampaign({"R1", "recall", "warning", "a", "甲", "m", "信", 100, "c1", 1}).ok());
  ASSERT_TRUE(
      store_->putCampaign({"R1", "recall", "critical", "b", "乙", "n", "息", 200, "c2", 2}).ok());
  ASSERT_TRUE(store_->putCampaign({"S2", "offer", "info", "c", "丙", "o", "x", 300, "c3", 3}).ok());
  ASSERT_TRUE(
      store_->putAppointment({"A1", 500, "Dealer One", {"tire_rotation", "cabin_filter"}, "c4", 4})
          .ok());
  ASSERT_TRUE(
      store_->putAppointment({"A1", 600, "Dealer One", {"annual_inspection"}, "c5", 5}).ok());
  ASSERT_TRUE(store_->commit().ok());

  auto campaigns = store_->campaigns();
  ASSERT_TRUE(campaigns.ok());
  ASSERT_EQ(campaigns->size(), 2U);
  EXPECT_EQ((*campaigns)[0].campaign_id, "R1");
  EXPECT_EQ((*campaigns)[0].severity, "critical");
  EXPECT_EQ((*campaigns)[0].title_zh, "乙");
  EXPECT_EQ((*campaigns)[0].valid_until, 200);
  EXPECT_EQ((*campaigns)[0].command_id, "c2");
  auto appointments = store_->appointments();
  ASSERT_TRUE(appointments.ok());
  ASSERT_EQ(appointments->size(), 1U);
  EXPECT_EQ((*appointments)[0].at_ms, 600);
  EXPECT_EQ((*appointments)[0].items, std::vector<std::string>{"annual_inspection"});
  EXPECT_EQ((*appointments)[0].dealer_name, "Dealer One");
}

TEST_F(PromptLedgerTest, RetentionDeletesClosedPromptHistoryAfter13MonthsAndEndedCampaigns) {
  const std::int64_t now = kT0 + 800 * kDay;
  const auto old_closed = add(prompt("a.x", "", "dismissed", now - 450 * kDay));
  const auto recent_closed = add(prompt("b.x", "", "accepted", now - 100 * kDay));
  const auto old_open = add(prompt("c.x", "", "raised", now - 500 * kDay));
  ASSERT_TRUE(store_->addPromptEvent({old_closed, now - 450 * kDay, "dismissed"}).ok());
  ASSERT_TRUE(store_->addPromptEvent({recent_closed, now - 400 * kDay, "raised"}).ok());
  ASSERT_TRUE(store_->addPromptEvent({recent_closed, now - 100 * kDay, "accepted"}).ok());
  ASSERT_TRUE(store_->addPromptEvent({old_open, now - 500 * kDay, "raised"}).ok());
  ASSERT_TRUE(
      store_->putCampaign({"OLD", "offer", "info", "", "", "", "", now - 40 * kDay, "c", 1}).ok());
  ASSERT_TRUE(
      store_->putCampaign({"NEW", "offer", "info", "", "", "", "", now - 20 * kDay, "c", 1}).ok());
  ASSERT_TRUE(store_->putAppointment({"OLD", now - 31 * kDay, "D", {}, "c", 1}).ok());
  ASSERT_TRUE(store_->putAppointment({"NEW", now - 29 * kDay, "D", {}, "c", 1}).ok());
  // Retention runs at the first commit of a new day of samples.
  ASSERT_TRUE(store_->addSample({now, vehicle::sig::kSpeed, 0.0, 0}).ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_FALSE(store_->prompt(old_closed)->has_value());
  EXPECT_TRUE(store_->prompt(recent_closed)->has_value());
  EXPECT_TRUE(store_->prompt(old_open)->has_value());  // open: kept, whatever its age
  auto counts = store_->promptCounts(0, now);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->dismissed, 0);
  // A prompt's events go with it, never before: the recent prompt keeps its
  // raise of 400 days ago, the open one its own.
  EXPECT_EQ(counts->raised, 2);
  EXPECT_EQ(counts->accepted, 1);
  auto campaigns = store_->campaigns();
  ASSERT_EQ(campaigns->size(), 1U);
  EXPECT_EQ((*campaigns)[0].campaign_id, "NEW");
  auto appointments = store_->appointments();
  ASSERT_EQ(appointments->size(), 1U);
  EXPECT_EQ((*appointments)[0].appointment_id, "NEW");
}

}  // namespace
}  // namespace crm::store
