// Commands end to end: over MQTT to the running agent, and from a
// recording through crm-agent replay (docs/contract.md §5.3, docs/commands.md).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000009";
const std::string kRoot = std::string("crm/v1/vehicles/") + kVin;

std::string todayUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<json> resultsIn(const Collector& c) {
  std::vector<json> out;
  for (const auto& m : c.messages()) {
    if (m.topic == kRoot + "/cmd-result") out.push_back(json::parse(m.payload)["body"]);
  }
  return out;
}

std::optional<json> resultFor(const Collector& c, const std::string& id) {
  for (const auto& r : resultsIn(c)) {
    if (r["command_id"] == id) return r;
  }
  return std::nullopt;
}

class CommandSender {
 public:
  explicit CommandSender(const std::string& uri) : client_(uri, "crm-test-crm") {
    client_.connect()->wait_for(std::chrono::seconds(5));
  }
  ~CommandSender() {
    try {
      client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
      // The broker may be gone already.
    }
  }
  void send(const std::string& name, const std::string& payload) {
    client_.publish(kRoot + "/cmd/" + name, payload, 1, false)->wait_for(std::chrono::seconds(5));
  }

 private:
  mqtt::async_client client_;
};

json envelope(const std::string& id, json body) {
  return {{"id", id}, {"issued_at", nowMs()}, {"vin", kVin}, {"body", std::move(body)}};
}

TEST(Commands, TheRunningAgentAnswersEveryMqttCommandAndSurvivesBadOnes) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), kRoot + "/#");
  ASSERT_TRUE(collector.connected());
  json cfg = {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}, {"delivered", "2025-01-01"}}},
      {"source",
       {{"kind", "simulator"}, {"acceleration", 3600}, {"simulator", {{"seed", 5}, {"days", 0}}}}},
      {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}}};
  writeFile(dir.file("agent.json"), cfg.dump());
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  ASSERT_TRUE(collector.waitFor(
      [](const auto& m) {
        for (const auto& x : m) {
          if (x.topic == kRoot + "/status") return true;
        }
        return false;
      },
      milliseconds(10000)));

  CommandSender crm(broker.uri());
  // The subscription follows the online status; send until it is in place
  // (a re-send with the same id is only ever a duplicate).
  const std::string first = "7d9f1c2a-0b3e-4c5d-8e6f-000000000001";
  const auto request = envelope(first, {{"period_days", 7}}).dump();
  bool answered = false;
  for (int i = 0; i < 20 && !answered; ++i) {
    crm.send("report-request", request);
    answered = collector.waitFor(
        [&](const auto&) { return resultFor(collector, first).has_value(); }, milliseconds(500));
  }
  ASSERT_TRUE(answered);
  EXPECT_EQ((*resultFor(collector, first))["status"], "ok");
  EXPECT_EQ((*resultFor(collector, first))["command"], "report-request");

  // Bad ones: each answered, none stops the agent.
  crm.send("service-record", "{ this is not json");
  const std::string wrong_vin = "7d9f1c2a-0b3e-4c5d-8e6f-000000000002";
  auto other = envelope(wrong_vin, {{"period_days", 7}});
  other["vin"] = "LRW3E7EK5NC999999";
  crm.send("report-request", other.dump());
  crm.send("service-record", std::string(70 * 1024, 'x'));
  const std::string bad_scope = "7d9f1c2a-0b3e-4c5d-8e6f-000000000003";
  crm.send("erase", envelope(bad_scope, {{"scope", "everything"}}).dump());
  const std::string erase = "7d9f1c2a-0b3e-4c5d-8e6f-000000000005";
  crm.send("erase", envelope(erase, {{"scope", "personal"}}).dump());

  // Then a good one still works.
  const std::string visit = "7d9f1c2a-0b3e-4c5d-8e6f-000000000004";
  crm.send("service-record", envelope(visit, {{"visit_date", todayUtc()},
                                              {"odometer_km", 100},
                                              {"items", {"tire_rotation"}},
                                              {"dealer_id", "D-7"}})
                                 .dump());
  ASSERT_TRUE(collector.waitFor(
      [&](const auto&) { return resultFor(collector, visit).has_value(); }, milliseconds(10000)))
      << "no answer to the service-record";
  EXPECT_EQ((*resultFor(collector, visit))["status"], "ok");
  EXPECT_EQ((*resultFor(collector, wrong_vin))["status"], "rejected");
  EXPECT_EQ((*resultFor(collector, wrong_vin))["reason"], "vin: addressed to another vehicle");
  EXPECT_EQ((*resultFor(collector, bad_scope))["status"], "rejected");
  EXPECT_NE((*resultFor(collector, bad_scope))["reason"].get<std::string>().find("body.scope"),
            std::string::npos);
  ASSERT_TRUE(resultFor(collector, erase).has_value());
  EXPECT_EQ((*resultFor(collector, erase))["status"], "ok");
  EXPECT_TRUE((*resultFor(collector, erase))["detail"]["erased"]["prompts"].is_number_integer());
  int malformed = 0, oversized = 0;
  for (const auto& r : resultsIn(collector)) {
    if (r["reason"] == "payload is not valid JSON") ++malformed;
    if (r["reason"].is_string() &&
        r["reason"].get<std::string>().find("at most 65536") != std::string::npos)
      ++oversized;
  }
  EXPECT_EQ(malformed, 1);
  EXPECT_EQ(oversized, 1);
  // The requested report went out too.
  bool report = false;
  for (const auto& m : collector.messages()) report |= m.topic == kRoot + "/health-report";
  EXPECT_TRUE(report);

  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
}

std::vector<json> readJsonLines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

// Three days of a Model 3 at 15,000 km driving 50 km a day; optional command
// lines in the middle of the second day.
std::string recording(const std::vector<std::string>& commands) {
  constexpr std::int64_t kStart = 1767225600000;  // 2026-01-01
  std::string r =
      R"({"vehicle": {"vin": "LRW3E7EK5NC000043", "model": "model-3-lr", "delivered": "2024-03-01"}})"
      "\n";
  double odo_m = 15'000'000;
  for (int hour = 0; hour < 72; ++hour) {
    const std::int64_t ts = kStart + hour * 3'600'000LL;
    if (hour == 36) {
      for (const auto& c : commands) {
        r += R"({"ts": )" + std::to_string(ts) + R"(, "command": )" + c + "}\n";
      }
    }
    if (hour % 24 == 8) odo_m += 50'000;
    r += R"({"ts": )" + std::to_string(ts) + R"(, "path": "Vehicle.TraveledDistance", "value": )" +
         std::to_string(static_cast<std::int64_t>(odo_m)) + "}\n";
    r += R"({"ts": )" + std::to_string(ts + 1000) +
         R"(, "path": "Vehicle.Speed", "value": 0})"
         "\n";
  }
  return r;
}

json tireRotation(const json& report) {
  for (const auto& d : report["service"]["due"]) {
    if (d["item"] == "tire_rotation") return d;
  }
  return nullptr;
}

TEST(Commands, ReplayedServiceRecordResetsTireRotationAndReportRequestQueuesAReport) {
  TempDir dir;
  // Without a visit: 15,150 km on a car that never had its tyres rotated.
  writeFile(dir.file("plain.jsonl"), recording({}));
  auto plain = run(agentCommand({"replay", dir.file("plain.jsonl"), "--out", dir.file("plain")}),
                   dir.path());
  ASSERT_EQ(plain.code, 0) << plain.err;
  const auto before = json::parse(readFile(dir.file("plain/report.json")));
  EXPECT_EQ(tireRotation(before)["due_in_km"], -5150);
  EXPECT_EQ(tireRotation(before)["overdue"], true);
  EXPECT_EQ(before["service"]["customer_status"], "lost");

  writeFile(dir.file("visit.jsonl"),
            recording({R"("service-record", "body": {"visit_date": "2026-01-02",)"
                       R"( "odometer_km": 15100, "items": ["tire_rotation"], "dealer_id": "D1"})",
                       R"("report-request", "body": {"period_days": 2})",
                       R"("service-record", "body": {"visit_date": "2026-01-02",)"
                       R"( "odometer_km": 15100, "items": ["wiper_blades"], "dealer_id": "D1"})"}));
  auto e =
      run(agentCommand({"replay", dir.file("visit.jsonl"), "--out", dir.file("visit"), "--strict"}),
          dir.path());
  ASSERT_EQ(e.code, 0) << e.err;  // a rejected command does not fail --strict
  const auto summary = json::parse(e.out);
  EXPECT_EQ(summary["command_results"], (json{{"ok", 2}, {"rejected", 1}, {"error", 0}}));

  const auto report = json::parse(readFile(dir.file("visit/report.json")));
  EXPECT_EQ(tireRotation(report)["due_in_km"], 9950);  // 15,100 + 10,000 - 15,150
  EXPECT_EQ(tireRotation(report)["overdue"], false);
  EXPECT_EQ(report["service"]["last_visit"], 1767312000000);  // 2026-01-02
  EXPECT_EQ(report["service"]["visits_12_months"], 1);
  EXPECT_EQ(report["service"]["customer_status"], "swing");  // one visit, under 3 months ago

  const auto outbox = readJsonLines(dir.file("visit/outbox.jsonl"));
  std::vector<json> results;
  std::vector<std::size_t> reports;
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    const std::string topic = outbox[i]["topic"];
    if (topic == "crm/v1/vehicles/LRW3E7EK5NC000043/cmd-result")
      results.push_back(outbox[i]["payload"]["body"]);
    if (topic == "crm/v1/vehicles/LRW3E7EK5NC000043/health-report") reports.push_back(i);
  }
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0]["command"], "service-record");
  EXPECT_EQ(results[0]["status"], "ok");
  EXPECT_EQ(results[1]["command"], "report-request");
  EXPECT_EQ(results[1]["status"], "ok");
  EXPECT_EQ(results[2]["status"], "rejected");
  EXPECT_NE(results[2]["reason"].get<std::string>().find("'wiper_blades'"), std::string::npos);
  // The requested report (two days ending at the command) and the final one.
  ASSERT_EQ(reports.size(), 2U);
  const auto& requested = outbox[reports[0]]["payload"]["body"];
  EXPECT_EQ(requested["period"]["to"].get<std::int64_t>() -
                requested["period"]["from"].get<std::int64_t>(),
            2 * 86'400'000LL);
  EXPECT_EQ(summary["commands"], 3);

  // Replaying again gives the same command ids: derived from the lines.
  auto again = run(agentCommand({"replay", dir.file("visit.jsonl"), "--out", dir.file("again")}),
                   dir.path());
  ASSERT_EQ(again.code, 0);
  std::vector<json> ids;
  for (const auto& m : readJsonLines(dir.file("again/outbox.jsonl"))) {
    if (m["topic"] == "crm/v1/vehicles/LRW3E7EK5NC000043/cmd-result")
      ids.push_back(m["payload"]["body"]["command_id"]);
  }
  ASSERT_EQ(ids.size(), 3U);
  EXPECT_EQ(ids[0], results[0]["command_id"]);
  EXPECT_EQ(ids[2], results[2]["command_id"]);
}

}  // namespace
}  // namespace crm::testing
