// LiveTracker: the newest values, and "evaluate now" only when a rule's
// answer may change.
#include <gtest/gtest.h>

#include "crm/engagement/facts.h"

namespace crm::engagement {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;

vehicle::Sample num(vehicle::SignalId id, double v, std::int64_t ts = kT0) {
  return {ts, id, v, 0};
}
vehicle::Sample flag(vehicle::SignalId id, bool v, std::int64_t ts = kT0) {
  return {ts, id, v, 0};
}
vehicle::Sample dtcs(std::vector<std::string> codes, std::int64_t ts = kT0) {
  return {ts, sig::kDtcList, std::move(codes), 0};
}

TEST(LiveTrackerTest, MotionFlipsWakeTheRules) {
  LiveTracker t;
  EXPECT_TRUE(t.update(flag(sig::kIsMoving, true)));
  EXPECT_TRUE(t.facts().moving);
  EXPECT_FALSE(t.update(flag(sig::kIsMoving, true)));
  EXPECT_TRUE(t.update(flag(sig::kIsMoving, false)));
  EXPECT_FALSE(t.facts().moving);
}

// Reaching a full charge wakes the rules once (the LFP reminder ends);
// staying full does not; the time of the last full reading is kept.
TEST(LiveTrackerTest, BecomingFullWakesTheRulesOnce) {
  LiveTracker t;
  EXPECT_FALSE(t.update(num(sig::kSocCurrent, 90, kT0)));
  EXPECT_FALSE(t.facts().last_full_ms.has_value());
  EXPECT_TRUE(t.update(num(sig::kSocCurrent, 98, kT0 + 1000)));
  EXPECT_FALSE(t.update(num(sig::kSocCurrent, 100, kT0 + 2000)));
  EXPECT_EQ(t.facts().last_full_ms, kT0 + 2000);
  EXPECT_FALSE(t.update(num(sig::kSocCurrent, 95, kT0 + 3000)));
  EXPECT_EQ(t.facts().last_full_ms, kT0 + 2000);
  EXPECT_TRUE(t.update(num(sig::kSocCurrent, 99, kT0 + 4000)));
}

TEST(LiveTrackerTest, SpeedDecidesMotionOnlyWithoutIsMoving) {
  LiveTracker t;
  EXPECT_TRUE(t.update(num(sig::kSpeed, 30)));
  EXPECT_TRUE(t.facts().moving);
  EXPECT_FALSE(t.update(num(sig::kSpeed, 50)));
  EXPECT_TRUE(t.update(num(sig::kSpeed, 0)));
  EXPECT_FALSE(t.facts().moving);
  EXPECT_FALSE(t.update(flag(sig::kIsMoving, false)));
  EXPECT_FALSE(t.update(num(sig::kSpeed, 10)));  // IsMoving decides now
  EXPECT_FALSE(t.facts().moving);
}

TEST(LiveTrackerTest, TyresWakeTheRulesOnlyWhenCrossingABandEdge) {
  LiveTracker t;  // placard 290, low 20 %, critical 35 %, clear 15 %
  EXPECT_FALSE(t.update(num(sig::kTyreFrontLeft, 290)));
  EXPECT_FALSE(t.update(num(sig::kTyreFrontLeft, 250)));  // 13.8 %: still fine
  EXPECT_TRUE(t.update(num(sig::kTyreFrontLeft, 240)));   // 17.2 %: past the clear edge
  EXPECT_FALSE(t.update(num(sig::kTyreFrontLeft, 235)));
  EXPECT_TRUE(t.update(num(sig::kTyreFrontLeft, 230)));  // 20.7 %: low
  EXPECT_FALSE(t.update(num(sig::kTyreFrontLeft, 200)));
  EXPECT_TRUE(t.update(num(sig::kTyreFrontLeft, 185)));  // 36.2 %: critical
  EXPECT_TRUE(t.update(num(sig::kTyreFrontLeft, 290)));  // refilled
  ASSERT_TRUE(t.facts().tyre_kpa[0].has_value());
  EXPECT_DOUBLE_EQ(*t.facts().tyre_kpa[0], 290);
  // Each position has its own band.
  EXPECT_TRUE(t.update(num(sig::kTyreRearRight, 200)));
  EXPECT_DOUBLE_EQ(*t.facts().tyre_kpa[3], 200);
  EXPECT_FALSE(t.facts().tyre_kpa[1].has_value());
}

TEST(LiveTrackerTest, TheBandsFollowThePlacardAndThresholds) {
  Thresholds th;
  th.tyre_low_percent = 10;  // clear edge 7.5 %
  LiveTracker t(250, th);
  EXPECT_TRUE(t.update(num(sig::kTyreFrontRight, 230)));  // 8 % below 250
  LiveTracker defaults;
  EXPECT_FALSE(defaults.update(num(sig::kTyreFrontRight, 255)));  // 12 % below 290
  defaults.setBands(290, th);  // 12 % is now low: recomputed without waking
  EXPECT_FALSE(defaults.update(num(sig::kTyreFrontRight, 256)));
  EXPECT_TRUE(defaults.update(num(sig::kTyreFrontRight, 290)));
}

TEST(LiveTrackerTest, BrakeFluidWakesTheRulesAtFiftyAndAtTheClearEdge) {
  LiveTracker t;
  EXPECT_FALSE(t.update(num(sig::kBrakeFluidLevel, 80)));
  EXPECT_TRUE(t.update(num(sig::kBrakeFluidLevel, 54)));
  EXPECT_TRUE(t.update(num(sig::kBrakeFluidLevel, 49)));
  EXPECT_FALSE(t.update(num(sig::kBrakeFluidLevel, 48)));
  EXPECT_TRUE(t.update(num(sig::kBrakeFluidLevel, 50)));
  EXPECT_TRUE(t.update(num(sig::kBrakeFluidLevel, 60)));
  EXPECT_DOUBLE_EQ(*t.facts().brake_fluid_percent, 60);
}

TEST(LiveTrackerTest, TheFaultCodeSetWakesTheRulesWhenItChanges) {
  LiveTracker t;
  EXPECT_FALSE(t.facts().dtcs_seen);
  EXPECT_TRUE(t.update(dtcs({})));  // now known: none active
  EXPECT_TRUE(t.facts().dtcs_seen);
  EXPECT_FALSE(t.update(dtcs({})));
  EXPECT_TRUE(t.update(dtcs({"P0A80", "B1234"})));
  EXPECT_EQ(t.facts().active_dtcs, (std::vector<std::string>{"B1234", "P0A80"}));
  EXPECT_FALSE(t.update(dtcs({"B1234", "P0A80"})));  // same set, another order
  EXPECT_TRUE(t.update(dtcs({"B1234"})));
  EXPECT_EQ(t.facts().active_dtcs, (std::vector<std::string>{"B1234"}));
}

TEST(LiveTrackerTest, SocAndOtherSignalsAreKeptOrIgnoredWithoutWaking) {
  LiveTracker t;
  EXPECT_FALSE(t.update(num(sig::kSocCurrent, 64.5, kT0 + 5)));
  EXPECT_FALSE(t.update(num(sig::kPackTempMax, 30, kT0 + 3)));
  ASSERT_TRUE(t.facts().soc_percent.has_value());
  EXPECT_DOUBLE_EQ(*t.facts().soc_percent, 64.5);
  EXPECT_EQ(t.facts().last_sample_ms, kT0 + 5);
}

}  // namespace
}  // namespace crm::engagement
