// The prompt lifecycle: raise once, withdraw, cooldowns, snooze, expiry,
// changes in place, the driver's actions and their errors, and a restart.
#include "engine_fixture.h"

namespace crm::engagement {
namespace {

TEST_F(EngineTest, AConditionThatKeepsHoldingRaisesOnePromptWhileItIsOpen) {
  start();
  const auto tyre = condition("tyres.pressure_low", Severity::kWarning, "front_left");
  for (int i = 0; i < 5; ++i) evaluate({tyre}, kNoon + i * kMinute);

  auto open = store_->openPrompts();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1U);
  EXPECT_EQ((*open)[0].state, "delivered");
  EXPECT_EQ(rulesOf("raised"), std::vector<std::string>{"tyres.pressure_low"});
  EXPECT_EQ(rulesOf("delivered").size(), 1U);
  EXPECT_EQ(store_->promptCounts(0, kNoon + kDay)->raised, 1);
}

TEST_F(EngineTest, TheSameRuleForAnotherSubjectIsAnotherPrompt) {
  start();
  evaluate({condition("tyres.pressure_low", Severity::kWarning, "front_left"),
            condition("tyres.pressure_low", Severity::kWarning, "rear_right")},
           kNoon);
  EXPECT_EQ(store_->openPrompts()->size(), 2U);
}

TEST_F(EngineTest, APromptIsWithdrawnWhenItsConditionNoLongerHoldsAndMayComeBackAtOnce) {
  start();
  const auto tyre = condition("tyres.pressure_low", Severity::kWarning, "front_left");
  evaluate({tyre}, kNoon);
  const auto first = store_->openPrompts()->at(0).id;

  evaluate({}, kNoon + kHour);
  EXPECT_EQ(stored(first).state, "withdrawn");
  EXPECT_EQ(stored(first).state_ms, kNoon + kHour);
  EXPECT_TRUE(store_->openPrompts()->empty());
  EXPECT_EQ(rulesOf("withdrawn").size(), 1U);

  // Withdrawal starts no cooldown: the tyre loses air again, it is told again.
  evaluate({tyre}, kNoon + 2 * kHour);
  auto open = store_->openPrompts();
  ASSERT_EQ(open->size(), 1U);
  EXPECT_NE(open->at(0).id, first);
}

TEST_F(EngineTest, ADismissedPromptStaysQuietForItsCooldownThenIsRaisedAgain) {
  EngagementSettings s;
  s.cooldown_days = 30;
  start(s);
  const auto pads = condition("brakes.pads_worn", Severity::kAdvisory);
  evaluate({pads}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kDismiss, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(stored(id).state, "dismissed");

  evaluate({pads}, kNoon + kDay);
  evaluate({pads}, kNoon + kMinute + 30 * kDay - 1);
  EXPECT_TRUE(store_->openPrompts()->empty());
  EXPECT_EQ(rulesOf("raised").size(), 1U);

  evaluate({pads}, kNoon + kMinute + 30 * kDay);
  auto open = store_->openPrompts();
  ASSERT_EQ(open->size(), 1U);
  EXPECT_NE(open->at(0).id, id);
  EXPECT_EQ(rulesOf("raised").size(), 2U);
}

TEST_F(EngineTest, AcceptingStartsTheCooldownToo) {
  start();
  const auto filter = condition("maintenance.cabin_filter", Severity::kInfo);
  evaluate({filter}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kAccept, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(stored(id).state, "accepted");
  evaluate({filter}, kNoon + 10 * kDay);
  EXPECT_TRUE(store_->openPrompts()->empty());
  // Not a booking prompt: nothing for the dealer.
  EXPECT_TRUE(outbox().empty());
}

TEST_F(EngineTest, ASnoozedPromptIsHiddenAndDeliveredAgainWhenTheSnoozeEnds) {
  start();
  const auto soh = condition("battery.soh_low", Severity::kWarning);
  evaluate({soh}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kSnooze, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(stored(id).state, "snoozed");
  EXPECT_EQ(stored(id).snoozed_until, kNoon + kMinute + 24 * kHour);
  EXPECT_TRUE(engine_->visible()->empty());

  evaluate({soh}, kNoon + kMinute + 24 * kHour - 1);
  EXPECT_EQ(stored(id).state, "snoozed");
  EXPECT_TRUE(engine_->visible()->empty());

  evaluate({soh}, kNoon + kMinute + 24 * kHour);
  const auto back = stored(id);
  EXPECT_EQ(back.state, "delivered");
  EXPECT_FALSE(back.snoozed_until.has_value());
  EXPECT_EQ(back.delivered_ms, kNoon);  // the first delivery
  ASSERT_EQ(engine_->visible()->size(), 1U);
  EXPECT_EQ(rulesOf("delivered").size(), 2U);
  EXPECT_EQ(store_->promptCounts(0, kNoon + 2 * kDay)->snoozed, 1);
}

TEST_F(EngineTest, APromptThatExpiresBeforeItCanBeShownIsExpiredNeverDeliveredLate) {
  start();
  auto offer = condition("campaign.S-2026-01", Severity::kInfo);
  offer.expires_ms = kNoon + 2 * kHour;
  evaluate({offer}, kNoon, /*moving=*/true);
  const auto id = store_->openPrompts()->at(0).id;
  EXPECT_EQ(stored(id).expires_ms, kNoon + 2 * kHour);

  evaluate({offer}, kNoon + 3 * kHour, /*moving=*/false);
  const auto p = stored(id);
  EXPECT_EQ(p.state, "expired");
  EXPECT_FALSE(p.delivered_ms.has_value());
  EXPECT_TRUE(rulesOf("delivered").empty());
  EXPECT_EQ(rulesOf("expired").size(), 1U);
  // Expiry starts the cooldown: the same offer is not raised again.
  evaluate({offer}, kNoon + 4 * kHour);
  EXPECT_TRUE(store_->openPrompts()->empty());
}

TEST_F(EngineTest, APromptWithoutItsOwnExpiryLivesExpiryDays) {
  EngagementSettings s;
  s.expiry_days = 14;
  start(s);
  evaluate({condition("battery.hot_charging", Severity::kAdvisory)}, kNoon);
  EXPECT_EQ(store_->openPrompts()->at(0).expires_ms, kNoon + 14 * kDay);
}

TEST_F(EngineTest, AConditionThatWorsensUpdatesItsPromptInPlaceAndIsShownAgainAtOnce) {
  start();
  auto tyre = condition("tyres.pressure_low", Severity::kWarning, "front_left");
  evaluate({tyre}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_EQ(stored(id).state, "delivered");

  tyre.severity = Severity::kCritical;
  tyre.title = Text{"Front left tyre far too low", "左前轮胎压严重不足"};
  tyre.detail_json = R"({"pressure_kpa":180})";
  evaluate({tyre}, kNoon + kHour, /*moving=*/true);
  const auto p = stored(id);
  EXPECT_EQ(p.severity, "critical");
  EXPECT_EQ(p.title_en, "Front left tyre far too low");
  EXPECT_EQ(p.detail_json, R"({"pressure_kpa":180})");
  EXPECT_EQ(p.state, "delivered");
  EXPECT_EQ(p.delivered_ms, kNoon);
  EXPECT_EQ(store_->openPrompts()->size(), 1U);
  ASSERT_EQ(events_.size(), 3U);  // raised, delivered, delivered again as critical
  EXPECT_EQ(events_[2].event, "delivered");
  EXPECT_EQ(events_[2].prompt.severity, Severity::kCritical);

  // Better again: the words follow, the severity stays as high as it got
  // while open, and it is not shown again.
  tyre.severity = Severity::kWarning;
  tyre.title = Text{"Front left tyre low", "左前轮胎压低"};
  evaluate({tyre}, kNoon + 2 * kHour, /*moving=*/true);
  EXPECT_EQ(stored(id).severity, "critical");
  EXPECT_EQ(stored(id).title_en, "Front left tyre low");
  EXPECT_EQ(stored(id).state, "delivered");
  EXPECT_EQ(events_.size(), 3U);

  // Hovering at the critical edge: crossing it again shows nothing again.
  tyre.severity = Severity::kCritical;
  evaluate({tyre}, kNoon + 3 * kHour, /*moving=*/true);
  EXPECT_EQ(events_.size(), 3U);
}

// A critical finding is never silenced by the driver's earlier "dismiss": a
// tyre fixed and flat again is a new danger. A prompt that expired unseen
// starts no cooldown either.
TEST_F(EngineTest, CriticalPromptsAndUnseenExpiriesStartNoCooldown) {
  start();
  auto flat = condition("tyres.pressure_low", Severity::kCritical, "rear_right");
  evaluate({flat}, kNoon);
  const auto first = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(first, Action::kDismiss, kNoon + 1).ok());
  evaluate({}, kNoon + kHour);
  evaluate({flat}, kNoon + 2 * kHour);
  ASSERT_EQ(store_->openPrompts()->size(), 1U);
  EXPECT_NE(store_->openPrompts()->at(0).id, first);
}

TEST_F(EngineTest, ASnoozedPromptThatWorsensIsShownAgainAtOnce) {
  start();
  auto tyre = condition("tyres.pressure_low", Severity::kWarning, "rear_left");
  evaluate({tyre}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kSnooze, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());

  tyre.severity = Severity::kCritical;
  evaluate({tyre}, kNoon + kHour, /*moving=*/true);
  EXPECT_EQ(stored(id).state, "delivered");
  EXPECT_EQ(stored(id).severity, "critical");
  EXPECT_EQ(rulesOf("delivered").size(), 2U);
}

TEST_F(EngineTest, APromptOnScreenThatWorsensWhenTheCapIsSpentStaysOnScreen) {
  start();
  std::vector<Condition> holding{condition("a.one", Severity::kAdvisory),
                                 condition("b.two", Severity::kAdvisory),
                                 condition("c.three", Severity::kAdvisory)};
  evaluate(holding, kNoon);
  const auto id = store_->latestPrompt("c.three", "")->value().id;
  holding[2].severity = Severity::kWarning;
  evaluate(holding, kNoon + kHour);
  EXPECT_EQ(stored(id).severity, "warning");
  EXPECT_EQ(stored(id).state, "delivered");  // not hidden for being worse
  EXPECT_EQ(rulesOf("delivered").size(), 3U);
  EXPECT_EQ(engine_->visible()->at(0).id, id);  // now the most important
}

TEST_F(EngineTest, ActingOnAPromptThatIsNotDeliveredAndOpenIsRefusedAndChangesNothing) {
  start();
  // Driving: the critical one is shown, the info waits.
  evaluate({condition("report.ready", Severity::kInfo),
            condition("brakes.fluid_low", Severity::kCritical)},
           kNoon, /*moving=*/true);
  const auto waiting = store_->openPrompts()->at(0).id;
  const auto shown = store_->openPrompts()->at(1).id;
  ASSERT_EQ(stored(waiting).state, "raised");
  ASSERT_TRUE(engine_->act(shown, Action::kDismiss, kNoon + 1).ok());
  ASSERT_TRUE(store_->commit().ok());
  const auto before = *store_->promptCounts(0, kNoon + kDay);
  const auto events_before = events_.size();

  auto unknown = engine_->act(9999, Action::kAccept, kNoon + 2);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ActionError::kUnknownPrompt);
  auto not_delivered = engine_->act(waiting, Action::kDismiss, kNoon + 2);
  ASSERT_FALSE(not_delivered.ok());
  EXPECT_EQ(not_delivered.error().code, ActionError::kNotActionable);
  auto again = engine_->act(shown, Action::kSnooze, kNoon + 2);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ActionError::kNotActionable);
  EXPECT_NE(again.error().message.find("dismissed"), std::string::npos);

  EXPECT_FALSE(store_->hasStaged());
  const auto after = *store_->promptCounts(0, kNoon + kDay);
  EXPECT_EQ(after.dismissed, before.dismissed);
  EXPECT_EQ(after.snoozed, 0);
  EXPECT_EQ(stored(waiting).state, "raised");
  EXPECT_EQ(stored(shown).state, "dismissed");
  EXPECT_EQ(events_.size(), events_before);
}

TEST_F(EngineTest, ActionNamesAreTheHmiOnes) {
  EXPECT_EQ(actionFromName("accept"), Action::kAccept);
  EXPECT_EQ(actionFromName("snooze"), Action::kSnooze);
  EXPECT_EQ(actionFromName("dismiss"), Action::kDismiss);
  EXPECT_FALSE(actionFromName("later").has_value());
}

TEST_F(EngineTest, AfterARestartOpenPromptsAndTheDaysCapCarryOn) {
  start();
  std::vector<Condition> four;
  for (const char* rule : {"a.one", "b.two", "c.three", "d.four"}) {
    four.push_back(condition(rule, Severity::kAdvisory));
  }
  evaluate(four, kNoon);
  EXPECT_EQ(rulesOf("delivered").size(), 3U);

  engine_.reset();
  store_.reset();
  openStore();
  events_.clear();
  start();
  evaluate(four, kNoon + kHour);
  EXPECT_TRUE(events_.empty());  // nothing raised twice, the cap still spent
  EXPECT_EQ(store_->openPrompts()->size(), 4U);
  EXPECT_EQ(engine_->visible()->size(), 3U);

  evaluate(four, kNoon + kDay);
  EXPECT_EQ(rulesOf("delivered"), std::vector<std::string>{"d.four"});
}

}  // namespace
}  // namespace crm::engagement
