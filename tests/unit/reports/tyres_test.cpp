// The tyre section on hand-made pressures: a slow leak is one tyre losing
// air day after day, not four tyres cooling with the weather.
#include <gtest/gtest.h>

#include "crm/reports/health_report.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::reports {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = 86'400'000;
constexpr vehicle::SignalId kTyres[] = {sig::kTyreFrontLeft, sig::kTyreFrontRight,
                                        sig::kTyreRearLeft, sig::kTyreRearRight};

class TyresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
  }
  // `days` days of readings; tyre i loses loss[i] kPa a day from 290.
  void days(int n, std::array<double, 4> loss) {
    for (int d = 0; d < n; ++d) {
      for (int h = 0; h < 24; h += 6) {
        const std::int64_t t = kT0 + d * kDay + h * 3'600'000LL;
        for (std::size_t i = 0; i < 4; ++i) {
          // A little noise, so that no fit is exact.
          const double v = 290 - loss[i] * (d + h / 24.0) + ((d + h) % 3) * 0.4;
          ASSERT_TRUE(store_->addSample(vehicle::Sample{t, kTyres[i], v, 0}).ok());
        }
      }
    }
    ASSERT_TRUE(store_->commit().ok());
    ReportContext context;
    report_ = buildHealthReport(*store_, vehicle::VehicleInfo{},
                                analytics::Period{kT0, kT0 + n * kDay}, context);
  }
  std::string status(std::size_t i) { return report_.tyres.positions.at(i).status.value_or("-"); }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  HealthReport report_;
};

TEST_F(TyresTest, OneTyreLosingThreeKpaADayIsASlowLeak) {
  days(14, {0, 0, 3, 0});
  EXPECT_EQ(status(2), "slow_leak");
  EXPECT_EQ(status(0), "good");
  EXPECT_EQ(report_.tyres.status, "watch");
}

TEST_F(TyresTest, FourTyresCoolingTogetherAreNotLeaking) {
  // A cold spell: every tyre 2 kPa a day down, as a week of falling
  // temperatures does.
  days(10, {2, 2, 2, 2});
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(status(i), "good") << i;
}

TEST_F(TyresTest, ALeakIsNotCalledOnFewerThanSevenDays) {
  days(5, {0, 0, 4, 0});
  EXPECT_EQ(status(2), "good");
}

TEST_F(TyresTest, ALeakingTyreInACoolingWeekStandsOut) {
  days(10, {1.6, 1.6, 4.5, 1.6});
  EXPECT_EQ(status(2), "slow_leak");
  EXPECT_EQ(status(0), "good");
}

}  // namespace
}  // namespace crm::reports
