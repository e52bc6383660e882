// The erase end to end: the CRM tells the running agent about its driver
// over MQTT, then sends erase; the answer counts what went, and while the
// agent runs on, neither the cache nor its WAL holds a byte of it, and the
// car's technical history is still there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000011";
const std::string kRoot = std::string("crm/v1/vehicles/") + kVin;
constexpr char kDealerId[] = "D-PRIV-77X";
constexpr char kDealerName[] = "Marker Dealer R8T";
constexpr char kOfferTitle[] = "Marker offer L5N";

std::optional<json> resultFor(const Collector& c, const std::string& id) {
  for (const auto& m : c.messages()) {
    if (m.topic != kRoot + "/cmd-result") continue;
    auto body = json::parse(m.payload)["body"];
    if (body["command_id"] == id) return body;
  }
  return std::nullopt;
}

std::string bytesOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Which markers the cache file or its WAL hold.
std::vector<std::string> markersIn(const std::string& db) {
  std::vector<std::string> found;
  for (const std::string suffix : {"", "-wal"}) {
    const std::string bytes = bytesOf(db + suffix);
    for (const char* m : {kDealerId, kDealerName, kOfferTitle}) {
      if (bytes.find(m) != std::string::npos) found.push_back(std::string(m) + " in" + suffix);
    }
  }
  return found;
}

std::int64_t count(const std::string& db, const char* sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(h, 2000);
  sqlite3_stmt* s = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return n;
}

TEST(Erase, TheRunningAgentErasesTheDriversDataAndNoByteOfItRemains) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), kRoot + "/#");
  ASSERT_TRUE(collector.connected());
  const std::string db = dir.file("cache.db");
  json cfg = {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}, {"delivered", "2025-01-01"}}},
      {"source",
       {{"kind", "simulator"}, {"acceleration", 3600}, {"simulator", {{"seed", 5}, {"days", 0}}}}},
      {"storage", {{"path", db}, {"commit_interval_ms", 100}}},
      {"privacy", {{"share_prompt_history", true}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}}};
  writeFile(dir.file("agent.json"), cfg.dump());
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  mqtt::async_client crm(broker.uri(), "crm-test-erase");
  crm.connect()->wait_for(std::chrono::seconds(5));
  auto send = [&](const std::string& name, const std::string& id, json body) {
    const json e = {{"id", id}, {"issued_at", nowMs()}, {"vin", kVin}, {"body", std::move(body)}};
    crm.publish(kRoot + "/cmd/" + name, e.dump(), 1, false)->wait_for(std::chrono::seconds(5));
  };
  auto answered = [&](const std::string& id, milliseconds timeout) {
    return collector.waitFor([&](const auto&) { return resultFor(collector, id).has_value(); },
                             timeout);
  };

  // The driver, as the CRM knows them. The first command is sent until the
  // agent's subscription is in place (a re-send is only ever a duplicate).
  const std::string profile = "7d9f1c2a-0b3e-4c5d-8e6f-0000000000e1";
  bool subscribed = false;
  for (int i = 0; i < 40 && !subscribed; ++i) {
    send("customer-profile", profile,
         {{"tier", "high"}, {"language", "zh-CN"}, {"dealer_id", kDealerId}});
    subscribed = answered(profile, milliseconds(500));
  }
  ASSERT_TRUE(subscribed) << "the agent never answered";
  const std::string appointment = "7d9f1c2a-0b3e-4c5d-8e6f-0000000000e2";
  send("appointment", appointment,
       {{"appointment_id", "A-9"},
        {"at", nowMs() + 3LL * 86'400'000},
        {"dealer_name", kDealerName},
        {"items", {"tire_rotation"}}});
  const std::string offer = "7d9f1c2a-0b3e-4c5d-8e6f-0000000000e3";
  send("campaign", offer,
       {{"campaign_id", "offer-9"},
        {"kind", "offer"},
        {"severity", "advisory"},
        {"title", {{"en", kOfferTitle}, {"zh-CN", "优惠"}}},
        {"message", {{"en", "A free wash with your next visit."}, {"zh-CN", "下次到店免费洗车。"}}},
        {"valid_until", nowMs() + 30LL * 86'400'000}});
  ASSERT_TRUE(answered(offer, milliseconds(10000)));
  for (const auto& id : {profile, appointment, offer}) {
    EXPECT_EQ((*resultFor(collector, id))["status"], "ok") << id;
  }
  ASSERT_EQ(markersIn(db).empty(), false) << "the scan must see the data before the erase";

  const std::string erase = "7d9f1c2a-0b3e-4c5d-8e6f-0000000000e4";
  send("erase", erase, {{"scope", "personal"}});
  ASSERT_TRUE(answered(erase, milliseconds(10000)));
  const json result = *resultFor(collector, erase);
  EXPECT_EQ(result["status"], "ok") << result.dump();
  const json& erased = result["detail"]["erased"];
  EXPECT_EQ(erased["profile"], 3);
  EXPECT_EQ(erased["appointments"], 1);
  EXPECT_EQ(erased["offers"], 1);
  EXPECT_GE(erased["prompts"].get<int>(), 1) << "the offer's prompt";

  // The answer is sent after the commit that truncated the WAL. The agent
  // runs on, writing samples: the files are scanned while it does.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(markersIn(db), std::vector<std::string>{});
  EXPECT_GT(count(db, "SELECT count(*) FROM rollup_daily"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM meta WHERE key LIKE 'profile.%'"), 0);

  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
  EXPECT_EQ(markersIn(db), std::vector<std::string>{});
  crm.disconnect()->wait_for(std::chrono::seconds(2));
}

}  // namespace
}  // namespace crm::testing
