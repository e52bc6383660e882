// The technician's data views over a month of the simulated car: every id
// answers, and each view shows what the health report (or the store) says
// for the same period.
#include "crm/diagnostics/diagnostics.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crm/reports/health_report.h"
#include "crm/testing/temp_store.h"
#include "sim_cache.h"

namespace crm::diagnostics {
namespace {

using nlohmann::json;
using testing::sharedCache;
constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kWallNow = 1790000000000;  // 2026-09: the wall clock, after the data

class DiagnosticsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(sharedCache().store, nullptr) << "the cache was not filled"; }

  static json data(std::string_view id, const Sources& sources) {
    auto read = readData(id, sources);
    EXPECT_TRUE(read.ok()) << id << ": " << read.error().message;
    if (!read || !*read) return nullptr;
    return **read;
  }
  static json data(std::string_view id) { return data(id, sharedCache().offline(kWallNow)); }

  // The report period the views cover: the 30 days ending at the newest sample.
  static analytics::Period period() {
    const auto newest = sharedCache().store->newestSampleMs().value();
    return {newest + 1 - 30 * kDay, newest + 1};
  }

  static json report() {
    const auto& c = sharedCache();
    reports::ReportContext context{&c.config.maintenance.table};
    context.prompts = c.store.get();
    return reports::toJson(
        reports::buildHealthReport(*c.store, c.config.vehicle, period(), context));
  }
};

TEST_F(DiagnosticsTest, TheListNamesEveryResourceOnceInItsOrder) {
  std::vector<std::string> ids;
  for (const auto& item : dataItems()) {
    ids.push_back(item.id);
    EXPECT_FALSE(item.name.empty()) << item.id;
    EXPECT_TRUE(item.category == "currentData" || item.category == "storedData" ||
                item.category == "identData" || item.category == "sysInfo")
        << item.id << ": " << item.category;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"status", "battery-health", "charging-habits", "mileage",
                                           "prompts", "outbox", "storage", "version", "config"}));
}

TEST_F(DiagnosticsTest, EveryListedResourceAnswersWithAnObject) {
  for (const auto& item : dataItems()) EXPECT_TRUE(data(item.id).is_object()) << item.id;
}

TEST_F(DiagnosticsTest, AnUnknownIdIsNoResourceRatherThanAnError) {
  for (std::string_view id : {"", "faults", "Status", "status/", "../config"}) {
    auto read = readData(id, sharedCache().offline(kWallNow));
    ASSERT_TRUE(read.ok()) << id;
    EXPECT_FALSE(read->has_value()) << id;
  }
}

TEST_F(DiagnosticsTest, StatusShowsTheCarItsBatteryItsActiveFaultAndNoRuntimeOffline) {
  const json s = data("status");
  const json r = report();
  EXPECT_EQ(s["version"], kAgentVersion);
  EXPECT_EQ(s["source"], "offline");
  EXPECT_TRUE(s["uptime_s"].is_null());
  EXPECT_TRUE(s["sync"]["connected"].is_null());
  EXPECT_TRUE(s["sync"]["last_ack_ms"].is_null());
  EXPECT_EQ(s["vehicle"]["vin"], testing::kVin);
  EXPECT_EQ(s["vehicle"]["odometer_km"], r["vehicle"]["odometer_km"]);
  EXPECT_GT(s["vehicle"]["odometer_km"].get<double>(), 100);
  EXPECT_EQ(s["battery"]["soh_percent"], r["battery"]["soh"]["value"]);
  EXPECT_EQ(s["battery"]["soh_low"], r["battery"]["soh"]["low"]);
  EXPECT_EQ(s["battery"]["status"], r["battery"]["status"]);
  // U0100 came and went in the first week; P0A80 stays.
  EXPECT_EQ(s["faults_active"], json::array({"P0A80"}));
  const auto stats = sharedCache().store->stats();
  EXPECT_EQ(s["sync"]["outbox_pending"], stats.outbox_pending);
  EXPECT_GT(stats.outbox_pending, 0);
  EXPECT_EQ(s["sync"]["outbox_dropped"], stats.outbox_dropped);
  EXPECT_EQ(s["storage"]["file_bytes"], stats.file_bytes);
  EXPECT_EQ(s["storage"]["quota_bytes"], 64LL * 1024 * 1024);
  EXPECT_EQ(s["prompts_open"], sharedCache().store->openPrompts()->size());
}

TEST_F(DiagnosticsTest, StatusOfARunningDaemonShowsUptimeAndTheBroker) {
  Sources sources = sharedCache().offline(kWallNow);
  sources.source = "daemon";
  sources.runtime = {kWallNow - 90'500, true, kWallNow - 2000};
  const json s = data("status", sources);
  EXPECT_EQ(s["source"], "daemon");
  EXPECT_EQ(s["uptime_s"], 90);
  EXPECT_EQ(s["sync"]["connected"], true);
  EXPECT_EQ(s["sync"]["last_ack_ms"], kWallNow - 2000);
}

TEST_F(DiagnosticsTest, StatusNamesTheCarTheSourceDescribed) {
  Sources sources = sharedCache().offline(kWallNow);
  vehicle::VehicleInfo car = sharedCache().config.vehicle;
  car.model = "sim-ev-60";
  sources.vehicle = car;
  EXPECT_EQ(data("status", sources)["vehicle"]["model"], "sim-ev-60");
}

TEST_F(DiagnosticsTest, BatteryHealthIsTheReportsBatterySectionOverTheReportPeriod) {
  json b = data("battery-health");
  const auto p = period();
  EXPECT_EQ(b["period"], (json{{"from_ms", p.from_ms}, {"to_ms", p.to_ms}}));
  EXPECT_EQ(b["capacity_estimates"],
            sharedCache().store->capacityEstimates(p.from_ms, p.to_ms).size());
  b.erase("period");
  b.erase("capacity_estimates");
  EXPECT_EQ(b, report()["battery"]);
  EXPECT_FALSE(b["soh"]["value"].is_null());
}

TEST_F(DiagnosticsTest, ChargingHabitsAreTheReportsChargingAndUsage) {
  const json c = data("charging-habits");
  const json r = report();
  EXPECT_EQ(c["charging"], r["charging"]);
  EXPECT_EQ(c["usage"], r["usage"]);
  EXPECT_EQ(c["period"]["to_ms"], period().to_ms);
  EXPECT_GT(c["charging"]["sessions"].get<int>(), 0);
}

TEST_F(DiagnosticsTest, MileageIsTheReportsDrivingAndOdometer) {
  const json m = data("mileage");
  const json r = report();
  EXPECT_EQ(m["odometer_km"], r["vehicle"]["odometer_km"]);
  EXPECT_EQ(m["distance_km"], r["driving"]["distance_km"]);
  EXPECT_EQ(m["trips"], r["driving"]["trips"]);
  EXPECT_EQ(m["average_daily_km"], r["driving"]["average_daily_km"]);
  EXPECT_EQ(m["efficiency_kwh_per_100km"], r["driving"]["efficiency_kwh_per_100km"]);
  EXPECT_GT(m["trips"].get<int>(), 10);
}

TEST_F(DiagnosticsTest, OutboxCountsEveryWaitingMessageByKind) {
  const json o = data("outbox");
  const auto stats = sharedCache().store->stats();
  std::int64_t sum = 0;
  for (const auto& [kind, n] : o["by_kind"].items()) sum += n.get<std::int64_t>();
  EXPECT_EQ(o["pending"], stats.outbox_pending);
  EXPECT_EQ(sum, stats.outbox_pending);
  EXPECT_GE(o["by_kind"].value("telemetry/daily", 0), 27);
  // The report made when the simulated month ended.
  EXPECT_EQ(o["by_kind"].value("health-report", 0), 1);
  EXPECT_EQ(o["next_seq"], stats.next_seq);
  EXPECT_EQ(o["dropped_quota"], 0);
  EXPECT_EQ(o["expired"], 0);
  EXPECT_EQ(o["lost_by_kind"], json::object());
  const auto start = sharedCache().config.source.simulator.start_ms;
  EXPECT_GE(o["oldest_ms"].get<std::int64_t>(), start);
  EXPECT_LT(o["oldest_ms"].get<std::int64_t>(), start + 2 * kDay) << "the first day's telemetry";
  EXPECT_TRUE(o["connected"].is_null());
}

TEST_F(DiagnosticsTest, StorageIsTheStoresStatisticsAndItsPath) {
  const json s = data("storage");
  const auto stats = sharedCache().store->stats();
  EXPECT_EQ(s["path"], sharedCache().config.storage.path);
  EXPECT_EQ(s["samples"], stats.samples);
  EXPECT_EQ(s["daily_rollups"], stats.daily_rollups);
  EXPECT_EQ(s["newest_sample_ms"], *stats.newest_sample_ms);
  EXPECT_EQ(s["file_bytes"], stats.file_bytes);
  EXPECT_GT(stats.samples, 1000);
}

TEST_F(DiagnosticsTest, VersionGivesTheAgentTheSchemaAndTheContract) {
  const json v = data("version");
  EXPECT_EQ(v["agent"], kAgentVersion);
  EXPECT_EQ(v["schema_version"], 7);
  EXPECT_EQ(v["contract"], "crm.v1");
  EXPECT_EQ(std::string(kAgentVersion), "0.1.0");
}

TEST_F(DiagnosticsTest, PromptsListTheOpenOnesAndCountThePeriodsEvents) {
  // A store of its own: a prompt is written.
  crm::testing::TempDir dir;
  auto store = crm::testing::openTestStore(dir.file("p.db"));
  ASSERT_NE(store, nullptr);
  store::PromptRecord p;
  p.rule = "battery.dc_share";
  p.severity = "advisory";
  p.state = "delivered";
  p.title_en = "Mostly fast charging";
  p.raised_ms = kWallNow - kDay;
  p.delivered_ms = kWallNow - kDay + 60'000;
  p.expires_ms = kWallNow + 13 * kDay;
  const auto id = store->addPrompt(p);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store->addPromptEvent({*id, p.raised_ms, "raised"}).ok());
  ASSERT_TRUE(store->addPromptEvent({*id, *p.delivered_ms, "delivered"}).ok());
  ASSERT_TRUE(store->commit().ok());
  config::Config config = testing::simulatedCarConfig(dir.file("p.db"));
  const Sources sources{*store, *store, config, kWallNow, {}, "daemon", std::nullopt};

  const json d = data("prompts", sources);
  ASSERT_EQ(d["open"].size(), 1U);
  EXPECT_EQ(d["open"][0], (json{{"id", *id},
                                {"rule", "battery.dc_share"},
                                {"severity", "advisory"},
                                {"state", "delivered"},
                                {"raised_ms", p.raised_ms},
                                {"delivered_ms", *p.delivered_ms},
                                {"expires_ms", p.expires_ms},
                                {"title_en", "Mostly fast charging"}}));
  // No samples: the period ends at the wall clock.
  EXPECT_EQ(d["period"]["to_ms"], kWallNow);
  EXPECT_EQ(
      d["counts"],
      (json{{"raised", 1}, {"delivered", 1}, {"accepted", 0}, {"snoozed", 0}, {"dismissed", 0}}));
}

TEST_F(DiagnosticsTest, OutboxShowsWhatWasLostToTheQuotaAndToExpiryByKind) {
  crm::testing::TempDir dir;
  auto store = crm::testing::openTestStore(dir.file("l.db"));
  ASSERT_NE(store, nullptr);
  // A cmd-result sent to a sender whose clock is eight days on: expired.
  ASSERT_TRUE(store->enqueue(wire::Kind::kCmdResult, testing::kVin, 1767225600000, "{}").ok());
  ASSERT_TRUE(store->commit().ok());
  ASSERT_TRUE(store->pendingOutbox(0, 10, 1767225600000 + 8 * kDay).value().empty());
  // Three daily messages lost to the quota, as retention counts them.
  ASSERT_TRUE(store->setMeta("outbox_dropped", "3").ok());
  ASSERT_TRUE(store->setMeta("outbox_dropped.telemetry/daily", "3").ok());
  ASSERT_TRUE(store->commit().ok());
  config::Config config = testing::simulatedCarConfig(dir.file("l.db"));
  const Sources sources{*store, *store, config, kWallNow, {}, "offline", std::nullopt};
  const json o = data("outbox", sources);
  EXPECT_EQ(o["pending"], 0);
  EXPECT_EQ(o["dropped_quota"], 3);
  EXPECT_EQ(o["expired"], 1);
  EXPECT_EQ(o["lost_by_kind"], (json{{"cmd-result", {{"quota", 0}, {"expired", 1}}},
                                     {"telemetry/daily", {{"quota", 3}, {"expired", 0}}}}));
}

TEST_F(DiagnosticsTest, AnEmptyCacheAnswersEveryViewWithNullsNotErrors) {
  crm::testing::TempDir dir;
  auto store = crm::testing::openTestStore(dir.file("e.db"));
  ASSERT_NE(store, nullptr);
  config::Config config = testing::simulatedCarConfig(dir.file("e.db"));
  const Sources sources{*store, *store, config, kWallNow, {}, "offline", std::nullopt};
  for (const auto& item : dataItems()) EXPECT_TRUE(data(item.id, sources).is_object()) << item.id;
  const json s = data("status", sources);
  EXPECT_TRUE(s["vehicle"]["odometer_km"].is_null());
  EXPECT_TRUE(s["battery"]["soh_percent"].is_null());
  EXPECT_EQ(s["faults_active"], json::array());
  EXPECT_TRUE(data("outbox", sources)["oldest_ms"].is_null());
}

}  // namespace
}  // namespace crm::diagnostics
