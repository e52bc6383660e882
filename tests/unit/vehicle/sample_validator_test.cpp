#include "crm/vehicle/sample_validator.h"

#include <gtest/gtest.h>

namespace crm::vehicle {
namespace {

Sample at(SignalId s, std::int64_t ts, Value v) {
  return Sample{ts, s, std::move(v), 7};
}

TEST(SampleValidator, PlausibleSampleIsAccepted) {
  SampleValidator v;
  EXPECT_FALSE(v.check(at(sig::kSocCurrent, 1000, 55.5)).has_value());
}

TEST(SampleValidator, SocAboveHundredIsOutOfRange) {
  SampleValidator v;
  auto r = v.check(at(sig::kSocCurrent, 1000, 100.5));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, RejectKind::kOutOfRange);
  EXPECT_EQ(r->line, 7U);
  EXPECT_NE(r->message.find("StateOfCharge.Current"), std::string::npos);
}

TEST(SampleValidator, NegativeSpeedIsOutOfRange) {
  SampleValidator v;
  EXPECT_EQ(v.check(at(sig::kSpeed, 1000, -1.0))->kind, RejectKind::kOutOfRange);
}

TEST(SampleValidator, OdometerGoingBackwardsIsRejected) {
  SampleValidator v;
  ASSERT_FALSE(v.check(at(sig::kTraveledDistance, 1000, 5000.0)).has_value());
  auto r = v.check(at(sig::kTraveledDistance, 2000, 4999.0));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, RejectKind::kOutOfRange);
}

TEST(SampleValidator, OdometerMustBeAnInteger) {
  SampleValidator v;
  EXPECT_EQ(v.check(at(sig::kTraveledDistance, 1000, 10.5))->kind, RejectKind::kWrongType);
}

TEST(SampleValidator, EarlierTimestampForThePathIsOutOfOrder) {
  SampleValidator v;
  ASSERT_FALSE(v.check(at(sig::kSpeed, 2000, 10.0)).has_value());
  EXPECT_EQ(v.check(at(sig::kSpeed, 1999, 10.0))->kind, RejectKind::kOutOfOrder);
  // Another path keeps its own order.
  EXPECT_FALSE(v.check(at(sig::kSocCurrent, 1000, 10.0)).has_value());
}

TEST(SampleValidator, RejectedSampleDoesNotMoveThePathState) {
  SampleValidator v;
  ASSERT_FALSE(v.check(at(sig::kTraveledDistance, 1000, 100.0)).has_value());
  ASSERT_TRUE(v.check(at(sig::kTraveledDistance, 5000, -3.0)).has_value());
  EXPECT_FALSE(v.check(at(sig::kTraveledDistance, 2000, 150.0)).has_value());
}

TEST(SampleValidator, BoolForANumberIsWrongType) {
  SampleValidator v;
  EXPECT_EQ(v.check(at(sig::kSpeed, 1000, true))->kind, RejectKind::kWrongType);
  EXPECT_EQ(v.check(at(sig::kIsCharging, 1000, 1.0))->kind, RejectKind::kWrongType);
}

TEST(SampleValidator, DtcListMustHoldJ2012Codes) {
  SampleValidator v;
  EXPECT_FALSE(v.check(at(sig::kDtcList, 1000, std::vector<std::string>{"P0A7F", "U0100"})));
  EXPECT_EQ(v.check(at(sig::kDtcList, 2000, std::vector<std::string>{"X1234"}))->kind,
            RejectKind::kOutOfRange);
}

TEST(SampleValidator, PrimedCounterCannotGoBackAfterRestart) {
  SampleValidator v;
  v.prime(sig::kChargedEnergy, 5000, 120.0);
  EXPECT_TRUE(v.check(at(sig::kChargedEnergy, 6000, 119.0)).has_value());
  EXPECT_TRUE(v.check(at(sig::kChargedEnergy, 4000, 121.0)).has_value());
  EXPECT_FALSE(v.check(at(sig::kChargedEnergy, 6000, 121.0)).has_value());
}

}  // namespace
}  // namespace crm::vehicle
