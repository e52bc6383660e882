// The pipeline on a manual clock: the report schedule, the day's end and a
// command's expiry are driven by moving time by hand, never by sleeping.
#include "crm/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "crm/common/civil_time.h"
#include "crm/reports/health_report.h"
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

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.file("c.db");
    o.full_sync = false;
    store_ = std::move(store::Store::open(o)).value();
    PipelineOptions p;
    p.vehicle.vin = kVin;
    p.report_period_days = 2;
    pipeline_ = std::make_unique<Pipeline>(*store_, clock_, p);
  }

  // An hour of a parked car at the clock's time: odometer and SOC.
  void sampleNow(double km) {
    const std::int64_t t = clock_.nowMs();
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kTraveledDistance, km * 1000, 0}));
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kSocCurrent, 70.0, 0}));
  }

  std::vector<std::string> committedKinds() {
    EXPECT_TRUE(store_->commit().ok());
    std::vector<std::string> kinds;
    for (const auto& m : store_->pendingOutbox(0, 1000).value()) kinds.push_back(m.kind);
    return kinds;
  }

  static std::string command(const std::string& id, std::int64_t issued, std::int64_t expires) {
    return json{{"id", id},
                {"issued_at", issued},
                {"expires_at", expires},
                {"vin", kVin},
                {"body", {{"period_days", 1}}}}
        .dump();
  }

  // A service campaign at warning (shown when parked, whatever the hour),
  // issued at `t0` and valid ten days.
  static std::string serviceCampaign(const std::string& id, const std::string& campaign,
                                     std::int64_t t0) {
    return json{{"id", id},
                {"issued_at", t0},
                {"vin", kVin},
                {"body",
                 {{"campaign_id", campaign},
                  {"kind", "service"},
                  {"severity", "warning"},
                  {"title", {{"en", "Free check"}, {"zh-CN", "免费检测"}}},
                  {"message", {{"en", "Book a visit."}, {"zh-CN", "请预约。"}}},
                  {"valid_until", t0 + 10 * kDay}}}}
        .dump();
  }

  crm::testing::TempDir dir_;
  os::ManualClock clock_{kT0 + kHour};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, TheClockClosesALiveCarsDayAndTheReportFollowsOnSchedule) {
  // Day 1 and day 2, a sample every few hours as the clock moves.
  for (int h = 1; h < 48; h += 4) {
    clock_.set(kT0 + h * kHour);
    sampleNow(1000 + h);
  }
  // Day 1 closed when day 2's first sample came; no report yet (the first
  // needs a whole period, two days, of data).
  EXPECT_EQ(committedKinds(), (std::vector<std::string>{"telemetry/daily"}));
  ASSERT_TRUE(pipeline_->tick());
  EXPECT_EQ(committedKinds().size(), 1U);  // day 2 is not over by the clock yet

  // Midnight passes with no sample: still within the grace for late samples.
  clock_.set(kT0 + 2 * kDay + 60'000);
  ASSERT_TRUE(pipeline_->tick());
  EXPECT_EQ(committedKinds().size(), 1U);
  // Past the grace: day 2 is closed by the clock, and the two-day report is due.
  clock_.set(kT0 + 2 * kDay + kHour);
  ASSERT_TRUE(pipeline_->tick());
  EXPECT_EQ(committedKinds(),
            (std::vector<std::string>{"telemetry/daily", "telemetry/daily", "health-report"}));
  // Once only: ticking again, or the next day's first sample, sends nothing new.
  ASSERT_TRUE(pipeline_->tick());
  sampleNow(1100);
  EXPECT_EQ(committedKinds().size(), 3U);
}

TEST_F(PipelineTest, AReportNowIsMadeOnRequestAndQueuedWithoutMovingTheSchedule) {
  for (int h = 1; h < 30; h += 4) {
    clock_.set(kT0 + h * kHour);
    sampleNow(1000 + h);
  }
  clock_.set(kT0 + 40 * kDay);  // the wall clock is far ahead: the data's time counts
  auto made = pipeline_->reportNow();
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->period.to_ms, store_->newestSampleMs().value() + 1);
  EXPECT_EQ(made->period.to_ms - made->period.from_ms, 2 * kDay);  // report_period_days
  const auto kinds = committedKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "health-report"), 1);
  const auto stored = store_->latestReport();
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->on_request);
  EXPECT_EQ(json::parse(stored->json)["vehicle"]["vin"], kVin);
  EXPECT_FALSE(store_->latestPeriodicReport().has_value());
}

TEST_F(PipelineTest, DataThatIsNotLiveIsNeverClosedByTheClock) {
  sampleNow(1000);
  // The clock is a month ahead of the data (a recording, a simulated car).
  clock_.set(kT0 + 30 * kDay);
  ASSERT_TRUE(pipeline_->tick());
  EXPECT_TRUE(committedKinds().empty());
}

TEST_F(PipelineTest, DataAnHourBehindTheClockIsNotClosedByItAtMidnight) {
  // A simulated car paced at real time but started an hour before the
  // clock: every sample arrives an hour late.
  for (int h = 20; h < 24; ++h) {
    clock_.set(kT0 + (h + 1) * kHour);
    const std::int64_t t = kT0 + h * kHour;
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t, sig::kTraveledDistance, 1000e3 + h, 0}));
  }
  // 00:30 by the clock; the data is at 23:00 and the day is not over for it.
  clock_.set(kT0 + kDay + 30 * 60'000);
  ASSERT_TRUE(pipeline_->tick());
  EXPECT_TRUE(committedKinds().empty());
}

TEST_F(PipelineTest, ACommandIsJudgedAtTheClocksNow) {
  sampleNow(1000);
  const std::int64_t now = clock_.nowMs();
  auto ok = pipeline_->command(
      "report-request", command("7f0c3e1a-0000-4000-8000-000000000001", now - 1000, now + 60'000));
  EXPECT_EQ(ok.status, commands::CommandStatus::kOk) << ok.reason;

  // Two minutes later the same kind of command with the same expiry is late.
  clock_.advance(2 * 60'000);
  auto late = pipeline_->command(
      "report-request", command("7f0c3e1a-0000-4000-8000-000000000002", now - 1000, now + 60'000));
  EXPECT_EQ(late.status, commands::CommandStatus::kRejected);
  EXPECT_NE(late.reason.find("expired"), std::string::npos) << late.reason;
  EXPECT_NE(late.reason.find(std::to_string(clock_.nowMs())), std::string::npos) << late.reason;
  EXPECT_EQ(pipeline_->commandCounts().ok, 1U);
  EXPECT_EQ(pipeline_->commandCounts().rejected, 1U);
}

// A car asleep sends nothing; the daemon's tick runs engagement on the wall
// clock while the data is live, and the driver's action is stamped then, not
// at the last sample (a morning snooze must last 24 h from the morning).
TEST_F(PipelineTest, ADriversActionIsStampedWithTheLatestTimeTheCarWasSeenAt) {
  sampleNow(1000);
  const std::int64_t t0 = clock_.nowMs();
  ASSERT_EQ(
      pipeline_
          ->command("campaign", serviceCampaign("7f0c3e1a-0000-4000-8000-000000000003", "c1", t0))
          .status,
      commands::CommandStatus::kOk);
  auto shown = pipeline_->visiblePrompts().value();
  ASSERT_EQ(shown.size(), 1U);
  EXPECT_EQ(shown[0].rule, "campaign.c1");
  EXPECT_EQ(shown[0].delivered_ms, t0);

  clock_.advance(3 * 60'000);  // live: within the lag of the last sample
  ASSERT_TRUE(pipeline_->tick());
  ASSERT_TRUE(pipeline_->promptAction(shown[0].id, engagement::Action::kSnooze).ok());
  const auto stored = store_->prompt(shown[0].id).value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, "snoozed");
  EXPECT_EQ(stored->state_ms, t0 + 3 * 60'000);
  EXPECT_EQ(stored->snoozed_until, t0 + 3 * 60'000 + 24 * kHour);
}

// A card shown while parked is hidden when the car drives off, and cannot be
// acted on until it parks again (only critical prompts show while moving).
TEST_F(PipelineTest, WhileTheCarMovesOnlyCriticalPromptsAreShownOrActedOn) {
  sampleNow(1000);
  const std::int64_t t0 = clock_.nowMs();
  ASSERT_EQ(
      pipeline_
          ->command("campaign", serviceCampaign("7f0c3e1a-0000-4000-8000-000000000004", "c2", t0))
          .status,
      commands::CommandStatus::kOk);
  const auto id = pipeline_->visiblePrompts().value().at(0).id;

  ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t0 + 1000, sig::kIsMoving, true, 0}));
  EXPECT_TRUE(pipeline_->visiblePrompts().value().empty());
  const auto refused = pipeline_->promptAction(id, engagement::Action::kDismiss);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, engagement::ActionError::kNotActionable);
  EXPECT_EQ(store_->prompt(id).value()->state, "delivered");

  ASSERT_TRUE(pipeline_->feed(vehicle::Sample{t0 + 2000, sig::kIsMoving, false, 0}));
  ASSERT_EQ(pipeline_->visiblePrompts().value().size(), 1U);
  EXPECT_TRUE(pipeline_->promptAction(id, engagement::Action::kDismiss).ok());
  EXPECT_EQ(pipeline_->promptAction(id + 100, engagement::Action::kDismiss).error().code,
            engagement::ActionError::kUnknownPrompt);
}

// The driver withdraws consent: prompt history still waiting in the outbox
// is not sent; service requests and everything else stay.
TEST_F(PipelineTest, WithdrawnConsentTakesBackQueuedPromptHistory) {
  PipelineOptions p;
  p.vehicle.vin = kVin;
  p.share_prompt_history = true;
  pipeline_ = std::make_unique<Pipeline>(*store_, clock_, p);
  sampleNow(1000);
  const std::int64_t t0 = clock_.nowMs();
  ASSERT_EQ(
      pipeline_
          ->command("campaign", serviceCampaign("7f0c3e1a-0000-4000-8000-000000000005", "c3", t0))
          .status,
      commands::CommandStatus::kOk);
  auto kinds = committedKinds();
  ASSERT_EQ(std::count(kinds.begin(), kinds.end(), "prompts"), 2);  // raised, delivered

  pipeline_->setEngagement({}, /*share_prompt_history=*/false);
  kinds = committedKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "prompts"), 0);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "cmd-result"), 1);
}

TEST_F(PipelineTest, FinishClosesTheLastDayAndReportsThePeriodEndingAtTheLastSample) {
  sampleNow(1000);
  clock_.advance(3 * kHour);
  sampleNow(1010);
  auto last = pipeline_->finish();
  ASSERT_TRUE(last.ok()) << last.error().message;
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->period.to_ms, clock_.nowMs() + 1);
  EXPECT_EQ(committedKinds(), (std::vector<std::string>{"telemetry/daily", "health-report"}));
}

TEST_F(PipelineTest, AReportCountsTheRejectsOfItsOwnPeriodAcrossRestarts) {
  auto rejectNow = [&](int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(pipeline_->feed(vehicle::Rejected{vehicle::RejectKind::kMalformed, "bad", 1}));
    }
  };
  auto reportOfDays = [&](int days) {
    reports::ReportContext rc;
    auto r = reports::generateReport(*store_, *store_, *store_, {},
                                     reports::periodEnding(clock_.nowMs() + 1, days), rc);
    EXPECT_TRUE(r.ok());
    return r->data_quality.rejected;
  };
  rejectNow(2);  // before any sample: counted on the day the first one opens
  sampleNow(1000);
  rejectNow(5);
  for (int d = 1; d <= 9; ++d) {
    clock_.set(kT0 + d * kDay + kHour);
    sampleNow(1000 + d);
  }
  ASSERT_TRUE(store_->commit().ok());
  // The agent restarts on day 10: the count lives in the cache, not in memory.
  pipeline_.reset();
  pipeline_ = std::make_unique<Pipeline>(*store_, clock_, PipelineOptions{});
  clock_.set(kT0 + 9 * kDay + 2 * kHour);
  rejectNow(3);
  EXPECT_EQ(reportOfDays(3), std::optional<std::uint64_t>(3));  // days 7-9: today's three
  EXPECT_EQ(reportOfDays(10), std::optional<std::uint64_t>(10));
}

}  // namespace
}  // namespace crm::pipeline
