// Issue 8, classes 4-6 end to end: the real crm-agent binary given hostile
// commands over a real mosquitto (and still answering a good one after
// them), configuration files that are not files or not JSON (exit code 2
// with a message naming the file, line and column), recordings with
// hostile lines (counted, named, --strict stops), and a SIGHUP that changes
// mqtt.* settings (applied by reconnecting) or settings that need a restart
// (said so by name).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000017";
const std::string kRoot = std::string("crm/v1/vehicles/") + kVin;

std::optional<json> resultFor(const Collector& c, const std::string& id) {
  for (const auto& m : c.messages()) {
    if (m.topic != kRoot + "/cmd-result") continue;
    auto body = json::parse(m.payload)["body"];
    if (body["command_id"] == id) return body;
  }
  return std::nullopt;
}

int statusCount(const std::vector<Received>& messages, const char* state) {
  int n = 0;
  for (const auto& m : messages) {
    if (m.topic == kRoot + "/status" && json::parse(m.payload)["body"]["state"] == state) ++n;
  }
  return n;
}

json daemonConfig(const TempDir& dir, const std::string& broker) {
  return {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}, {"delivered", "2025-01-01"}}},
      {"source",
       {{"kind", "simulator"}, {"acceleration", 3600}, {"simulator", {{"seed", 3}, {"days", 0}}}}},
      {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}}};
}

TEST(HostileInput, TheRunningAgentRefusesHostileCommandsAndStillAnswersAGoodOne) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), kRoot + "/#");
  ASSERT_TRUE(collector.connected());
  writeFile(dir.file("agent.json"), daemonConfig(dir, broker.uri()).dump());
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  ASSERT_TRUE(collector.waitFor([](const auto& m) { return statusCount(m, "online") > 0; },
                                milliseconds(10000)));
  mqtt::async_client crm(broker.uri(), "crm-test-hostile");
  ASSERT_TRUE(crm.connect()->wait_for(std::chrono::seconds(5)));
  auto send = [&](const std::string& name, const std::string& payload) {
    crm.publish(kRoot + "/cmd/" + name, payload, 1, false)->wait_for(std::chrono::seconds(5));
  };
  auto envelope = [](const std::string& id, json body) {
    return json{{"id", id}, {"issued_at", nowMs()}, {"vin", kVin}, {"body", std::move(body)}};
  };
  // The subscription follows the online status: probe until it answers.
  const std::string probe = "5a1e0000-0000-4000-8000-000000000001";
  bool answered = false;
  for (int i = 0; i < 20 && !answered; ++i) {
    send("report-request", envelope(probe, {{"period_days", 7}}).dump());
    answered = collector.waitFor(
        [&](const auto&) { return resultFor(collector, probe).has_value(); }, milliseconds(500));
  }
  ASSERT_TRUE(answered);

  // A body nested 30,000 deep, inside the 64 KiB limit: it used to overflow
  // the stack (SIGSEGV).
  const std::string deep_id = "5a1e0000-0000-4000-8000-000000000002";
  std::string deep = envelope(deep_id, {{"x", 1}}).dump();
  const auto at = deep.find("{\"x\":1}");
  deep.replace(at, 7, "{\"x\":" + std::string(30000, '[') + std::string(30000, ']') + "}");
  ASSERT_LT(deep.size(), 64U * 1024);
  send("service-record", deep);
  // issued_at at the int64 edge: used to overflow in the calendar code.
  const std::string edge_id = "5a1e0000-0000-4000-8000-000000000003";
  auto edge = envelope(edge_id, {{"visit_date", "2026-01-01"},
                                 {"odometer_km", 1},
                                 {"items", {"tire_rotation"}},
                                 {"dealer_id", "D-1"}});
  edge["issued_at"] = INT64_MAX;
  send("service-record", edge.dump());
  // A date that does not exist.
  const std::string feb30_id = "5a1e0000-0000-4000-8000-000000000004";
  auto feb30 = envelope(feb30_id, {{"visit_date", "2026-02-30"},
                                   {"odometer_km", 1},
                                   {"items", {"tire_rotation"}},
                                   {"dealer_id", "D-1"}});
  send("service-record", feb30.dump());

  // Then a good one is still answered, by the same process.
  const std::string good = "5a1e0000-0000-4000-8000-000000000005";
  send("report-request", envelope(good, {{"period_days", 3}}).dump());
  ASSERT_TRUE(collector.waitFor([&](const auto&) { return resultFor(collector, good).has_value(); },
                                milliseconds(10000)))
      << "no answer to the good command after the hostile ones";
  EXPECT_EQ((*resultFor(collector, good))["status"], "ok");
  const std::pair<std::string, std::string> refused[] = {
      {edge_id, "issued_at: 9223372036854775807 is outside epoch ms from 2000-01-01"},
      {feb30_id, "body.visit_date: expected a date YYYY-MM-DD that exists"}};
  for (const auto& [id, reason] : refused) {
    const auto r = resultFor(collector, id);
    ASSERT_TRUE(r.has_value()) << id;
    EXPECT_EQ((*r)["status"], "rejected") << id;
    EXPECT_NE((*r)["reason"].get<std::string>().find(reason), std::string::npos) << (*r)["reason"];
  }
  // The deep payload is refused before it is parsed, so its id is unknown:
  // the answer has command_id null, as for any payload that is not JSON.
  EXPECT_FALSE(resultFor(collector, deep_id).has_value());
  int deep_refusals = 0;
  for (const auto& m : collector.messages()) {
    if (m.topic != kRoot + "/cmd-result") continue;
    const auto body = json::parse(m.payload)["body"];
    if (body["command_id"].is_null() && body["status"] == "rejected" &&
        body["reason"].get<std::string>().find("payload: nesting deeper than 64 levels at byte") !=
            std::string::npos)
      ++deep_refusals;
  }
  EXPECT_EQ(deep_refusals, 1);

  crm.disconnect()->wait_for(std::chrono::seconds(2));
  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
}

TEST(HostileInput, ConfigurationsThatAreNotFilesOrNotJsonEndStartUpWithCode2AndAReason) {
  TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("fifo.json").c_str(), 0600), 0);
  writeFile(dir.file("syntax.json"), "{\n  \"log\": {\"level\": \"info\"},\n  \"mqtt\": {,}\n}\n");
  writeFile(dir.file("ca.json"), R"({"mqtt": {"tls": {"ca_file": "nowhere/ca.pem"}}})");
  writeFile(dir.file("deep.json"),
            "{\"log\": " + std::string(70000, '[') + std::string(70000, ']') + "}");
  writeFile(dir.file("date.json"), R"({"vehicle": {"delivered": "2026-02-30"}})");
  const std::pair<std::string, std::string> cases[] = {
      {dir.path(), dir.path() + ": is a directory"},
      {"/dev/zero", "/dev/zero: not a regular file (a character device)"},
      {dir.file("fifo.json"), "fifo.json: not a regular file (a FIFO)"},
      {dir.file("syntax.json"), "syntax.json:3:12: not valid JSON (syntax error"},
      {dir.file("ca.json"),
       "ca.json: mqtt.tls.ca_file: " + dir.file("nowhere/ca.pem") + ": no such file"},
      {dir.file("deep.json"), "deep.json: nesting deeper than 64 levels at byte 72"},
      {dir.file("date.json"),
       "date.json: vehicle.delivered: expected a date YYYY-MM-DD that exists"},
  };
  for (const auto& [path, message] : cases) {
    const auto e = run(agentCommand({"--config", path}), dir.path(), std::chrono::seconds(20));
    EXPECT_EQ(e.code, 2) << path << "\n" << e.err;
    EXPECT_NE(e.err.find(message), std::string::npos) << e.err;
  }
}

TEST(HostileInput, ARecordingWithHostileLinesIsCountedLineByLineAndStrictStops) {
  TempDir dir;
  const std::string good = R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 10})";
  const std::string text = R"({"vehicle": {"vin": "LRW3E7EK5NC000042"}})"
                           "\n" +
                           good + "\n" +  // 2
                           R"({"ts": 1767225601000, "command": "report-request", "body": {"x": )" +
                           std::string(60000, '[') + std::string(60000, ']') + "}}\n" +  // 3
                           R"({"ts": 9223372036854775807, "path": "Vehicle.Speed", "value": 1})"
                           "\n"  // 4
                           R"({"ts": 18446744073709551615, "path": "Vehicle.Speed", "value": 1})"
                           "\n" +  // 5
                           std::string(64, '\0') +
                           "\n" +  // 6
                           R"({"ts": 1767225602000, "pad": ")" + std::string(1 << 20, 'p') +
                           "\"}\n" +  // 7
                           R"({"ts": 1767225603000, "path": "Vehicle.Speed", "value": 12})"
                           "\n";  // 8
  writeFile(dir.file("hostile.jsonl"), text);
  auto e = run(agentCommand({"replay", dir.file("hostile.jsonl"), "--out", dir.file("out")}),
               dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  const auto summary = json::parse(e.out);
  EXPECT_EQ(summary["samples_accepted"], 2);
  EXPECT_EQ(summary["rejected_by_kind"]["malformed"], 3);
  EXPECT_EQ(summary["rejected_by_kind"]["out_of_range"], 2);
  for (const char* where :
       {"hostile.jsonl:3: rejected (malformed): nesting deeper than 64 levels at byte 128",
        "hostile.jsonl:4: rejected (out_of_range): \"ts\" 9223372036854775807 is outside",
        "hostile.jsonl:5: rejected (out_of_range): \"ts\" 18446744073709551615 is outside",
        "hostile.jsonl:6: rejected (malformed): NUL byte at column 1",
        "hostile.jsonl:7: rejected (malformed): line of 1048608 bytes; at most 131072"}) {
    EXPECT_NE(e.err.find(where), std::string::npos) << where << "\n" << e.err;
  }
  // No message is dated by a hostile time: every daily message is 2026's.
  std::ifstream out(dir.file("out/outbox.jsonl"));
  std::string line;
  int daily = 0;
  while (std::getline(out, line)) {
    const auto m = json::parse(line);
    if (m["topic"].get<std::string>().ends_with("/telemetry/daily")) {
      ++daily;
      EXPECT_EQ(m["payload"]["body"]["date"], "2026-01-01");
    }
  }
  EXPECT_EQ(daily, 1);

  auto strict = run(
      agentCommand({"replay", dir.file("hostile.jsonl"), "--out", dir.file("out2"), "--strict"}),
      dir.path());
  EXPECT_EQ(strict.code, 2);
  EXPECT_NE(strict.err.find("hostile.jsonl:3: malformed: nesting deeper"), std::string::npos)
      << strict.err;
}

TEST(HostileInput, BytesAfterAGzipRecordingFailStrictAndAreCountedOtherwise) {
  TempDir dir;
  const std::string text = R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 10})"
                           "\n";
  gzFile f = gzopen(dir.file("r.jsonl.gz").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
  writeFile(dir.file("tail.jsonl.gz"), readFile(dir.file("r.jsonl.gz")) + "junk after the end");
  auto e = run(agentCommand({"replay", dir.file("tail.jsonl.gz"), "--out", dir.file("out")}),
               dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(json::parse(e.out)["rejected_by_kind"]["malformed"], 1);
  EXPECT_NE(e.err.find("tail.jsonl.gz:2: rejected (malformed): 18 bytes after the end of the "
                       "compressed data"),
            std::string::npos)
      << e.err;
  auto strict = run(
      agentCommand({"replay", dir.file("tail.jsonl.gz"), "--out", dir.file("out2"), "--strict"}),
      dir.path());
  EXPECT_EQ(strict.code, 2) << strict.err;
}

TEST(HostileInput, SighupAppliesChangedMqttSettingsByReconnectingAndNamesRestartOnlyKeys) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), kRoot + "/status");
  ASSERT_TRUE(collector.connected());
  json c = daemonConfig(dir, broker.uri());
  writeFile(dir.file("agent.json"), c.dump());
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  ASSERT_TRUE(collector.waitFor([](const auto& m) { return statusCount(m, "online") >= 1; },
                                milliseconds(10000)));
  const int online_before = statusCount(collector.messages(), "online");

  // keepalive_s was logged as reloaded and never used: now a new connection
  // with the new settings announces itself online again.
  c["mqtt"]["keepalive_s"] = 45;
  c["mqtt"]["client_id"] = "crm-agent-renamed";
  c["storage"]["quota_mib"] = 32;
  writeFile(dir.file("agent.json"), c.dump());
  agent.signal(SIGHUP);
  EXPECT_TRUE(collector.waitFor(
      [&](const auto& m) { return statusCount(m, "online") > online_before; }, milliseconds(10000)))
      << "no new connection after mqtt.keepalive_s changed";

  // A TLS file that does not exist is refused at reload; the old settings stay.
  c["mqtt"]["tls"] = {{"ca_file", "absent-ca.pem"}};
  writeFile(dir.file("agent.json"), c.dump());
  agent.signal(SIGHUP);
  std::this_thread::sleep_for(milliseconds(500));
  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0) << e->err;
  EXPECT_NE(e->err.find("reload: mqtt.client_id, mqtt.keepalive_s changed; reconnecting"),
            std::string::npos)
      << e->err;
  EXPECT_NE(e->err.find("reload: storage.quota_mib changed; the running values stay until the "
                        "next start"),
            std::string::npos)
      << e->err;
  EXPECT_NE(
      e->err.find("reload refused, keeping the running configuration: " + dir.file("agent.json") +
                  ": mqtt.tls.ca_file: " + dir.file("absent-ca.pem") + ": no such file"),
      std::string::npos)
      << e->err;
}

}  // namespace
}  // namespace crm::testing
