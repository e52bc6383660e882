// The driver's data rights through the pipeline: an erase (the command or
// the technician's operation) leaves nothing of the driver in the
// engagement's memory to be written again, and prompt history queued
// without consent is never sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crm/common/civil_time.h"
#include "crm/pipeline/pipeline.h"
#include "crm/store/meta_keys.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/signals.h"

namespace crm::pipeline {
namespace {

using nlohmann::json;
namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = civil::kMsPerDay;
constexpr char kVin[] = "LRW3E7EK5NC000001";

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.file("c.db");
    o.full_sync = false;
    store_ = std::move(store::Store::open(o)).value();
    start(/*share_prompt_history=*/false);
  }

  void start(bool share_prompt_history) {
    pipeline_.reset();
    PipelineOptions p;
    p.vehicle.vin = kVin;
    p.share_prompt_history = share_prompt_history;
    pipeline_ = std::make_unique<Pipeline>(*store_, clock_, p);
  }

  // A parked car at the clock's time (midday: no quiet hours).
  void sampleNow() {
    const std::int64_t t = clock_.nowMs();
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kTraveledDistance, 1'000'000.0, 0}));
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kSocCurrent, 70.0, 0}));
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kIsMoving, false, 0}));
  }

  commands::Outcome send(const std::string& name, const std::string& id, json body) {
    return pipeline_->command(
        name,
        json{{"id", id}, {"issued_at", clock_.nowMs()}, {"vin", kVin}, {"body", std::move(body)}}
            .dump());
  }

  json campaign(const std::string& id, const std::string& kind, const std::string& severity) {
    return {{"campaign_id", id},
            {"kind", kind},
            {"severity", severity},
            {"title", {{"en", "Campaign " + id}, {"zh-CN", "活动"}}},
            {"message", {{"en", "Book a visit."}, {"zh-CN", "请预约。"}}},
            {"valid_until", clock_.nowMs() + 10 * kDay}};
  }

  // The driver as the CRM described them, an offer and a recall for the car.
  void knowTheDriver() {
    ASSERT_NO_FATAL_FAILURE(sampleNow());
    ASSERT_EQ(send("customer-profile", "00000000-0000-4000-8000-000000000001",
                   {{"tier", "high"}, {"language", "zh-CN"}, {"dealer_id", "D-PRIVATE"}})
                  .status,
              commands::CommandStatus::kOk);
    ASSERT_EQ(send("campaign", "00000000-0000-4000-8000-000000000002",
                   campaign("offer-1", "offer", "advisory"))
                  .status,
              commands::CommandStatus::kOk);
    ASSERT_EQ(send("campaign", "00000000-0000-4000-8000-000000000003",
                   campaign("recall-1", "recall", "warning"))
                  .status,
              commands::CommandStatus::kOk);
    ASSERT_TRUE(store_->commit().ok());
    ASSERT_EQ(pipeline_->language(), engagement::Language::kZhCn);
    ASSERT_EQ(store_->openPrompts()->size(), 2U);
  }

  std::vector<store::OutboxMessage> committed(std::string_view kind) {
    EXPECT_TRUE(store_->commit().ok());
    std::vector<store::OutboxMessage> out;
    for (auto& m : store_->pendingOutbox(0, 1000).value()) {
      if (m.kind == kind) out.push_back(std::move(m));
    }
    return out;
  }

  // After an erase: the driver is forgotten, the car's recall is not.
  void expectTheDriverForgotten() {
    EXPECT_EQ(pipeline_->language(), engagement::Language::kEn);
    EXPECT_FALSE(store_->meta(store::kProfileDealerKey).has_value());
    auto open = store_->openPrompts().value();
    ASSERT_EQ(open.size(), 1U);
    EXPECT_EQ(open[0].rule, "campaign.recall-1");  // raised anew: the recall still holds
    // Every event belongs to a prompt that exists: nothing was written for
    // an erased one.
    const auto all = store_->promptsRaised(0, kT0 + 30 * kDay).value();
    EXPECT_EQ(store_->promptCounts(0, kT0 + 30 * kDay)->raised,
              static_cast<std::int64_t>(all.size()));
    // The recall's booking, accepted: the service request names no dealer
    // and speaks the configured language, not the erased profile's.
    ASSERT_EQ(open[0].state, "delivered");
    ASSERT_TRUE(pipeline_->promptAction(open[0].id, engagement::Action::kAccept).ok());
    const auto requests = committed("service-request");
    ASSERT_EQ(requests.size(), 1U);
    const auto body = json::parse(requests[0].body);
    EXPECT_TRUE(body["dealer_id"].is_null()) << body.dump();
    EXPECT_EQ(body["language"], "en");
  }

  crm::testing::TempDir dir_;
  os::ManualClock clock_{kT0 + 12 * kHour};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PrivacyTest, AnEraseCommandLeavesNothingOfTheDriverInTheEngagementsMemory) {
  ASSERT_NO_FATAL_FAILURE(knowTheDriver());

  const auto o = send("erase", "00000000-0000-4000-8000-000000000004", {{"scope", "personal"}});

  ASSERT_EQ(o.status, commands::CommandStatus::kOk) << o.reason;
  ASSERT_TRUE(o.erased.has_value());
  EXPECT_EQ(o.erased->prompts, 2);
  EXPECT_EQ(o.erased->offers, 1);
  EXPECT_EQ(o.erased->profile, 3);
  ASSERT_TRUE(store_->commit().ok());
  // Minutes later the rules have run again: the offer is not raised again.
  clock_.advance(5 * 60'000);
  ASSERT_NO_FATAL_FAILURE(sampleNow());
  ASSERT_NO_FATAL_FAILURE(expectTheDriverForgotten());
}

TEST_F(PrivacyTest, TheTechniciansEraseDoesWhatTheCommandDoes) {
  ASSERT_NO_FATAL_FAILURE(knowTheDriver());

  auto erased = pipeline_->erasePersonal();

  ASSERT_TRUE(erased.ok()) << erased.error().message;
  EXPECT_EQ(erased->prompts, 2);
  EXPECT_EQ(erased->profile, 3);
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_FALSE(store_->erasePending());
  ASSERT_NO_FATAL_FAILURE(expectTheDriverForgotten());
}

// A trip under way when the erase arrives is recorded from the erase on:
// nothing driven before it is written afterwards.
TEST_F(PrivacyTest, ATripUnderWayIsRecordedFromTheEraseOn) {
  auto feed = [&](vehicle::SignalId signal, vehicle::Value value) {
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{clock_.nowMs(), signal, std::move(value), 0}));
  };
  ASSERT_NO_FATAL_FAILURE(sampleNow());
  clock_.advance(60'000);
  feed(sig::kIsMoving, true);
  feed(sig::kTraveledDistance, 1'000'000.0);
  clock_.advance(5 * 60'000);
  feed(sig::kTraveledDistance, 1'005'000.0);
  const std::int64_t before_erase = clock_.nowMs();
  clock_.advance(60'000);
  feed(sig::kSocCurrent, 69.0);
  ASSERT_EQ(send("erase", "00000000-0000-4000-8000-000000000004", {{"scope", "personal"}}).status,
            commands::CommandStatus::kOk);
  clock_.advance(5 * 60'000);
  feed(sig::kTraveledDistance, 1'012'000.0);
  feed(sig::kIsMoving, false);
  clock_.advance(60'000);
  feed(sig::kSocCurrent, 68.0);
  ASSERT_TRUE(store_->commit().ok());

  const auto trips = store_->trips(0, kT0 + kDay);
  ASSERT_EQ(trips.size(), 1U);
  EXPECT_GE(trips[0].start_ms, before_erase);
  EXPECT_DOUBLE_EQ(trips[0].distance_km, 7.0);
}

TEST_F(PrivacyTest, ARejectedEraseForgetsNothing) {
  ASSERT_NO_FATAL_FAILURE(knowTheDriver());

  const auto o = send("erase", "00000000-0000-4000-8000-000000000004", {{"scope", "all"}});

  EXPECT_EQ(o.status, commands::CommandStatus::kRejected);
  EXPECT_EQ(pipeline_->language(), engagement::Language::kZhCn);
  EXPECT_EQ(store_->openPrompts()->size(), 2U);
  EXPECT_EQ(store_->meta(store::kProfileDealerKey), "D-PRIVATE");
}

// Consent withdrawn while the agent was stopped (the file edited, then a
// start): what was queued with consent is not sent.
TEST_F(PrivacyTest, PromptHistoryQueuedWithConsentIsNotSentAfterAStartWithout) {
  start(/*share_prompt_history=*/true);
  ASSERT_NO_FATAL_FAILURE(sampleNow());
  ASSERT_EQ(send("campaign", "00000000-0000-4000-8000-000000000003",
                 campaign("recall-1", "recall", "warning"))
                .status,
            commands::CommandStatus::kOk);
  ASSERT_EQ(committed("prompts").size(), 2U);  // raised, delivered

  start(/*share_prompt_history=*/false);

  EXPECT_TRUE(committed("prompts").empty());
  EXPECT_EQ(committed("cmd-result").size(), 1U);
}

// With consent the history queued stays queued across a restart.
TEST_F(PrivacyTest, PromptHistoryQueuedWithConsentStaysWhenConsentStays) {
  start(/*share_prompt_history=*/true);
  ASSERT_NO_FATAL_FAILURE(sampleNow());
  ASSERT_EQ(send("campaign", "00000000-0000-4000-8000-000000000003",
                 campaign("recall-1", "recall", "warning"))
                .status,
            commands::CommandStatus::kOk);
  ASSERT_EQ(committed("prompts").size(), 2U);

  start(/*share_prompt_history=*/true);

  EXPECT_EQ(committed("prompts").size(), 2U);
}

}  // namespace
}  // namespace crm::pipeline
