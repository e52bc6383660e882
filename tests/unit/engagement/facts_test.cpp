// buildPeriodFacts over a real store: the report plus the extras the rules
// need, and a failed read as an error.
#include <gtest/gtest.h>

#include <utility>

#include "crm/engagement/facts.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::engagement {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 86'400'000;
// 2026-03-01T10:00:00Z.
constexpr std::int64_t kNow = 1772359200000;

class FactsTest : public ::testing::Test {
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
  void session(std::int64_t end, double end_soc) {
    store::ChargingSession s;
    s.start_ms = end - 2 * kHour;
    s.end_ms = end;
    s.start_soc = 40;
    s.end_soc = end_soc;
    s.energy_kwh = 20;
    ASSERT_TRUE(store_->addChargingSession(s).ok());
  }
  PeriodFacts build() {
    auto f = buildPeriodFacts(*store_, vehicle_, kNow, {});
    EXPECT_TRUE(f.ok());
    return f.ok() ? *f : PeriodFacts{};
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  vehicle::VehicleInfo vehicle_;
};

TEST_F(FactsTest, DaysSinceTheLastChargeThatReachedNinetyEightPercent) {
  sample(kNow - 40 * kDay, sig::kSocCurrent, 50);
  session(kNow - 12 * kDay, 100);
  session(kNow - 10 * kDay, 98);
  session(kNow - 2 * kDay, 90);  // not full
  ASSERT_TRUE(store_->commit().ok());
  const auto f = build();
  ASSERT_TRUE(f.days_since_full_charge.has_value());
  EXPECT_DOUBLE_EQ(*f.days_since_full_charge, 10);
  EXPECT_EQ(f.built_ms, kNow);
}

TEST_F(FactsTest, WithoutAFullChargeTheDaysAreWhatTheStoreCanVouchFor) {
  sample(kNow - 20 * kDay, sig::kSocCurrent, 50);  // the first data
  session(kNow - 3 * kDay, 90);
  ASSERT_TRUE(store_->commit().ok());
  const auto f = build();
  ASSERT_TRUE(f.days_since_full_charge.has_value());
  // From the start of the first day with data (10:00 UTC: 20.4 days).
  EXPECT_NEAR(*f.days_since_full_charge, 20.4, 0.05);
}

TEST_F(FactsTest, ALongHistoryWithoutAFullChargeIsSixtyDaysAtLeast) {
  sample(kNow - 200 * kDay, sig::kSocCurrent, 50);
  session(kNow - 61 * kDay, 100);  // outside the look-back
  sample(kNow - kDay, sig::kSocCurrent, 60);
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_DOUBLE_EQ(*build().days_since_full_charge, 60);
}

TEST_F(FactsTest, AnEmptyStoreGivesNullFigures) {
  const auto f = build();
  EXPECT_FALSE(f.days_since_full_charge.has_value());
  EXPECT_FALSE(f.high_soc_parked_share.has_value());
  EXPECT_FALSE(f.min_soc_percent.has_value());
  EXPECT_FALSE(f.latest_report_id.has_value());
  EXPECT_DOUBLE_EQ(f.longest_high_soc_stretch_hours, 0);
  EXPECT_FALSE(f.report.battery.soh.value.has_value());
}

TEST_F(FactsTest, HighSocStretchAndShareOfParkedTime) {
  const std::int64_t t0 = kNow - 5 * kDay;
  flag(t0, sig::kIsMoving, false);
  flag(t0, sig::kIsCharging, false);
  // Parked at 95 % for 12 h (a point every 30 min), then at 60 % for 24 h.
  for (int i = 0; i < 24; ++i) sample(t0 + i * kHour / 2, sig::kSocCurrent, 95 + (i % 2) * 0.1);
  for (int i = 0; i < 48; ++i)
    sample(t0 + 12 * kHour + i * kHour / 2, sig::kSocCurrent, 60 + (i % 2) * 0.1);
  // Then driving, which is not parked time.
  flag(t0 + 36 * kHour, sig::kIsMoving, true);
  sample(t0 + 36 * kHour, sig::kSocCurrent, 58);
  for (int i = 1; i <= 8; ++i) sample(t0 + 36 * kHour + i * kHour / 4, sig::kSocCurrent, 58 - i);
  flag(t0 + 38 * kHour, sig::kIsMoving, false);
  sample(t0 + 38 * kHour, sig::kSocCurrent, 49.5);
  ASSERT_TRUE(store_->commit().ok());
  const auto f = build();
  EXPECT_NEAR(f.longest_high_soc_stretch_hours, 12, 0.05);
  ASSERT_TRUE(f.high_soc_parked_share.has_value());
  // 12 h high of 36 h parked before driving, plus the parked time after it
  // until now (5 days - 38 h = 82 h): 12 / 118.
  EXPECT_NEAR(*f.high_soc_parked_share, 12.0 / 118.0, 0.002);
  ASSERT_TRUE(f.min_soc_percent.has_value());
  EXPECT_DOUBLE_EQ(*f.min_soc_percent, 49.5);
}

TEST_F(FactsTest, TheNewestPeriodicReportIsNamed) {
  store::StoredReport periodic{0, kNow - 31 * kDay, kNow - kDay, kNow - kDay, "{}", false};
  store::StoredReport requested{0, kNow - 30 * kDay, kNow - kHour, kNow - kHour, "{}", true};
  const auto id = store_->addReport(periodic);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->addReport(requested).ok());
  ASSERT_TRUE(store_->commit().ok());
  const auto f = build();
  ASSERT_TRUE(f.latest_report_id.has_value());
  EXPECT_EQ(*f.latest_report_id, *id);
  EXPECT_EQ(f.latest_report_generated_ms, kNow - kDay);
}

TEST_F(FactsTest, TheReportCoversTheThirtyDaysEndingNow) {
  session(kNow - 3 * kDay, 80);
  session(kNow - 40 * kDay, 80);  // before the period
  ASSERT_TRUE(store_->commit().ok());
  const auto f = build();
  EXPECT_EQ(f.report.period.from_ms, kNow - 30 * kDay);
  EXPECT_EQ(f.report.period.to_ms, kNow);
  EXPECT_EQ(f.report.charging.sessions, 1);
}

// The store as it is, except that one read fails (latches an error).
class FailingReader final : public store::Reader {
 public:
  explicit FailingReader(const store::Store& s) : s_(s) {}
  std::vector<store::Rollup> dailyRollups(std::int64_t d) const override {
    return s_.dailyRollups(d);
  }
  std::vector<store::Rollup> dailyRollups(vehicle::SignalId id, std::int64_t a,
                                          std::int64_t b) const override {
    return s_.dailyRollups(id, a, b);
  }
  std::optional<std::int64_t> firstDay() const override { return s_.firstDay(); }
  std::vector<store::LastValue> lastValues() const override { return s_.lastValues(); }
  std::vector<store::StoredSample> samples(vehicle::SignalId id, std::int64_t a,
                                           std::int64_t b) const override {
    return s_.samples(id, a, b);
  }
  std::optional<store::StoredSample> sampleBefore(vehicle::SignalId id,
                                                  std::int64_t ts) const override {
    return s_.sampleBefore(id, ts);
  }
  std::optional<store::StoredSample> firstSample(vehicle::SignalId id, std::int64_t a,
                                                 std::int64_t b) const override {
    return s_.firstSample(id, a, b);
  }
  std::optional<std::int64_t> newestSampleMs() const override { return s_.newestSampleMs(); }
  std::vector<store::ChargingSession> chargingSessions(std::int64_t a,
                                                       std::int64_t b) const override {
    return s_.chargingSessions(a, b);
  }
  std::vector<store::Trip> trips(std::int64_t a, std::int64_t b) const override {
    return s_.trips(a, b);
  }
  std::vector<store::CapacityEstimate> capacityEstimates(std::int64_t a,
                                                         std::int64_t b) const override {
    return s_.capacityEstimates(a, b);
  }
  std::optional<store::StoredReport> latestReport() const override { return s_.latestReport(); }
  std::optional<store::StoredReport> latestPeriodicReport() const override {
    failed_ = "latestPeriodicReport: disk I/O error";
    return std::nullopt;
  }
  std::vector<store::ServiceRecord> serviceRecords() const override { return s_.serviceRecords(); }
  std::optional<std::string> meta(std::string_view k) const override { return s_.meta(k); }
  Result<std::optional<std::int64_t>, store::StoreError> metaInt(
      std::string_view k) const override {
    return s_.metaInt(k);
  }
  store::StorageStats stats() const override { return s_.stats(); }
  std::int64_t dayStart(std::int64_t ts) const override { return s_.dayStart(ts); }
  int utcOffsetMinutes() const override { return s_.utcOffsetMinutes(); }
  std::optional<std::string> takeReadError() const override {
    if (failed_.empty()) return s_.takeReadError();
    return std::exchange(failed_, {});
  }
  Result<store::OutboxSummary, store::StoreError> outboxSummary() const override {
    return s_.outboxSummary();
  }
  Result<std::int64_t, store::StoreError> schemaVersion() const override {
    return s_.schemaVersion();
  }

 private:
  const store::Store& s_;
  mutable std::string failed_;
};

TEST_F(FactsTest, AFailedReadIsAnErrorNotMissingData) {
  session(kNow - 3 * kDay, 100);
  ASSERT_TRUE(store_->commit().ok());
  FailingReader reader(*store_);
  const auto f = buildPeriodFacts(reader, vehicle_, kNow, {});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, store::StoreError::kRead);
  EXPECT_NE(f.error().message.find("disk I/O error"), std::string::npos);
}

}  // namespace
}  // namespace crm::engagement
