// The period summaries on hand-made records and samples.
#include <gtest/gtest.h>

#include "crm/analytics/health.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 86'400'000;

class HealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
  }
  void sample(std::int64_t ts, vehicle::SignalId id, double v) {
    ASSERT_TRUE(store_->addSample(vehicle::Sample{ts, id, v, 0}).ok());
  }
  void flag(std::int64_t ts, vehicle::SignalId id, bool v) {
    ASSERT_TRUE(store_->addSample(vehicle::Sample{ts, id, v, 0}).ok());
  }
  store::ChargingSession session(std::int64_t start, double kwh, bool dc, double peak_kw,
                                 double temp_c) {
    store::ChargingSession s;
    s.start_ms = start;
    s.end_ms = start + kHour;
    s.start_soc = 30;
    s.end_soc = 80;
    s.energy_kwh = kwh;
    s.dc = dc;
    s.peak_kw = peak_kw;
    s.average_kw = kwh;
    s.pack_temp_max_c = temp_c;
    return s;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  vehicle::VehicleInfo vehicle_;
};

TEST_F(HealthTest, ChargingSummaryCountsDcShareFastAndHotSessions) {
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->addChargingSession(session(kT0 + i * kDay, 10, false, 7, 30)).ok());
  ASSERT_TRUE(store_->addChargingSession(session(kT0 + 4 * kDay, 20, true, 120, 46)).ok());
  ASSERT_TRUE(store_->commit().ok());

  const auto c = summarizeCharging(*store_, vehicle_, {kT0, kT0 + 30 * kDay});

  EXPECT_EQ(c.sessions, 4);
  EXPECT_DOUBLE_EQ(c.energy_kwh, 50);
  ASSERT_TRUE(c.dc_energy_share.has_value());
  EXPECT_DOUBLE_EQ(*c.dc_energy_share, 0.4);
  EXPECT_EQ(c.dc_sessions, 1);
  EXPECT_EQ(c.sessions_over_100kw, 1);
  EXPECT_EQ(c.hot_charging_sessions, 1);
  EXPECT_EQ(c.habit_scores.fast_charging, 2);  // 40 %: the warning edge
  EXPECT_EQ(c.habit_scores.charging_temperature, 4);
  EXPECT_DOUBLE_EQ(*c.average_start_soc, 30);
}

TEST_F(HealthTest, NoSessionsLeaveAveragesAndShareNull) {
  const auto c = summarizeCharging(*store_, vehicle_, {kT0, kT0 + 30 * kDay});
  EXPECT_EQ(c.sessions, 0);
  EXPECT_FALSE(c.dc_energy_share.has_value());
  EXPECT_FALSE(c.average_start_soc.has_value());
  EXPECT_EQ(c.habit_scores.fast_charging, 5);
}

TEST_F(HealthTest, ParkingAboveNinetyPercentOvernightCountsAsDwell) {
  flag(kT0, sig::kIsMoving, false);
  flag(kT0, sig::kIsCharging, false);
  for (int h = 0; h <= 10; ++h) sample(kT0 + h * kHour / 2, sig::kSocCurrent, 95 + (h % 2) * 0.1);
  for (int h = 0; h < 48; ++h)
    sample(kT0 + 5 * kHour + h * kHour / 2, sig::kSocCurrent, 60 + (h % 2) * 0.1);
  ASSERT_TRUE(store_->commit().ok());

  const auto nmc = summarizeCharging(*store_, vehicle_, {kT0, kT0 + 30 * kHour});
  vehicle::VehicleInfo lfp = vehicle_;
  lfp.chemistry = "LFP";
  const auto lfp_summary = summarizeCharging(*store_, lfp, {kT0, kT0 + 30 * kHour});

  EXPECT_NEAR(nmc.high_soc_dwell_hours, 5.0, 0.01);
  EXPECT_LE(nmc.habit_scores.high_soc_parking, 3);  // 5 h of 30 parked: 17 %
  EXPECT_EQ(lfp_summary.habit_scores.high_soc_parking, 5);
}

TEST_F(HealthTest, DeepDischargeEventsAreCountedOnceEachAndBelowFiveIsWorse) {
  const double socs[] = {30, 9.5, 9.4, 9.6, 9.3, 40, 4.5, 50};
  for (int i = 0; i < 8; ++i) sample(kT0 + i * kHour, sig::kSocCurrent, socs[i]);
  ASSERT_TRUE(store_->commit().ok());

  const auto c = summarizeCharging(*store_, vehicle_, {kT0, kT0 + 30 * kDay});

  EXPECT_EQ(c.deep_discharge_events, 2);
  EXPECT_EQ(c.habit_scores.deep_discharge, 2);
}

TEST_F(HealthTest, SohWithoutDataIsNullAndGood) {
  const auto s = summarizeSoh(*store_, vehicle_, {kT0, kT0 + 30 * kDay});
  EXPECT_FALSE(s.value.has_value());
  EXPECT_FALSE(s.source.has_value());
  EXPECT_FALSE(s.degradation_percent_per_year.has_value());
  EXPECT_FALSE(s.projected_80_date.has_value());
  EXPECT_EQ(s.status, "good");
  EXPECT_DOUBLE_EQ(s.fleet_typical_percent_per_year, 2.3);
}

TEST_F(HealthTest, EstimatesAloneGiveAnEstimatedSohWithAnInterval) {
  for (int d = 0; d < 60; d += 3) {
    ASSERT_TRUE(store_->addCapacityEstimate({kT0 + d * kDay, 70.5 + (d % 2) * 0.2, 40, 20}).ok());
  }
  ASSERT_TRUE(store_->commit().ok());

  const auto s = summarizeSoh(*store_, vehicle_, {kT0 + 30 * kDay, kT0 + 60 * kDay});

  ASSERT_TRUE(s.value.has_value());
  EXPECT_EQ(*s.source, "estimated");
  EXPECT_NEAR(*s.value, 94.1, 0.3);  // 70.6 / 75
  EXPECT_LT(*s.low, *s.value);
  EXPECT_GT(*s.high, *s.value);
  EXPECT_FALSE(s.degradation_percent_per_year.has_value());  // under 90 days
}

TEST_F(HealthTest, ABmsAloneReadingItsWholeBiasLowStillHasTheTruthInsideItsInterval) {
  // No capacity estimate yet (a car that charged little in its first
  // months); the BMS reads 1.5 points below the truth of 99.4, day after day.
  for (int d = 0; d < 30; ++d) sample(kT0 + d * kDay + 12 * kHour, sig::kSoh, 97.9);
  ASSERT_TRUE(store_->commit().ok());

  const auto s = summarizeSoh(*store_, vehicle_, {kT0, kT0 + 30 * kDay});

  ASSERT_TRUE(s.value.has_value());
  EXPECT_EQ(*s.source, "bms");
  EXPECT_NEAR(*s.value, 97.9, 0.05);
  EXPECT_GE(*s.high, 99.4);
  EXPECT_LE(*s.low, 96.4);
}

TEST_F(HealthTest, BmsAndEstimateCombineAndAYearGivesARateAndProjection) {
  // A year: SOH falls 3 points, BMS 1 point high; the odometer 15,000 km.
  for (int d = 0; d <= 365; ++d) {
    const std::int64_t t = kT0 + d * kDay + 12 * kHour;
    const double soh = 100.0 - 3.0 * d / 365.0;
    sample(t, sig::kSoh, soh + 1.0);
    sample(t, sig::kTraveledDistance, d * 41'096.0);
    if (d % 4 == 0) {
      ASSERT_TRUE(store_->addCapacityEstimate({t, 0.75 * soh, 40, 20}).ok());
    }
  }
  ASSERT_TRUE(store_->commit().ok());
  const std::int64_t end = kT0 + 366 * kDay;

  const auto s = summarizeSoh(*store_, vehicle_, {end - 30 * kDay, end});

  EXPECT_EQ(*s.source, "combined");
  EXPECT_NEAR(*s.bms_percent, 98.0, 0.1);
  EXPECT_NEAR(*s.estimated_percent, 97.0, 0.1);
  EXPECT_NEAR(*s.value, 97.0, 0.3);
  ASSERT_TRUE(s.degradation_percent_per_year.has_value());
  EXPECT_NEAR(*s.degradation_percent_per_year, 3.0, 0.05);
  ASSERT_TRUE(s.projected_80_date.has_value());
  EXPECT_EQ(s.projected_80_date->substr(0, 4), "2032");  // 17 points at 3 a year
  ASSERT_TRUE(s.projected_80_odometer_km.has_value());
  EXPECT_NEAR(*s.projected_80_odometer_km, 15'000 * (1 + 17.0 / 3.0), 1500);
  EXPECT_EQ(s.status, "good");
}

TEST_F(HealthTest, CellImbalanceAtRestAboveOneHundredMillivoltsNeedsAttention) {
  for (int d = 0; d < 5; ++d) {
    const std::int64_t t = kT0 + d * kDay;
    sample(t, sig::kPackCurrent, 0);
    sample(t, sig::kCellVoltageMin, 3.60);
    sample(t, sig::kCellVoltageMax, d == 3 ? 3.72 : 3.62);
  }
  ASSERT_TRUE(store_->commit().ok());

  const auto s = summarizeSoh(*store_, vehicle_, {kT0, kT0 + 30 * kDay});

  ASSERT_TRUE(s.cell_imbalance_mv_max.has_value());
  EXPECT_DOUBLE_EQ(*s.cell_imbalance_mv_max, 120);
  EXPECT_EQ(s.status, "attention");
}

TEST_F(HealthTest, DrivingSummaryUsesTheOdometerAndBandsEfficiency) {
  sample(kT0, sig::kTraveledDistance, 1'000'000);
  sample(kT0 + 10 * kDay, sig::kTraveledDistance, 1'300'000);
  ASSERT_TRUE(store_->addTrip({kT0 + kHour, kT0 + 2 * kHour, 100, 16, 5.0}).ok());
  ASSERT_TRUE(store_->addTrip({kT0 + kDay, kT0 + kDay + kHour, 100, 20, -5.0}).ok());
  ASSERT_TRUE(store_->commit().ok());

  const auto d = summarizeDriving(*store_, {kT0 + 1, kT0 + 11 * kDay});

  EXPECT_DOUBLE_EQ(d.distance_km, 300);
  EXPECT_EQ(d.trips, 2);
  EXPECT_DOUBLE_EQ(*d.efficiency_kwh_per_100km, 18);
  ASSERT_EQ(d.efficiency_by_ambient.size(), 2U);
  EXPECT_EQ(d.efficiency_by_ambient[0].first, "below_0");
  EXPECT_DOUBLE_EQ(d.efficiency_by_ambient[0].second, 20);
}

TEST_F(HealthTest, UsageUnderTwoWeeksOfDataIsUnknown) {
  sample(kT0, sig::kTraveledDistance, 0);
  sample(kT0 + 5 * kDay, sig::kTraveledDistance, 1'000'000);
  ASSERT_TRUE(store_->commit().ok());

  const auto u = classifyUsage(*store_, {kT0, kT0 + 30 * kDay});

  EXPECT_EQ(u.profile, "unknown");
  ASSERT_TRUE(u.average_daily_km.has_value());
}

}  // namespace
}  // namespace crm::analytics
