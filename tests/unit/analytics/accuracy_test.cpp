// The analytics against the simulator's ground truth, with sensor noise and
// agent-off gaps, over several seeds and all profiles. Shorter runs than
// crm-accuracy (which does a year per car) so that the unit tests stay fast;
// the store is fed only what each check reads.
#include <gtest/gtest.h>

#include <cmath>

#include "crm/testing/temp_dir.h"
#include "scoring.h"

namespace crm::accuracy {
namespace {

using vehicle::UsageProfile;

RunConfig config(UsageProfile profile, std::uint64_t seed, double days, StoreFeed feed) {
  RunConfig rc;
  rc.sim.seed = seed;
  rc.sim.profile = profile;
  rc.sim.days = days;
  rc.sim.noise = true;
  rc.sim.gaps = true;
  rc.feed = feed;
  rc.soh_from_day = 1e9;  // no SOH checkpoints unless asked
  rc.usage_every_days = 1e9;
  return rc;
}

constexpr UsageProfile kProfiles[] = {UsageProfile::kPrivate, UsageProfile::kRideHailing,
                                      UsageProfile::kLogistics};

TEST(Accuracy, ChargingSessionsMatchTheTruthWithinTwoPercentOfEnergy) {
  testing::TempDir dir;
  int truth = 0, truth_hit = 0, detected = 0, detected_hit = 0, pairs = 0, within = 0;
  int type_errors = 0;
  for (UsageProfile p : kProfiles) {
    for (std::uint64_t seed : {11, 12, 13}) {
      const auto r = runOne(config(p, seed, 60, StoreFeed::kNone), dir.path());
      truth += r.truth_sessions;
      truth_hit += r.truth_matched;
      detected += r.detected_sessions;
      detected_hit += r.detected_matched;
      pairs += r.observed_pairs;
      within += r.observed_within_2pct;
      type_errors += r.dc_type_errors;
      EXPECT_LE(r.total_energy_error, 0.02) << vehicle::usageProfileName(p) << " seed " << seed;
    }
  }
  ASSERT_GT(truth, 200);
  EXPECT_GE(static_cast<double>(truth_hit) / truth, 0.99);
  EXPECT_GE(static_cast<double>(detected_hit) / detected, 0.99);
  EXPECT_GE(static_cast<double>(within) / pairs, 0.95);
  EXPECT_EQ(type_errors, 0);
}

TEST(Accuracy, TripDistancesAndTheOdometerTotalAreWithinOnePercent) {
  testing::TempDir dir;
  for (UsageProfile p : kProfiles) {
    const auto r = runOne(config(p, 21, 30, StoreFeed::kSummaries), dir.path());
    EXPECT_GE(r.trips_matched, r.truth_trips * 99 / 100) << vehicle::usageProfileName(p);
    EXPECT_LE(r.trip_distance_error, 0.01) << vehicle::usageProfileName(p);
    EXPECT_LE(r.odometer_distance_error, 0.01) << vehicle::usageProfileName(p);
  }
}

TEST(Accuracy, SohAfterThreeMonthsIsWithinOneAndAHalfPointsAndInsideItsInterval) {
  testing::TempDir dir;
  int checks = 0, covered = 0;
  struct Car {
    UsageProfile profile;
    std::uint64_t seed;
    bool bms;
    const char* chemistry;
  };
  for (const Car& car : {Car{UsageProfile::kRideHailing, 31, false, "NMC"},
                         Car{UsageProfile::kLogistics, 32, true, "NMC"},
                         Car{UsageProfile::kPrivate, 33, false, "NMC"},
                         Car{UsageProfile::kLogistics, 34, false, "LFP"}}) {
    RunConfig rc = config(car.profile, car.seed, 100, StoreFeed::kSummaries);
    rc.sim.bms_reports_soh = car.bms;
    rc.sim.chemistry = car.chemistry;
    rc.soh_from_day = 90;
    rc.soh_every_days = 2;
    const auto r = runOne(rc, dir.path());
    ASSERT_TRUE(r.soh_final_error.has_value()) << car.seed;
    EXPECT_LE(*r.soh_final_error, 1.5) << car.seed;
    for (const auto& c : r.soh) {
      if (!c.value) continue;
      ++checks;
      covered += *c.low <= c.truth && c.truth <= *c.high;
    }
  }
  ASSERT_GT(checks, 10);
  EXPECT_GE(static_cast<double>(covered) / checks, 0.9);
}

TEST(Accuracy, DegradationRateAfterOneYearIsWithinHalfAPointPerYear) {
  testing::TempDir dir;
  for (std::uint64_t seed : {41, 42}) {
    RunConfig rc = config(seed == 41 ? UsageProfile::kLogistics : UsageProfile::kPrivate, seed, 365,
                          StoreFeed::kNone);
    rc.sim.bms_reports_soh = false;  // the estimate alone
    const auto r = runOne(rc, dir.path());
    ASSERT_TRUE(r.degradation.has_value()) << seed;
    ASSERT_TRUE(r.degradation_truth.has_value());
    EXPECT_NEAR(*r.degradation, *r.degradation_truth, 0.5) << seed;
  }
}

TEST(Accuracy, UsageProfileIsRecognisedForEachProfile) {
  testing::TempDir dir;
  for (UsageProfile p : kProfiles) {
    RunConfig rc = config(p, 51, 46, StoreFeed::kSummaries);
    rc.usage_every_days = 15;  // windows ending on days 30 and 45
    const auto r = runOne(rc, dir.path());
    ASSERT_EQ(r.usage_profiles.size(), 2U);
    for (const auto& got : r.usage_profiles) EXPECT_EQ(got, vehicle::usageProfileName(p));
  }
}

}  // namespace
}  // namespace crm::accuracy
