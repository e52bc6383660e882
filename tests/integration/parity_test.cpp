// One pipeline: the same recording fed to the daemon (recording source,
// --until-source-ends, a real mosquitto) and to `crm-agent replay` yields the
// same messages, in the same order, with the same bodies: daily telemetry,
// charging sessions, periodic health reports, the final report and the
// answers to the recording's commands. Only what belongs to one run (the
// envelope's id, seq and production time) may differ.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crm/testing/broker.h"
#include "crm/testing/temp_dir.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// What must match between the two runs: the topic and the envelope without
// what each run draws for itself (the id, and the seq, which the daemon's
// status messages also take). The ts stays: every message's is the data's.
json comparable(const std::string& topic, json payload) {
  payload.erase("id");
  payload.erase("seq");
  return json{{"topic", topic}, {"payload", payload}};
}

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Two simulated weeks, with the dealer's commands at its end: a workshop
// visit and a report on request, each answered by a cmd-result.
std::string recordingWithCommands(const TempDir& dir) {
  const auto path = dir.file("month.jsonl");
  auto sim = run(agentCommand({"simulate", "--days", "15", "--seed", "7", "--profile",
                               "ride_hailing", "--out", path}),
                 dir.path());
  EXPECT_EQ(sim.code, 0) << sim.err;
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  const std::int64_t end = json::parse(last)["ts"].get<std::int64_t>();
  std::ofstream out(path, std::ios::app);
  out << json{{"ts", end + 1000},
              {"command", "service-record"},
              {"body",
               {{"visit_date", "2026-01-20"},
                {"odometer_km", 1000},
                {"items", {"tire_rotation"}},
                {"dealer_id", "D-1"}}}}
             .dump()
      << "\n"
      << json{{"ts", end + 2000}, {"command", "report-request"}, {"body", {{"period_days", 7}}}}
             .dump()
      << "\n";
  return path;
}

TEST(Parity, TheDaemonAndReplayPublishTheSameMessagesForTheSameRecording) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  const auto recording = recordingWithCommands(dir);
  const std::string vin = json::parse(firstLine(recording))["vehicle"]["vin"];

  // One configuration for both: the daemon's identity is the recording's car.
  Broker broker;
  ASSERT_TRUE(broker.start());
  json cfg = {
      {"vehicle", {{"vin", vin}, {"utc_offset_minutes", 480}}},
      {"source", {{"kind", "recording"}, {"recording", recording}, {"acceleration", 1e7}}},
      // Retention runs inside the run too: raw samples older than 3
      // days go while both read them for sessions and reports.
      {"storage",
       {{"path", dir.file("car/cache.db")}, {"commit_interval_ms", 50}, {"raw_retention_days", 3}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}}},
      {"reports", {{"period_days", 5}}},
      {"log", {{"level", "warn"}}}};
  writeFile(dir.file("agent.json"), cfg.dump(2));

  auto replay = run(agentCommand({"replay", recording, "--out", dir.file("out"), "--config",
                                  dir.file("agent.json")}),
                    dir.path());
  ASSERT_EQ(replay.code, 0) << replay.err;
  std::vector<json> expected;
  {
    std::ifstream in(dir.file("out/outbox.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      auto j = json::parse(line);
      expected.push_back(comparable(j["topic"], j["payload"]));
    }
  }

  Collector collector(broker.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());
  auto daemon = run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
                    dir.path(), std::chrono::seconds(300));
  ASSERT_EQ(daemon.code, 0) << daemon.err;
  EXPECT_EQ(daemon.err.find("did not take every message"), std::string::npos) << daemon.err;

  // In the order the broker delivered them, which is the order the daemon
  // published them; status messages are the daemon's alone.
  auto received = [&] {
    std::vector<json> out;
    for (const auto& m : collector.messages()) {
      if (m.topic.ends_with("/status")) continue;
      out.push_back(comparable(m.topic, json::parse(m.payload)));
    }
    return out;
  };
  ASSERT_TRUE(collector.waitFor([&](const auto&) { return received().size() >= expected.size(); },
                                milliseconds(10000)));
  const auto got = received();

  // The run covers every kind the pipeline makes.
  auto count = [&](const std::string& suffix) {
    return std::count_if(expected.begin(), expected.end(), [&](const json& j) {
      return j["topic"].get<std::string>().ends_with("/" + suffix);
    });
  };
  EXPECT_GE(count("telemetry/daily"), 15);
  EXPECT_GE(count("telemetry/charge-session"), 5);
  EXPECT_GE(count("health-report"), 4);  // three periodic, the request's, the final one
  EXPECT_EQ(count("cmd-result"), 2);

  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(got[i], expected[i]) << "message " << i << " differs";
  }
}

}  // namespace
}  // namespace crm::testing
