// The real agent over a cache whose outbox outgrew the quota during a long
// outage (the messages queued while the broker was away, written here as the
// store writes them): the quota takes the lowest priority, oldest first; the
// highest arrives whole; and the daily telemetry the agent then sends
// reports the loss, as the cache's counters hold it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "crm/store/outbox_losses.h"
#include "crm/store/store.h"
#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000011";
constexpr int kLow = 1100;  // 4 KiB each: more than the 4 MiB quota holds
constexpr int kHigh = 30;

struct Seeded {
  std::vector<std::string> low, high;  // ids, oldest first
};

// The outage's backlog, queued as the agent queues: a daily message body
// padded to 4 KiB, and now and then a small cmd-result.
Seeded seed(const std::string& path, std::int64_t t0) {
  store::StoreOptions o;
  o.path = path;
  o.full_sync = false;
  auto store = std::move(store::Store::open(o)).value();
  Seeded out;
  const std::string pad = json{{"pad", std::string(4000, 'x')}}.dump();
  for (int i = 0; i < kLow; ++i) {
    const std::int64_t ts = t0 + i * 60'000;
    out.low.push_back(store->enqueue(wire::Kind::kTelemetryDaily, kVin, ts, pad)->id);
    if (i % (kLow / kHigh) == 0 && static_cast<int>(out.high.size()) < kHigh) {
      out.high.push_back(store->enqueue(wire::Kind::kCmdResult, kVin, ts, "{}")->id);
    }
  }
  EXPECT_TRUE(store->commit().ok());
  return out;
}

// Waits until the agent's retention has dropped something (the cache's
// counter, read as another process would read it).
bool waitForDrops(const std::string& path, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    sqlite3* db = nullptr;
    std::int64_t dropped = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 1000);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'outbox_dropped'", -1, &st,
                             nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        dropped = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (dropped > 0) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

TEST(OutboxLoss, TheQuotaTakesTheOldestLowPriorityMessagesAndTheDailyReportsIt) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  // Recent by the wall clock, like the simulated car after it, so that no
  // time-to-live (judged by the publisher's clock) takes part here.
  constexpr std::int64_t kDay = 86'400'000;
  const std::int64_t start = (nowMs() / kDay - 2) * kDay;
  const Seeded seeded = seed(dir.file("cache.db"), start - kDay);
  ASSERT_EQ(static_cast<int>(seeded.high.size()), kHigh);
  // The broker is still away when the agent starts: its first commit finds
  // the cache over the quota. Reconnect attempts a second apart leave the
  // collector time to subscribe once the broker is back.
  Broker broker;
  const json config = {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}}},
      {"source",
       {{"kind", "simulator"},
        {"acceleration", 86400.0 * 2},
        {"simulator", {{"seed", 5}, {"profile", "private"}, {"days", 2}, {"start_ms", start}}}}},
      {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}, {"quota_mib", 4}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 1000}, {"reconnect_max_ms", 1000}}}};
  writeFile(dir.file("agent.json"), config.dump(2));
  Process agent(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
                dir.path());
  ASSERT_TRUE(waitForDrops(dir.file("cache.db"), std::chrono::seconds(60)));
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), std::string("crm/v1/vehicles/") + kVin + "/#");
  ASSERT_TRUE(collector.connected());
  auto e = agent.wait(std::chrono::seconds(150));
  ASSERT_TRUE(e.has_value()) << "the agent did not finish";
  ASSERT_EQ(e->code, 0) << e->err;
  collector.waitFor([](const auto&) { return false; }, milliseconds(500));  // stragglers

  std::set<std::string> ids;
  std::vector<json> daily;  // the simulated days' own (they have a date)
  for (const auto& m : collector.messages()) {
    const json p = json::parse(m.payload, nullptr, false);
    if (!p.is_object() || !p.contains("id")) continue;
    ids.insert(p["id"].get<std::string>());
    if (p["schema"] == "crm.v1.telemetry.daily" && p["body"].contains("date")) daily.push_back(p);
  }
  // The highest priority arrives whole.
  for (const auto& id : seeded.high) EXPECT_TRUE(ids.contains(id)) << "cmd-result " << id;
  // Of the lowest, some were lost, and never the newest ones.
  int lost = 0;
  for (const auto& id : seeded.low) lost += ids.contains(id) ? 0 : 1;
  EXPECT_GT(lost, 0) << "the backlog did not outgrow the quota";
  for (int i = kLow - 50; i < kLow; ++i) EXPECT_TRUE(ids.contains(seeded.low[i])) << i;

  // The cache counted them; the last daily message, built after the drops,
  // carries the count (it may lag the final count only by later drops).
  store::StoreOptions o;
  o.path = dir.file("cache.db");
  auto store = std::move(store::Store::open(o)).value();
  const auto losses = store::outboxLosses(*store).value();
  ASSERT_TRUE(losses.by_kind.contains("telemetry/daily"));
  const std::int64_t counted = losses.by_kind.at("telemetry/daily").quota;
  EXPECT_GE(counted, lost);
  EXPECT_FALSE(losses.by_kind.contains("cmd-result"));
  ASSERT_FALSE(daily.empty()) << e->err;
  const json& reported = daily.back()["body"]["outbox_lost"];
  EXPECT_GT(reported["by_kind"]["telemetry/daily"]["quota"].get<std::int64_t>(), 0) << reported;
  EXPECT_LE(reported["by_kind"]["telemetry/daily"]["quota"].get<std::int64_t>(), counted);
  EXPECT_EQ(reported["quota"], reported["by_kind"]["telemetry/daily"]["quota"]);
  EXPECT_EQ(reported["expired"], 0);
}

}  // namespace
}  // namespace crm::testing
