#include "crm/telemetry/ingest.h"
#include "crm/sync/envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crm/telemetry/daily.h"
#include "crm/testing/temp_dir.h"

namespace crm::telemetry {
namespace {

namespace sig = vehicle::sig;
using nlohmann::json;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kHour = 3'600'000;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.file("c.db");
    auto s = store::Store::open(o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }
  vehicle::Sample num(vehicle::SignalId s, std::int64_t ts, double v) { return {ts, s, v, 0}; }

  testing::TempDir dir_;
  vehicle::VehicleInfo vehicle_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(IngestTest, RejectedSamplesAreCountedByKindAndNotStored) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
  EXPECT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0, 150)));
  EXPECT_TRUE(ingest.feed(vehicle::Rejected{vehicle::RejectKind::kUnknownPath, "x", 2}));
  EXPECT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0, 50)));
  EXPECT_EQ(ingest.counters().accepted, 1U);
  EXPECT_EQ(ingest.counters().rejected.total(), 2U);
  EXPECT_EQ(ingest.counters().rejected.by_kind[static_cast<int>(vehicle::RejectKind::kOutOfRange)],
            1U);
}

TEST_F(IngestTest, VehicleFactsOverrideConfiguration) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
  vehicle::VehicleFacts f;
  f.vin = "LRW3E7EK5NC999999";
  f.chemistry = "LFP";
  ASSERT_TRUE(ingest.feed(f));
  EXPECT_EQ(ingest.vehicle().vin, "LRW3E7EK5NC999999");
  EXPECT_EQ(ingest.vehicle().chemistry, "LFP");
}

TEST_F(IngestTest, ConfiguredVinCannotBeChangedByTheSource) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kConfiguration);
  vehicle::VehicleFacts f;
  f.vin = "LRW3E7EK5NC999999";
  f.nominal_capacity_kwh = 60;
  ASSERT_TRUE(ingest.feed(f));
  EXPECT_EQ(ingest.vehicle().vin, vehicle_.vin);
  EXPECT_EQ(ingest.vehicle().nominal_capacity_kwh, 60);
}

TEST_F(IngestTest, DayRollOverQueuesDailyTelemetryForTheEndedDay) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
  ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0 + 8 * kHour, 1'000'000)));
  ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0 + 18 * kHour, 1'042'500)));
  ASSERT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0 + 8 * kHour, 80)));
  ASSERT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0 + 18 * kHour, 62.5)));
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->pendingOutbox(0, 10).value().empty());

  ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0 + 26 * kHour, 1'042'500)));
  ASSERT_TRUE(store_->commit().ok());
  auto out = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].kind, "telemetry/daily");
  auto j = json::parse(sync::envelope(out[0]));
  EXPECT_EQ(j["body"]["date"], "2026-01-01");
  EXPECT_DOUBLE_EQ(j["body"]["distance_km"].get<double>(), 42.5);
  EXPECT_DOUBLE_EQ(j["body"]["soc_min"].get<double>(), 62.5);
  EXPECT_DOUBLE_EQ(j["body"]["soc_max"].get<double>(), 80.0);
  EXPECT_TRUE(j["body"]["soh_bms_percent"].is_null());
  EXPECT_EQ(j["body"]["samples"], 4);
}

TEST_F(IngestTest, RestartedIngestDoesNotLetCountersGoBack) {
  {
    Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
    ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0, 5000)));
    ASSERT_TRUE(store_->commit().ok());
  }
  Ingest again(*store_, vehicle_, Ingest::VinFrom::kSource);
  ASSERT_TRUE(again.feed(num(sig::kTraveledDistance, kT0 + 1000, 4000)));
  EXPECT_EQ(again.counters().rejected.total(), 1U);
}

TEST_F(IngestTest, ChargingHoursIntegrateIsChargingOverTheDay) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
  auto flag = [](std::int64_t ts, bool on) { return vehicle::Sample{ts, sig::kIsCharging, on, 0}; };
  ASSERT_TRUE(ingest.feed(flag(kT0 + 1 * kHour, true)));
  ASSERT_TRUE(ingest.feed(flag(kT0 + 2 * kHour, true)));  // repeated: reduced, still charging
  ASSERT_TRUE(ingest.feed(flag(kT0 + 3 * kHour + kHour / 2, false)));
  ASSERT_TRUE(ingest.feed(flag(kT0 + 22 * kHour, true)));
  ASSERT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0 + 23 * kHour, 70)));
  auto j = json::parse(dailyBody(*store_, store_->dayStart(kT0)).value().value());
  // 1:00-3:30 and 22:00-23:00 (the last thing heard that day).
  EXPECT_DOUBLE_EQ(j["charging_hours"].get<double>(), 3.5);
}

TEST_F(IngestTest, FinishClosesTheLastDay) {
  Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
  ASSERT_TRUE(ingest.feed(num(sig::kSocCurrent, kT0 + kHour, 50)));
  ASSERT_TRUE(ingest.finish());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(store_->pendingOutbox(0, 10).value().size(), 1U);
  EXPECT_EQ(ingest.counters().daily_messages, 1U);
}

TEST_F(IngestTest, DailyBodyIsNothingForADayWithoutData) {
  auto body = dailyBody(*store_, kT0);
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->has_value());
}

TEST_F(IngestTest, ACorruptClosedDayMarkIsReportedAndPastDaysAreNotSentAgain) {
  {
    Ingest ingest(*store_, vehicle_, Ingest::VinFrom::kSource);
    ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0 + kHour, 1'000'000)));
    ASSERT_TRUE(ingest.feed(num(sig::kTraveledDistance, kT0 + 26 * kHour, 1'042'500)));
    ASSERT_TRUE(store_->setMeta("telemetry.daily.closed_through", "not-a-number").ok());
    ASSERT_TRUE(store_->commit().ok());
  }
  const auto before = store_->pendingOutbox(0, 10).value().size();
  // Constructing over the corrupt value must not throw; the day already
  // reported (kT0) is not reported again when the next day ends.
  Ingest again(*store_, vehicle_, Ingest::VinFrom::kSource);
  ASSERT_TRUE(again.feed(num(sig::kTraveledDistance, kT0 + 50 * kHour, 1'050'000)));
  ASSERT_TRUE(store_->commit().ok());
  const auto after = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(after.size(), before + 1);
  EXPECT_EQ(json::parse(after.back().body)["date"], "2026-01-02");
}

}  // namespace
}  // namespace crm::telemetry
