// The erase command: {"scope": "personal"} erases the driver's personal data
// in the command's unit and answers ok with what it deleted; any other body
// is rejected with its reason and erases nothing.
#include "crm/store/meta_keys.h"
#include "processor_fixture.h"

namespace crm::commands::test {
namespace {

constexpr std::int64_t kDay = 86'400'000;

class EraseCommandTest : public ProcessorTest {
 protected:
  // The driver's data, as the CRM and the car made it.
  void holdPersonalData() {
    ASSERT_EQ(send("customer-profile",
                   json{{"id", "00000000-0000-4000-8000-0000000000a1"},
                        {"issued_at", kNow - 1000},
                        {"vin", kVin},
                        {"body", {{"tier", "high"}, {"language", "zh-CN"}, {"dealer_id", "D-9"}}}}
                       .dump())
                  .status,
              CommandStatus::kOk);
    ASSERT_EQ(send("appointment", json{{"id", "00000000-0000-4000-8000-0000000000a2"},
                                       {"issued_at", kNow - 1000},
                                       {"vin", kVin},
                                       {"body",
                                        {{"appointment_id", "A-1"},
                                         {"at", kNow + 2 * kDay},
                                         {"dealer_name", "Sunrise Motors"},
                                         {"items", {"tire_rotation"}}}}}
                                      .dump())
                  .status,
              CommandStatus::kOk);
    store::PromptRecord p;
    p.rule = "tyres.pressure_low";
    p.subject = "front_left";
    p.severity = "warning";
    p.state = "dismissed";
    p.title_en = "Front left tyre low";
    p.raised_ms = kNow - kDay;
    p.state_ms = kNow - kDay;
    auto id = store_->addPrompt(p);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(store_->addPromptEvent({*id, kNow - kDay, "raised"}).ok());
    ASSERT_TRUE(store_->addTrip({kNow - kDay, kNow - kDay + 60'000, 12.5, 2.0, 15.0}).ok());
    ASSERT_TRUE(store_->commit().ok());
  }

  bool holdsPersonalData() {
    return store_->meta(store::kProfileLanguageKey).has_value() &&
           !store_->appointments()->empty() && !store_->promptsRaised(0, kNow + kDay)->empty() &&
           !store_->trips(0, kNow + kDay).empty();
  }
};

TEST_F(EraseCommandTest, PersonalScopeErasesInTheCommandsUnitAndAnswersWithTheCounts) {
  ASSERT_NO_FATAL_FAILURE(holdPersonalData());
  ASSERT_TRUE(holdsPersonalData());

  const auto o = processor_->handleMqtt("erase", withBody({{"scope", "personal"}}), context_);

  ASSERT_EQ(o.status, CommandStatus::kOk) << o.reason;
  ASSERT_TRUE(o.erased.has_value());
  EXPECT_EQ(o.erased->prompts, 1);
  EXPECT_EQ(o.erased->prompt_events, 1);
  EXPECT_EQ(o.erased->trips, 1);
  EXPECT_EQ(o.erased->appointments, 1);
  EXPECT_EQ(o.erased->profile, 3);
  // Staged with its answer and its id: all three durable at the one commit.
  EXPECT_TRUE(store_->commandSeen(kId).value());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_FALSE(store_->erasePending());
  EXPECT_FALSE(holdsPersonalData());
  EXPECT_FALSE(store_->meta(store::kProfileLanguageKey).has_value());
  EXPECT_TRUE(store_->appointments()->empty());

  const auto r = results();
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r.back(), (json{{"command_id", kId},
                            {"command", "erase"},
                            {"status", "ok"},
                            {"reason", nullptr},
                            {"detail", {{"erased", store::toJson(*o.erased)}}}}));
}

TEST_F(EraseCommandTest, OtherCommandsCarryNoDetail) {
  const auto o = send("report-request", withBody({{"period_days", 7}}));
  ASSERT_EQ(o.status, CommandStatus::kOk);
  EXPECT_FALSE(o.erased.has_value());
  EXPECT_FALSE(results().back().contains("detail"));
}

TEST_F(EraseCommandTest, AnEraseWithNothingToEraseIsOkWithZeros) {
  const auto o = send("erase", withBody({{"scope", "personal"}}));
  ASSERT_EQ(o.status, CommandStatus::kOk) << o.reason;
  EXPECT_EQ(*o.erased, store::ErasedCounts{});
}

TEST_F(EraseCommandTest, ADuplicateEraseIsRejectedAsSuch) {
  ASSERT_EQ(send("erase", withBody({{"scope", "personal"}})).status, CommandStatus::kOk);
  const auto again = send("erase", withBody({{"scope", "personal"}}));
  EXPECT_EQ(again.status, CommandStatus::kRejected);
  EXPECT_NE(again.reason.find("id: already processed"), std::string::npos) << again.reason;
}

struct BadErase {
  const char* label;
  json body;
  const char* reason;
};

void PrintTo(const BadErase& b, std::ostream* os) {
  *os << b.label;
}

class EraseRejectionTest : public EraseCommandTest,
                           public ::testing::WithParamInterface<BadErase> {};

TEST_P(EraseRejectionTest, IsRejectedWithItsReasonAndErasesNothing) {
  ASSERT_NO_FATAL_FAILURE(holdPersonalData());
  const auto before = stateOf(dir_.file("c.db"));

  const auto o = send("erase", withBody(GetParam().body));

  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find(GetParam().reason), std::string::npos) << o.reason;
  EXPECT_FALSE(o.erased.has_value());
  EXPECT_FALSE(store_->commandSeen(kId).value());
  EXPECT_TRUE(holdsPersonalData());
  EXPECT_EQ(stateOf(dir_.file("c.db")), before);
  EXPECT_FALSE(results().back().contains("detail"));
}

INSTANTIATE_TEST_SUITE_P(
    EveryReason, EraseRejectionTest,
    ::testing::Values(
        BadErase{"ScopeMissing", json::object(), "body.scope: missing (expected \"personal\")"},
        BadErase{"ScopeAll", {{"scope", "all"}}, "body.scope: 'all' is not a scope"},
        BadErase{"ScopeVehicle", {{"scope", "vehicle"}}, "body.scope: 'vehicle' is not a scope"},
        BadErase{"ScopeEmpty", {{"scope", ""}}, "body.scope: '' is not a scope"},
        BadErase{"ScopeCase", {{"scope", "Personal"}}, "body.scope: 'Personal' is not a scope"},
        BadErase{"ScopeANumber", {{"scope", 1}}, "body.scope: expected the string \"personal\""},
        BadErase{"ScopeAList", {{"scope", {"personal"}}}, "body.scope: expected the string"},
        BadErase{"ScopeLong",
                 {{"scope", std::string(300, 'x')}},
                 "body.scope: the value is not a scope"}),
    [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace crm::commands::test
