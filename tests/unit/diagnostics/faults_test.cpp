// The fault list over the simulated car's DTCs, its filters, and what a
// failed read does to every view: an error, never a view with data missing.
#include <gtest/gtest.h>

#include "crm/diagnostics/diagnostics.h"
#include "sim_cache.h"

namespace crm::diagnostics {
namespace {

using nlohmann::json;
using testing::sharedCache;
constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kWallNow = 1790000000000;

json faultList(const FaultFilter& filter) {
  auto list = faults(sharedCache().offline(kWallNow), filter);
  EXPECT_TRUE(list.ok()) << list.error().message;
  return list ? *list : json(nullptr);
}

std::vector<std::string> codes(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list["items"]) out.push_back(item["code"]);
  return out;
}

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(sharedCache().store, nullptr) << "the cache was not filled"; }
};

TEST_F(FaultsTest, EveryFaultTheCacheHoldsIsListedWithItsFirstAndLastSightingAndStatus) {
  const json list = faultList({});
  ASSERT_EQ(codes(list), (std::vector<std::string>{"P0A80", "U0100"}));
  const auto start = sharedCache().config.source.simulator.start_ms;
  const json& p = list["items"][0];
  const json& u = list["items"][1];
  EXPECT_EQ(p["status"], "active");
  EXPECT_EQ(u["status"], "cleared");
  // Injected on day 3 (cleared day 6) and day 20: first seen then, within
  // the car's reporting interval.
  EXPECT_NEAR(static_cast<double>(u["first_seen_ms"].get<std::int64_t>() - start) / kDay, 3, 0.1);
  EXPECT_NEAR(static_cast<double>(p["first_seen_ms"].get<std::int64_t>() - start) / kDay, 20, 0.1);
  EXPECT_LT(u["last_seen_ms"].get<std::int64_t>(), start + 6 * kDay);
  EXPECT_GT(p["last_seen_ms"].get<std::int64_t>(), start + 27 * kDay);
  for (const auto& item : list["items"]) {
    EXPECT_LE(item["first_seen_ms"].get<std::int64_t>(), item["last_seen_ms"].get<std::int64_t>());
  }
}

TEST_F(FaultsTest, ActiveOnlyLeavesTheClearedOnesOut) {
  EXPECT_EQ(codes(faultList({true, ""})), (std::vector<std::string>{"P0A80"}));
}

TEST_F(FaultsTest, ACodePrefixKeepsTheCodesThatStartWithIt) {
  EXPECT_EQ(codes(faultList({false, "U"})), (std::vector<std::string>{"U0100"}));
  EXPECT_EQ(codes(faultList({false, "P0A8"})), (std::vector<std::string>{"P0A80"}));
  EXPECT_EQ(codes(faultList({false, "P0A80"})), (std::vector<std::string>{"P0A80"}));
  EXPECT_TRUE(codes(faultList({false, "B"})).empty());
  EXPECT_TRUE(codes(faultList({true, "U"})).empty());
}

// The cache as it is, except that every raw sample read fails (latches an
// error), as a damaged page under the samples table does.
class FailingSamples final : public store::Reader {
 public:
  explicit FailingSamples(const store::Store& s) : s_(s) {}
  std::vector<store::Rollup> dailyRollups(std::int64_t d) const override {
    return s_.dailyRollups(d);
  }
  std::vector<store::Rollup> dailyRollups(vehicle::SignalId id, std::int64_t a,
                                          std::int64_t b) const override {
    return s_.dailyRollups(id, a, b);
  }
  std::optional<std::int64_t> firstDay() const override { return s_.firstDay(); }
  std::vector<store::LastValue> lastValues() const override { return s_.lastValues(); }
  std::vector<store::StoredSample> samples(vehicle::SignalId, std::int64_t,
                                           std::int64_t) const override {
    failed_ = "samples: database disk image is malformed";
    return {};
  }
  std::optional<store::StoredSample> sampleBefore(vehicle::SignalId, std::int64_t) const override {
    failed_ = "samples: database disk image is malformed";
    return std::nullopt;
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
    return s_.latestPeriodicReport();
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

TEST_F(FaultsTest, AFailedReadIsAnErrorNamingItNeverAShorterList) {
  const FailingSamples reader(*sharedCache().store);
  const Sources sources{reader,    *sharedCache().store, sharedCache().config, kWallNow, {},
                        "offline", std::nullopt};
  auto list = faults(sources, {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, DiagnosticsError::kRead);
  EXPECT_NE(list.error().message.find("malformed"), std::string::npos) << list.error().message;
  // So do the views that read raw samples.
  for (std::string_view id : {"status", "battery-health", "charging-habits", "mileage"}) {
    auto read = readData(id, sources);
    ASSERT_FALSE(read.ok()) << id;
    EXPECT_EQ(read.error().code, DiagnosticsError::kRead) << id;
    EXPECT_NE(read.error().message.find(id), std::string::npos) << read.error().message;
  }
}

}  // namespace
}  // namespace crm::diagnostics
