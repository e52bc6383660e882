// Brakes and the 12 V battery on hand-made samples.
#include <gtest/gtest.h>

#include "crm/analytics/health.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = 86'400'000;

class OtherHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
  }
  void sample(std::int64_t ts, vehicle::SignalId id, double v) {
    ASSERT_TRUE(store_->addSample(vehicle::Sample{ts, id, v, 0}).ok());
  }
  // `days` days of driving 100 km a day; the front-left pad wears
  // `wear_per_day` points a day from `wear0`, the others half as fast.
  void drive(int days, double wear0, double wear_per_day) {
    for (int d = 0; d < days; ++d) {
      const std::int64_t t = kT0 + d * kDay + 12 * 3'600'000;
      sample(t, sig::kTraveledDistance, 100'000.0 * (d + 1));
      sample(t, sig::kPadWearFrontLeft, wear0 + wear_per_day * d);
      sample(t, sig::kPadWearFrontRight, wear0 / 2 + wear_per_day * d / 2);
      sample(t, sig::kPadWearRearLeft, wear0 / 3);
      sample(t, sig::kPadWearRearRight, wear0 / 3);
    }
    ASSERT_TRUE(store_->commit().ok());
  }
  // One resting voltage a day: v0 + slope * day.
  void rest(int days, double v0, double slope_per_day) {
    for (int d = 0; d < days; ++d) {
      sample(kT0 + d * kDay + 3 * 3'600'000, sig::kLvBatteryVoltage, v0 + slope_per_day * d);
    }
    ASSERT_TRUE(store_->commit().ok());
  }
  Period lastDays(int end_day, int days) {
    return {kT0 + (end_day - days) * kDay, kT0 + end_day * kDay};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(OtherHealthTest, WithoutDataEverythingIsNull) {
  const auto b = summarizeBrakes(*store_, lastDays(30, 30));
  EXPECT_FALSE(b.pad_wear_percent_max);
  EXPECT_FALSE(b.status);
  const auto lv = summarizeLowVoltage(*store_, lastDays(30, 30));
  EXPECT_FALSE(lv.min_rest_voltage_v);
  EXPECT_FALSE(lv.trend_v_per_month);
  EXPECT_FALSE(lv.status);
}

TEST_F(OtherHealthTest, TheMostWornPadAndTheDistanceToItsLimit) {
  // 0.1 point a day at 100 km a day: 0.001 point per km; from 40 to 42.9.
  drive(30, 40, 0.1);
  const auto b = summarizeBrakes(*store_, lastDays(30, 30));
  ASSERT_TRUE(b.pad_wear_percent_max);
  EXPECT_NEAR(*b.pad_wear_percent_max, 42.9, 1e-9);
  EXPECT_EQ(b.worst_position, "front_left");
  ASSERT_TRUE(b.km_to_pad_limit);
  // (80 - 42.9) / (2.9 points / 2,900 km) = 37,100 km.
  EXPECT_NEAR(*b.km_to_pad_limit, 37'100, 1);
  EXPECT_EQ(b.status, "good");
}

TEST_F(OtherHealthTest, WearPerKmUsesThePadsOwnSpanWhenPadsAreReadRarely) {
  // The odometer every day for 60 days (100 km a day); the front-left pad
  // only weekly over days 14..42, 0.1 point a day: 0.001 point per km.
  for (int d = 0; d < 60; ++d) {
    const std::int64_t t = kT0 + d * kDay + 12 * 3'600'000;
    sample(t, sig::kTraveledDistance, 100'000.0 * (d + 1));
    if (d >= 14 && d <= 42 && d % 7 == 0) sample(t, sig::kPadWearFrontLeft, 40 + 0.1 * (d - 14));
  }
  ASSERT_TRUE(store_->commit().ok());
  const auto b = summarizeBrakes(*store_, lastDays(60, 60));
  ASSERT_TRUE(b.pad_wear_percent_max);
  EXPECT_NEAR(*b.pad_wear_percent_max, 42.8, 1e-9);
  ASSERT_TRUE(b.km_to_pad_limit);
  EXPECT_NEAR(*b.km_to_pad_limit, (80 - 42.8) / 0.001, 1);
}

TEST_F(OtherHealthTest, APeriodStartingMidDayIncludesItsFirstDay) {
  sample(kT0 + 150 * 60'000, sig::kLvBatteryVoltage, 11.5);  // day 0, 02:30
  rest(10, 12.6, 0);                                         // 03:00 each day
  // From 02:00 of day 0: day 0 overlaps the period and its minimum counts.
  const Period p{kT0 + 2 * 3'600'000, kT0 + 10 * kDay};
  const auto lv = summarizeLowVoltage(*store_, p);
  ASSERT_TRUE(lv.min_rest_voltage_v);
  EXPECT_DOUBLE_EQ(*lv.min_rest_voltage_v, 11.5);
}

TEST_F(OtherHealthTest, PadsNearTheLimitAreWatched) {
  drive(30, 70, 0.01);
  EXPECT_EQ(summarizeBrakes(*store_, lastDays(30, 30)).status, "watch");
}

TEST_F(OtherHealthTest, PadsAtTheLimitNeedAttention) {
  drive(30, 81, 0.01);
  EXPECT_EQ(summarizeBrakes(*store_, lastDays(30, 30)).status, "attention");
}

TEST_F(OtherHealthTest, PadsThatWillReachTheLimitSoonAreWatched) {
  // 60 % worn but 0.5 point a day at 100 km a day: 20 points = 4,000 km left.
  drive(10, 55.5, 0.5);
  const auto b = summarizeBrakes(*store_, lastDays(10, 10));
  ASSERT_TRUE(b.km_to_pad_limit);
  EXPECT_LT(*b.km_to_pad_limit, 5000);
  EXPECT_EQ(b.status, "watch");
}

TEST_F(OtherHealthTest, LowBrakeFluidNeedsAttention) {
  for (int d = 0; d < 5; ++d) sample(kT0 + d * kDay, sig::kBrakeFluidLevel, 95 - 10.0 * d);
  ASSERT_TRUE(store_->commit().ok());
  const auto b = summarizeBrakes(*store_, lastDays(5, 5));
  ASSERT_TRUE(b.fluid_level_percent_min);
  EXPECT_DOUBLE_EQ(*b.fluid_level_percent_min, 55);
  EXPECT_EQ(b.status, "attention");
}

TEST_F(OtherHealthTest, A12VBatteryLosingVoltageShowsItsTrend) {
  rest(60, 12.7, -0.01);  // 0.3 V a month
  const auto lv = summarizeLowVoltage(*store_, lastDays(60, 30));
  ASSERT_TRUE(lv.min_rest_voltage_v);
  EXPECT_NEAR(*lv.min_rest_voltage_v, 12.11, 1e-9);
  ASSERT_TRUE(lv.trend_v_per_month);
  EXPECT_NEAR(*lv.trend_v_per_month, -0.3, 0.001);
  EXPECT_EQ(lv.status, "watch");
}

TEST_F(OtherHealthTest, A12VBatteryDecliningSlowlyIsStillGood) {
  rest(60, 12.9, -0.005);  // 12.605 V at the end, 0.15 V a month
  const auto lv = summarizeLowVoltage(*store_, lastDays(60, 30));
  ASSERT_TRUE(lv.min_rest_voltage_v);
  EXPECT_GT(*lv.min_rest_voltage_v, 12.2);
  EXPECT_EQ(lv.status, "good");  // 12.6 - 2 x 0.15 = 12.3: not weak within two months
}

TEST_F(OtherHealthTest, A12VBatteryOnCourseToBeWeakWithinTwoMonthsIsWatched) {
  rest(60, 12.9, -0.007);  // 12.487 V at the end, 0.21 V a month
  const auto lv = summarizeLowVoltage(*store_, lastDays(60, 30));
  ASSERT_TRUE(lv.min_rest_voltage_v);
  EXPECT_GT(*lv.min_rest_voltage_v, 12.2);
  EXPECT_EQ(lv.status, "watch");
}

TEST_F(OtherHealthTest, A12VTrendNeedsAMonthOfReadings) {
  rest(20, 12.6, 0);
  const auto lv = summarizeLowVoltage(*store_, lastDays(20, 20));
  EXPECT_FALSE(lv.trend_v_per_month);
  EXPECT_EQ(lv.status, "good");
  EXPECT_LT(*lv.min_rest_voltage_v, 12.6 + 1e-9);
}

TEST_F(OtherHealthTest, BelowElevenEightThe12VBatteryNeedsAttention) {
  rest(5, 11.9, -0.05);
  EXPECT_EQ(summarizeLowVoltage(*store_, lastDays(5, 5)).status, "attention");
}

}  // namespace
}  // namespace crm::analytics
