// The crm-agent daemon as a process: configuration errors, a simulated car
// publishing to a real mosquitto, clean stops.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000007";

std::string agentConfig(const TempDir& dir, const std::string& broker_uri, double days,
                        double acceleration) {
  json c = {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}}},
      {"source",
       {{"kind", "simulator"},
        {"acceleration", acceleration},
        {"simulator", {{"seed", 11}, {"profile", "private"}, {"days", days}}}}},
      {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker_uri}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
      {"log", {{"level", "info"}}}};
  writeFile(dir.file("agent.json"), c.dump(2));
  return dir.file("agent.json");
}

std::vector<json> payloadsOn(const Collector& c, const std::string& suffix) {
  std::vector<json> out;
  for (const auto& m : c.messages()) {
    if (m.topic == std::string("crm/v1/vehicles/") + kVin + "/" + suffix)
      out.push_back(json::parse(m.payload));
  }
  return out;
}

TEST(Agent, UnknownConfigKeyEndsStartUpWithExitCode2NamingTheKey) {
  TempDir dir;
  writeFile(dir.file("agent.json"), R"({"storage": {"quota_mb": 64}})");
  auto e = run(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("storage.quota_mb: unknown key"), std::string::npos) << e.err;
}

TEST(Agent, MissingConfigFileIsExitCode2) {
  TempDir dir;
  auto e = run(agentCommand({"--config", dir.file("none.json")}), dir.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("none.json"), std::string::npos);
}

TEST(Agent, SimulatedCarPublishesDailyTelemetryThenStopsOffline) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());
  const auto cfg = agentConfig(dir, broker.uri(), 4, 86400.0 * 4);  // ~1 s of wall time

  auto e = run(agentCommand({"--config", cfg, "--until-source-ends"}), dir.path(),
               std::chrono::seconds(120));
  ASSERT_EQ(e.code, 0) << e.err;

  // Three whole days ended while the source ran; the source's end closes
  // the last one too (a finite source's data is complete, as in a replay),
  // and the report for the period ending at its last sample follows.
  ASSERT_TRUE(collector.waitFor([](const auto& m) { return m.size() >= 7; }, milliseconds(5000)));
  auto daily = payloadsOn(collector, "telemetry/daily");
  ASSERT_GE(daily.size(), 4U) << e.err;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(daily[i]["vin"], kVin);
    EXPECT_TRUE(daily[i]["body"]["distance_km"].is_number());
  }
  EXPECT_EQ(payloadsOn(collector, "health-report").size(), 1U);
  auto status = payloadsOn(collector, "status");
  ASSERT_GE(status.size(), 2U);
  EXPECT_EQ(status.front()["body"]["state"], "online");
  EXPECT_EQ(status.back()["body"]["state"], "offline");
  EXPECT_EQ(status.back()["body"]["reason"], "stopped");
}

TEST(Agent, SigtermStopsCleanlyAndKeepsWhatWasCommitted) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), std::string("crm/v1/vehicles/") + kVin + "/status");
  const auto cfg = agentConfig(dir, broker.uri(), 0, 3600);  // endless car, an hour a second

  Process agent(agentCommand({"--config", cfg}), dir.path());
  ASSERT_TRUE(collector.waitFor([](const auto& m) { return !m.empty(); }, milliseconds(10000)));
  std::this_thread::sleep_for(milliseconds(500));
  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
  EXPECT_NE(e->err.find("stopping (SIGTERM)"), std::string::npos);
  ASSERT_TRUE(collector.waitFor(
      [](const auto& m) { return json::parse(m.back().payload)["body"]["state"] == "offline"; },
      milliseconds(3000)));
}

TEST(Agent, SighupReloadsAValidConfigAndRefusesABadOne) {
  TempDir dir;
  json c = {{"source", {{"acceleration", 60.0}, {"simulator", {{"days", 0}}}}},
            {"storage", {{"path", dir.file("cache.db")}}},
            {"mqtt", {{"enabled", false}}}};
  writeFile(dir.file("agent.json"), c.dump());
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  std::this_thread::sleep_for(milliseconds(800));

  writeFile(dir.file("agent.json"), R"({"log": {"level": "loud"}})");
  agent.signal(SIGHUP);
  std::this_thread::sleep_for(milliseconds(400));
  c["log"] = {{"level", "debug"}};
  writeFile(dir.file("agent.json"), c.dump());
  agent.signal(SIGHUP);
  std::this_thread::sleep_for(milliseconds(400));
  agent.signal(SIGTERM);

  auto e = agent.wait(milliseconds(10000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;  // the bad file did not stop it
  EXPECT_NE(e->err.find("reload refused, keeping the running configuration"), std::string::npos)
      << e->err;
  EXPECT_NE(e->err.find("log.level: expected one of"), std::string::npos) << e->err;
  EXPECT_NE(e->err.find("configuration reloaded"), std::string::npos) << e->err;
}

TEST(Agent, UnderSystemdItNotifiesReadyPingsTheWatchdogAndSaysStopping) {
  TempDir dir;
  json c = {{"source", {{"acceleration", 60.0}, {"simulator", {{"days", 0}}}}},
            {"storage", {{"path", dir.file("cache.db")}}},
            {"mqtt", {{"enabled", false}}}};
  writeFile(dir.file("agent.json"), c.dump());
  // Play systemd: a datagram socket named by NOTIFY_SOCKET, a 200 ms watchdog.
  const int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = dir.file("notify.sock");
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{0, 100000};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  std::string heard;
  auto listen = [&](milliseconds how_long) {
    const auto end = std::chrono::steady_clock::now() + how_long;
    char buf[512];
    while (std::chrono::steady_clock::now() < end) {
      const auto n = recv(sock, buf, sizeof buf, 0);
      if (n > 0) heard += std::string(buf, static_cast<std::size_t>(n)) + "\n";
    }
  };
  listen(milliseconds(1500));
  agent.signal(SIGTERM);
  listen(milliseconds(1000));
  auto e = agent.wait(milliseconds(10000));
  close(sock);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
  EXPECT_NE(heard.find("READY=1"), std::string::npos) << heard;
  // Pings at half the interval: several in 1.5 s.
  std::size_t pings = 0;
  for (auto at = heard.find("WATCHDOG=1"); at != std::string::npos;
       at = heard.find("WATCHDOG=1", at + 1))
    ++pings;
  EXPECT_GE(pings, 5U) << heard;
  EXPECT_NE(heard.find("STOPPING=1"), std::string::npos) << heard;
}

TEST(Agent, CorruptCacheIsMovedAsideAndTheAgentRuns) {
  TempDir dir;
  writeFile(dir.file("cache.db"), std::string(10000, '\x7f'));
  json c = {{"source", {{"acceleration", 86400.0}, {"simulator", {{"days", 1}}}}},
            {"storage", {{"path", dir.file("cache.db")}}},
            {"mqtt", {{"enabled", false}}}};
  writeFile(dir.file("agent.json"), c.dump());
  auto e =
      run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}), dir.path());
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_NE(e.err.find("moved aside"), std::string::npos) << e.err;
  bool aside = false;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    aside |= f.path().filename().string().rfind("cache.db.corrupt-", 0) == 0;
  }
  EXPECT_TRUE(aside);
}

TEST(Agent, ACorruptValueInTheCachesMetadataIsReportedAndTheAgentRuns) {
  TempDir dir;
  json c = {{"source", {{"acceleration", 86400.0 * 10}, {"simulator", {{"days", 3}}}}},
            {"storage", {{"path", dir.file("cache.db")}}},
            {"mqtt", {{"enabled", false}}}};
  writeFile(dir.file("agent.json"), c.dump());
  auto first =
      run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}), dir.path());
  ASSERT_EQ(first.code, 0) << first.err;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("cache.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT OR REPLACE INTO meta VALUES('telemetry.daily.closed_through', "
                           "'yesterday');"
                           "INSERT OR REPLACE INTO meta VALUES('outbox_dropped', '1e99x');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  // A longer car: the restart resumes it past what the cache holds.
  c["source"]["simulator"]["days"] = 5;
  writeFile(dir.file("agent.json"), c.dump());
  auto again =
      run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}), dir.path());
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.signal, 0);
  EXPECT_NE(again.err.find("telemetry.daily.closed_through: \"yesterday\" is not an integer"),
            std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("source finished"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace crm::testing
