// The online detectors on hand-made sample streams: one behaviour per test.
#include "crm/analytics/analytics.h"
#include "crm/sync/envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using nlohmann::json;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kMin = 60'000;

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
    vehicle::VehicleInfo v;
    v.nominal_capacity_kwh = 75;
    analytics_ = std::make_unique<Analytics>(*store_, *store_, v);
  }

  void feed(std::int64_t ts, vehicle::SignalId id, double v) {
    ASSERT_TRUE(analytics_->onSample(vehicle::Sample{ts, id, v, 0}));
  }
  void feed(std::int64_t ts, vehicle::SignalId id, bool v) {
    ASSERT_TRUE(analytics_->onSample(vehicle::Sample{ts, id, v, 0}));
  }
  // A parked car's periodic report.
  void parked(std::int64_t ts, double soc, double odo_m = 1000) {
    feed(ts, sig::kIsMoving, false);
    feed(ts, sig::kIsCharging, false);
    feed(ts, sig::kPackCurrent, 0.0);
    feed(ts, sig::kPackVoltage, 380.0);
    feed(ts, sig::kPackPower, 0.0);
    feed(ts, sig::kSocCurrent, soc);
    feed(ts, sig::kTraveledDistance, odo_m);
  }
  // Charging at `kw` for `minutes` from `ts`, one step a minute; SOC rises
  // with the energy on a 75 kWh pack. Returns the end time.
  std::int64_t charge(std::int64_t ts, double soc, double kw, int minutes, bool dc,
                      bool temperature = true) {
    feed(ts, sig::kChargeLimit, 80.0);
    feed(ts, sig::kIsCharging, true);
    for (int i = 0; i < minutes; ++i) {
      const std::int64_t t = ts + i * kMin;
      feed(t, sig::kPackPower, kw * 1000);
      feed(t, sig::kPackVoltage, 400.0);
      feed(t, sig::kPackCurrent, kw * 1000 / 400);
      feed(t, dc ? sig::kChargeCurrentDc : sig::kChargeCurrentPhase1, dc ? kw * 1000 / 400 : 32.0);
      if (temperature) feed(t, sig::kPackTempMax, 30.0 + i * 0.1);
      feed(t, sig::kSocCurrent, soc + kw * i / 60.0 / 0.75);
    }
    const std::int64_t end = ts + minutes * kMin;
    feed(end, sig::kIsCharging, false);
    feed(end, sig::kPackPower, 0.0);
    feed(end, sig::kPackCurrent, 0.0);
    feed(end, sig::kSocCurrent, soc + kw * minutes / 60.0 / 0.75);
    return end;
  }
  void finish() {
    ASSERT_TRUE(analytics_->finish());
    ASSERT_TRUE(store_->commit().ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Analytics> analytics_;
};

TEST_F(AnalyticsTest, AcSessionHasIntegratedEnergyPowerAndType) {
  parked(kT0, 50);
  const std::int64_t end = charge(kT0 + kMin, 50, 7.2, 120, false);
  parked(end + kMin, 50 + 7.2 * 2 / 0.75);
  finish();

  const auto s = store_->chargingSessions(0, end + kMin);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].start_ms, kT0 + kMin);
  EXPECT_EQ(s[0].end_ms, end);
  EXPECT_NEAR(s[0].energy_kwh, 14.4, 1e-6);
  EXPECT_NEAR(s[0].peak_kw, 7.2, 1e-6);
  EXPECT_NEAR(s[0].average_kw, 7.2, 1e-6);
  EXPECT_FALSE(s[0].dc);
  EXPECT_FALSE(s[0].inferred);
  ASSERT_TRUE(s[0].pack_temp_max_c.has_value());
  EXPECT_NEAR(*s[0].pack_temp_max_c, 30.0 + 119 * 0.1, 1e-6);
  EXPECT_EQ(analytics_->counters().charging_sessions, 1U);
}

TEST_F(AnalyticsTest, APackTemperatureNeverReportedIsNullNotZero) {
  parked(kT0, 50);
  const std::int64_t end = charge(kT0 + kMin, 50, 7.2, 60, false, /*temperature=*/false);
  parked(end + kMin, 50 + 7.2 / 0.75);
  finish();

  const auto s = store_->chargingSessions(0, end + kMin);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_FALSE(s[0].pack_temp_max_c.has_value());
  const auto queued = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(queued.size(), 1U);
  EXPECT_TRUE(nlohmann::json::parse(queued[0].body)["pack_temp_max_c"].is_null());
}

TEST_F(AnalyticsTest, SessionCarriedByTheDcCurrentIsDc) {
  parked(kT0, 20);
  charge(kT0 + kMin, 20, 120, 20, true);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 3'600'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_TRUE(s[0].dc);
  EXPECT_NEAR(s[0].energy_kwh, 40, 1e-6);
}

TEST_F(AnalyticsTest, CompletedSessionIsQueuedAsChargeSessionMessage) {
  parked(kT0, 50);
  const std::int64_t end = charge(kT0 + kMin, 50, 7.2, 30, false);
  finish();

  const auto out = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].kind, "telemetry/charge-session");
  const auto j = json::parse(sync::envelope(out[0]), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["ts"], end);
  const auto& b = j["body"];
  for (const char* key :
       {"start_ms", "end_ms", "start_soc", "end_soc", "energy_kwh", "peak_kw", "average_kw",
        "current_type", "pack_temp_max_c", "interrupted", "inferred", "duration_min"}) {
    EXPECT_TRUE(b.contains(key)) << key;
  }
  EXPECT_EQ(b["current_type"], "ac");
  EXPECT_DOUBLE_EQ(b["energy_kwh"].get<double>(), 3.6);
}

TEST_F(AnalyticsTest, SessionStoppedBelowTheLimitIsInterrupted) {
  parked(kT0, 50);
  charge(kT0 + kMin, 50, 7.2, 60, false);  // ends near 59.6 %, limit 80 %
  finish();

  ASSERT_EQ(store_->chargingSessions(0, kT0 + 7'200'000).size(), 1U);
  EXPECT_TRUE(store_->chargingSessions(0, kT0 + 7'200'000)[0].interrupted);
}

TEST_F(AnalyticsTest, SocRiseAcrossSilenceIsAnInferredSession) {
  parked(kT0, 40);
  parked(kT0 + 5 * 3'600'000, 70);  // agent off for five hours
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 6 * 3'600'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_TRUE(s[0].inferred);
  EXPECT_EQ(s[0].start_ms, kT0);
  EXPECT_EQ(s[0].end_ms, kT0 + 5 * 3'600'000);
  EXPECT_NEAR(s[0].energy_kwh, 30 * 0.75, 1e-6);  // nominal capacity: no better one known
  EXPECT_EQ(analytics_->counters().inferred_sessions, 1U);
  const auto body = json::parse(store_->pendingOutbox(0, 1).value().at(0).body);
  EXPECT_TRUE(body["current_type"].is_null());
  EXPECT_TRUE(body["peak_kw"].is_null());
}

TEST_F(AnalyticsTest, AFirstSocArrivingAReportLateIsNotACharge) {
  // First data while parked, without SOC; the SOC comes with the next
  // 30-minute report. Unknown is not 0 %.
  feed(kT0, sig::kIsMoving, false);
  feed(kT0, sig::kIsCharging, false);
  feed(kT0, sig::kPackCurrent, 0.0);
  feed(kT0, sig::kTraveledDistance, 1000.0);
  for (int i = 1; i < 8; ++i) parked(kT0 + i * 30 * kMin, 70.1);
  finish();

  EXPECT_TRUE(store_->chargingSessions(0, kT0 + 86'400'000).empty());
}

TEST_F(AnalyticsTest, ASingleStrayReadingAfterAParkedSilenceIsNotACharge) {
  for (int i = 0; i < 6; ++i) parked(kT0 + i * 30 * kMin, 60.0);
  parked(kT0 + 6 * 30 * kMin, 64.2);  // one reading four points off
  for (int i = 7; i < 12; ++i) parked(kT0 + i * 30 * kMin, 60.0);
  finish();

  EXPECT_TRUE(store_->chargingSessions(0, kT0 + 86'400'000).empty());
}

TEST_F(AnalyticsTest, ARiseTheFollowingReadingsConfirmIsAnInferredSession) {
  for (int i = 0; i < 3; ++i) parked(kT0 + i * 30 * kMin, 40.0);
  const std::int64_t back = kT0 + 6 * 3'600'000;  // agent off for five hours
  parked(back, 70.4);
  parked(back + 30 * kMin, 69.8);
  parked(back + 60 * kMin, 70.0);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 86'400'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_TRUE(s[0].inferred);
  EXPECT_EQ(s[0].end_ms, back);
  EXPECT_DOUBLE_EQ(s[0].start_soc, 40.0);
  EXPECT_DOUBLE_EQ(s[0].end_soc, 70.0);  // the median of the three readings
  EXPECT_NEAR(s[0].energy_kwh, 30 * 0.75, 1e-6);
}

TEST_F(AnalyticsTest, TheInferenceThresholdGrowsWithTheNoiseAtRest) {
  // Readings scatter by about a point at rest: a lasting 4-point rise
  // across a silence is within what this pack's SOC can wander.
  for (int i = 0; i < 24; ++i) parked(kT0 + i * 30 * kMin, 60.0 + (i % 2));
  const std::int64_t back = kT0 + 17 * 3'600'000;
  for (int i = 0; i < 4; ++i) parked(back + i * 30 * kMin, 65.0 + (i % 2));
  finish();

  EXPECT_TRUE(store_->chargingSessions(0, kT0 + 86'400'000).empty());
}

TEST_F(AnalyticsTest, TheBmsChargedEnergyCounterDecidesAcrossASilence) {
  parked(kT0, 50);
  feed(kT0, sig::kChargedEnergy, 1000.0);
  // An SOC jump without counted energy (a BMS re-anchoring) is no charge.
  parked(kT0 + 5 * 3'600'000, 56);
  feed(kT0 + 5 * 3'600'000, sig::kChargedEnergy, 1000.0);
  // Counted energy is: 21 kWh, whatever the SOC says.
  parked(kT0 + 10 * 3'600'000, 85);
  feed(kT0 + 10 * 3'600'000, sig::kChargedEnergy, 1021.0);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 86'400'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_TRUE(s[0].inferred);
  EXPECT_EQ(s[0].start_ms, kT0 + 5 * 3'600'000);
  EXPECT_NEAR(s[0].energy_kwh, 21.0, 1e-9);
}

TEST_F(AnalyticsTest, ASessionSeenBeforeAnySocStartsAtTheFirstReportedSoc) {
  feed(kT0, sig::kIsMoving, false);
  feed(kT0, sig::kIsCharging, true);
  feed(kT0, sig::kPackPower, 7200.0);
  feed(kT0 + kMin, sig::kSocCurrent, 52.5);
  feed(kT0 + 30 * kMin, sig::kSocCurrent, 57.0);
  feed(kT0 + 31 * kMin, sig::kIsCharging, false);
  feed(kT0 + 31 * kMin, sig::kPackPower, 0.0);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 86'400'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_DOUBLE_EQ(s[0].start_soc, 52.5);
  EXPECT_DOUBLE_EQ(s[0].end_soc, 57.0);
}

TEST_F(AnalyticsTest, QuietParkedHalfHoursAreNotSessions) {
  for (int i = 0; i < 48; ++i) parked(kT0 + i * 30 * kMin, 60.0 + (i % 2) * 0.05);
  finish();

  EXPECT_TRUE(store_->chargingSessions(0, kT0 + 86'400'000).empty());
}

TEST_F(AnalyticsTest, TimerChargeStartingAtAParkedReportStartsThen) {
  parked(kT0, 50);
  // The next report comes 30 minutes later, together with the charge start.
  charge(kT0 + 30 * kMin, 50, 7.2, 30, false);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 86'400'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].start_ms, kT0 + 30 * kMin);
  EXPECT_NEAR(s[0].energy_kwh, 3.6, 1e-6);
}

TEST_F(AnalyticsTest, StaleZeroPowerFrameIsReplacedByVoltageTimesCurrent) {
  parked(kT0, 50);
  feed(kT0 + kMin, sig::kIsCharging, true);
  feed(kT0 + kMin, sig::kPackPower, 0.0);  // a repeat of the last frame
  feed(kT0 + kMin, sig::kPackCurrent, 18.0);
  feed(kT0 + kMin, sig::kPackVoltage, 400.0);
  for (int i = 2; i <= 60; ++i) {
    feed(kT0 + i * kMin, sig::kPackPower, 7200.0 + (i % 2));
    feed(kT0 + i * kMin, sig::kPackCurrent, 18.0 + (i % 2) * 0.1);
  }
  feed(kT0 + 61 * kMin, sig::kIsCharging, false);
  feed(kT0 + 61 * kMin, sig::kPackPower, 0.0);
  feed(kT0 + 61 * kMin, sig::kPackCurrent, 0.0);
  finish();

  const auto s = store_->chargingSessions(0, kT0 + 86'400'000);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_NEAR(s[0].energy_kwh, 7.2, 0.01);
}

TEST_F(AnalyticsTest, TripDistanceComesFromTheOdometer) {
  parked(kT0, 80, 10'000);
  feed(kT0 + kMin, sig::kAmbientTemp, 12.0);
  for (int i = 0; i <= 60; ++i) {
    const std::int64_t t = kT0 + kMin + i * 10'000;
    feed(t, sig::kIsMoving, true);
    feed(t, sig::kSpeed, 90.0);  // would integrate to 15 km
    feed(t, sig::kPackPower, -15'000.0);
    feed(t, sig::kTraveledDistance, 10'000.0 + i * 200.0);  // 12 km
  }
  const std::int64_t end = kT0 + kMin + 61 * 10'000;
  feed(end, sig::kIsMoving, false);
  feed(end, sig::kPackPower, 0.0);
  feed(end, sig::kTraveledDistance, 22'000.0);
  finish();

  const auto trips = store_->trips(0, end + 1);
  ASSERT_EQ(trips.size(), 1U);
  EXPECT_NEAR(trips[0].distance_km, 12.0, 1e-9);
  EXPECT_NEAR(trips[0].energy_kwh, 15.0 * 610 / 3600, 1e-6);
  ASSERT_TRUE(trips[0].ambient_c.has_value());
  EXPECT_NEAR(*trips[0].ambient_c, 12.0, 1e-9);
}

TEST_F(AnalyticsTest, ChargeBetweenTwoRestsGivesACapacityEstimate) {
  // Rest at 20 %, 45 kWh into a pack of 60 kWh usable (75 points), rest.
  parked(kT0, 20);
  feed(kT0 + kMin, sig::kIsCharging, true);
  for (int i = 1; i <= 60; ++i) {
    feed(kT0 + i * kMin, sig::kPackPower, 45'000.0 + (i % 2));
    feed(kT0 + i * kMin, sig::kPackCurrent, 112.5 + (i % 2) * 0.1);
    feed(kT0 + i * kMin, sig::kSocCurrent, 20 + 75.0 * (i - 1) / 60);
  }
  parked(kT0 + 61 * kMin, 95);
  parked(kT0 + 91 * kMin, 95.02);
  finish();

  const auto e = store_->capacityEstimates(0, kT0 + 86'400'000);
  ASSERT_EQ(e.size(), 1U);
  EXPECT_NEAR(e[0].capacity_kwh, 60.0, 0.05);
  EXPECT_NEAR(e[0].soc_span, 75.0, 0.05);
  EXPECT_EQ(analytics_->counters().capacity_estimates, 1U);
}

TEST_F(AnalyticsTest, WindowUnderThirtySocPointsGivesNoEstimate) {
  parked(kT0, 50);
  charge(kT0 + kMin, 50, 7.2, 120, false);  // 19 points
  parked(kT0 + 150 * kMin, 50 + 14.4 / 0.75);
  finish();

  EXPECT_TRUE(store_->capacityEstimates(0, kT0 + 86'400'000).empty());
}

}  // namespace
}  // namespace crm::analytics
