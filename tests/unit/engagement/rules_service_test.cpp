// Maintenance, campaigns, appointment reminders, report.ready and the visit
// invitation: windows, expiries, words from the CRM.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules_scenarios.h"

namespace crm::engagement::testing {
namespace {

TEST(ServiceRulesTest, MaintenanceDueSoonIsAdvisoryOverdueIsWarning) {
  Scenario s = healthyCar();
  auto& due = s.period.report.service.due[0];  // tire_rotation
  due.due_in_km = 1001;
  due.due_in_days = 31;
  EXPECT_TRUE(of(s, "maintenance.tire_rotation").empty());
  due.due_in_km = 1000;
  auto c = of(s, "maintenance.tire_rotation");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).severity, Severity::kAdvisory);
  EXPECT_EQ(c.at(0).subject, "tire_rotation");
  EXPECT_EQ(c.at(0).message.en, "Tyre rotation is due in 1000 km. Book a service.");
  EXPECT_EQ(c.at(0).message.zh, "轮胎换位还有1000 km到期。请预约保养。");
  due.due_in_days = 30;
  EXPECT_EQ(of(s, "maintenance.tire_rotation").at(0).message.en,
            "Tyre rotation is due in 1000 km or 30 days. Book a service.");
  due = {"tire_rotation", -300.0, 40, true};
  c = of(s, "maintenance.tire_rotation");
  EXPECT_EQ(c.at(0).severity, Severity::kWarning);
  EXPECT_EQ(c.at(0).title.en, "Tyre rotation overdue");
  EXPECT_EQ(c.at(0).message.en, "Tyre rotation is overdue by 300 km. Book a service.");
  const auto d = nlohmann::json::parse(c.at(0).detail_json);
  EXPECT_DOUBLE_EQ(d["due_in_km"].get<double>(), -300);
  EXPECT_EQ(d["due_in_days"], 40);
  EXPECT_EQ(d["overdue"], true);
}

TEST(ServiceRulesTest, MaintenanceWithoutFiguresSaysNothing) {
  Scenario s = healthyCar();
  s.period.report.service.due[2] = {"brake_fluid", std::nullopt, std::nullopt, false};
  EXPECT_TRUE(s.evaluate().empty());
}

TEST(ServiceRulesTest, CampaignsCarryTheirOwnWordsSeverityAndExpiry) {
  Scenario s = healthyCar();
  Campaign offer;
  offer.campaign_id = "SPRING";
  offer.kind = "offer";
  offer.severity = Severity::kInfo;
  offer.title = {"Spring offer", ""};
  offer.message = {"10 % off wipers.", "雨刮九折。"};
  offer.valid_until = kNow + kDay;
  Campaign old = offer;
  old.campaign_id = "OLD";
  old.valid_until = kNow;
  s.data.campaigns = {offer, old};
  const auto out = s.evaluate();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule, "campaign.SPRING");
  EXPECT_EQ(out[0].severity, Severity::kInfo);
  EXPECT_EQ(out[0].message.zh, "雨刮九折。");
  EXPECT_EQ(out[0].title.zh, "Spring offer");  // no Chinese title given: the English one
  EXPECT_EQ(out[0].expires_ms, kNow + kDay);
  EXPECT_FALSE(out[0].booking);
  EXPECT_FALSE(out[0].uncapped);
}

TEST(ServiceRulesTest, ARecallIsUncappedAndBooksAServiceCampaignBooksButIsCapped) {
  Scenario s = healthyCar();
  Campaign c;
  c.campaign_id = "R1";
  c.kind = "recall";
  c.severity = Severity::kCritical;
  c.title = {"Recall", "召回"};
  c.message = {"Book a visit.", "请预约。"};
  c.valid_until = kNow + 90 * kDay;
  Campaign service = c;
  service.campaign_id = "S1";
  service.kind = "service";
  service.severity = Severity::kAdvisory;
  s.data.campaigns = {c, service};
  const auto out = s.evaluate(Tier::kHigh);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].uncapped);
  EXPECT_TRUE(out[0].booking);
  EXPECT_EQ(out[0].severity, Severity::kCritical);
  EXPECT_EQ(out[0].message.en, "Book a visit.");  // the campaign's words, untouched
  EXPECT_FALSE(out[1].uncapped);
  EXPECT_TRUE(out[1].booking);
  EXPECT_EQ(nlohmann::json::parse(out[1].detail_json)["offer"], "pickup_delivery_priority");
}

class AppointmentTest : public ::testing::Test {
 protected:
  // 2026-06-16 09:30 in China (UTC+8) is 01:30Z.
  const std::int64_t at_ = dateMs("2026-06-16") + 90 * 60'000;
  Scenario at(std::int64_t now) {
    Scenario s = healthyCar();
    s.now = now;
    s.data.appointments.push_back({"A-1", at_, "Pudong EV", {}, now});
    return s;
  }
};

TEST_F(AppointmentTest, HoldsFromTheLocalDayBeforeUntilItsTime) {
  const std::int64_t day_before = dateMs("2026-06-14") + 16 * kHour;  // 2026-06-15 00:00 +08
  EXPECT_TRUE(of(at(day_before - 1), "appointment.reminder").empty());
  auto c = of(at(day_before), "appointment.reminder");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).subject, "A-1");
  EXPECT_EQ(c.at(0).expires_ms, at_);
  EXPECT_EQ(c.at(0).title.en, "Service visit tomorrow at 09:30");
  EXPECT_EQ(c.at(0).message.zh, "您在Pudong EV的保养预约是明天09:30，请合理安排出行。");
  c = of(at(at_ - kHour), "appointment.reminder");  // 08:30 on the day
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).title.en, "Service visit today at 09:30");
  EXPECT_EQ(c.at(0).title.zh, "今天09:30到店保养");
  EXPECT_TRUE(of(at(at_), "appointment.reminder").empty());
}

TEST_F(AppointmentTest, TheLocalDayFollowsTheUtcOffset) {
  // At UTC the appointment is on 2026-06-16 too, and the day before starts
  // at 2026-06-15T00:00Z, eight hours later than in China.
  Scenario s = at(dateMs("2026-06-14") + 20 * kHour);
  EXPECT_EQ(of(s, "appointment.reminder").size(), 1u);
  s.utc_offset_minutes = 0;
  EXPECT_TRUE(of(s, "appointment.reminder").empty());
  EXPECT_EQ(of(at(dateMs("2026-06-14") + 20 * kHour), "appointment.reminder").size(), 1u);
}

TEST(ServiceRulesTest, ReportReadyForSevenDaysAfterItWasMade) {
  Scenario s = healthyCar();
  s.period.latest_report_id = 7;
  s.period.latest_report_generated_ms = kNow - 7 * kDay;
  EXPECT_TRUE(of(s, "report.ready").empty());
  s.period.latest_report_generated_ms = kNow - 7 * kDay + 1;
  const auto c = of(s, "report.ready");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).subject, "7");
  EXPECT_EQ(c.at(0).severity, Severity::kInfo);
  EXPECT_EQ(c.at(0).expires_ms, kNow + 1);
}

TEST(ServiceRulesTest, VisitInvitationNineToTwelveMonthsAfterTheLastVisit) {
  Scenario s = healthyCar();
  s.period.report.service.last_visit = dateMs("2025-09-16");  // 8 months 30 days
  EXPECT_TRUE(of(s, "engagement.visit_invitation").empty());
  s.period.report.service.last_visit = dateMs("2025-09-15");  // 9 months
  auto c = of(s, "engagement.visit_invitation");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(c.at(0).detail_json)["months"], 9);
  EXPECT_EQ(c.at(0).expires_ms, dateMs("2026-09-15") - 8 * kHour);  // local midnight, UTC+8
  s.period.report.service.last_visit = dateMs("2025-06-16");        // 11 months 30 days
  c = of(s, "engagement.visit_invitation");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(c.at(0).detail_json)["months"], 11);
  s.period.report.service.last_visit = dateMs("2025-06-15");  // 12 months: lost, not invited
  EXPECT_TRUE(of(s, "engagement.visit_invitation").empty());
}

TEST(ServiceRulesTest, VisitInvitationCountsFromDeliveryWithoutAVisit) {
  Scenario s = healthyCar();
  s.period.report.service.last_visit.reset();
  s.vehicle.delivered = "2025-08-10";
  const auto c = of(s, "engagement.visit_invitation");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.at(0).message.en, "10 months since your car was delivered. Book a free check-up.");
  EXPECT_EQ(nlohmann::json::parse(c.at(0).detail_json)["delivered"], "2025-08-10");
  s.vehicle.delivered = "";  // unknown: no guess
  EXPECT_TRUE(of(s, "engagement.visit_invitation").empty());
}

TEST(ServiceRulesTest, NoVisitInvitationWhileAVisitIsBooked) {
  Scenario s = healthyCar();
  s.period.report.service.last_visit = dateMs("2025-08-01");
  s.data.appointments.push_back({"A-9", kNow + 20 * kDay, "", {}, kNow});
  EXPECT_TRUE(of(s, "engagement.visit_invitation").empty());
}

}  // namespace
}  // namespace crm::engagement::testing
