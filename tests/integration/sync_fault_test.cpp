// A steady stream from the agent while the broker is stopped and started
// again ten times on the same port (its persistence on): what the reference
// CRM consumer keeps, duplicates removed, is exactly what the agent
// committed, and each topic's messages in seq order are in the order the car
// produced them.
//
// What "committed" holds comes from the same recording replayed
// (`crm-agent replay`): the daemon and the replay publish the same messages
// with the same bodies in the same order (parity_test); only the envelope's
// id and seq belong to one run.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>

#include "consumer_support.h"
#include "crm/testing/broker.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kRestarts = 10;

TEST(SyncFault, TenBrokerRestartsLoseNothingDoubleNothingAndKeepEachTopicsOrder) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  if (!consumerAvailable()) GTEST_SKIP() << "python3-paho-mqtt or python3-jsonschema missing";
  TempDir dir;
  const auto recording = dir.file("car.jsonl");
  // A private car (fewer samples than a ride-hailing one: light under ASan)
  // for ten days: about thirty messages of four kinds.
  auto sim = run(agentCommand({"simulate", "--days", "10", "--seed", "7", "--profile", "private",
                               "--out", recording}),
                 dir.path());
  ASSERT_EQ(sim.code, 0) << sim.err;
  std::string header;
  std::getline(std::ifstream(recording), header);
  const std::string vin = json::parse(header)["vehicle"]["vin"];

  Broker broker;
  ASSERT_TRUE(broker.start());
  json cfg = {
      {"vehicle", {{"vin", vin}, {"utc_offset_minutes", 480}}},
      // Ten days in about fifteen seconds: a message every half second or so,
      // across all ten restarts.
      {"source", {{"kind", "recording"}, {"recording", recording}, {"acceleration", 60000}}},
      {"storage",
       {{"path", dir.file("cache.db")}, {"commit_interval_ms", 50}, {"raw_retention_days", 3}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
      {"reports", {{"period_days", 3}}},
      {"privacy", {{"share_prompt_history", true}}},  // the prompts topic too
      {"local_api", {{"enabled", false}}},
      {"log", {{"level", "warn"}}}};
  writeFile(dir.file("agent.json"), cfg.dump(2));

  auto replay = run(agentCommand({"replay", recording, "--out", dir.file("out"), "--config",
                                  dir.file("agent.json")}),
                    dir.path());
  ASSERT_EQ(replay.code, 0) << replay.err;
  std::size_t expected_total = 0;
  auto expected = replayByTopic(dir.file("out/outbox.jsonl"), expected_total);
  ASSERT_GE(expected_total, 20U);

  const std::string db = dir.file("crm.db");
  Consumer consumer({"run", "--broker", "127.0.0.1:" + std::to_string(broker.port()), "--db", db},
                    dir.path(), dir.file("consumer.log"));
  ASSERT_TRUE(consumer.waitSubscribed(seconds(30))) << consumer.log();

  Process agent(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
                dir.path());
  for (int i = 0; i < kRestarts; ++i) {
    std::this_thread::sleep_for(milliseconds(900));
    broker.stop();
    std::this_thread::sleep_for(milliseconds(300));
    ASSERT_TRUE(broker.start()) << "restart " << i;
  }
  const auto e = agent.wait(seconds(240));
  ASSERT_TRUE(e.has_value()) << "the agent did not finish";
  ASSERT_EQ(e->code, 0) << e->err;

  auto fromCar = [&] {
    std::vector<Stored> out;
    for (auto& m : storedMessages(db)) {
      if (m.kind != "status") out.push_back(std::move(m));
    }
    return out;
  };
  ASSERT_TRUE(eventually([&] { return fromCar().size() >= expected_total; }, seconds(60)))
      << fromCar().size() << " of " << expected_total << "\n"
      << consumer.log();
  const auto stopped = consumer.stop(seconds(15));
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->code, 0) << consumer.log();

  // Per topic, in seq order: exactly the messages produced, in their order.
  std::map<std::string, std::vector<std::pair<std::int64_t, json>>> got;
  for (const auto& m : fromCar()) {
    EXPECT_TRUE(m.valid) << m.topic << ": " << m.error;
    ASSERT_TRUE(m.seq.has_value());
    got[m.topic].emplace_back(*m.seq, comparable(m.topic, json::parse(m.payload)));
  }
  ASSERT_EQ(got.size(), expected.size());
  for (auto& [topic, messages] : got) {
    std::sort(messages.begin(), messages.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    const auto& want = expected[topic];
    ASSERT_EQ(messages.size(), want.size()) << topic;
    for (std::size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(messages[i].second, want[i]) << topic << ": message " << i << " differs";
    }
  }
  // The faults did happen: the consumer saw the broker go away.
  EXPECT_NE(consumer.log().find("connection lost"), std::string::npos) << consumer.log();
  std::cout << "sync fault: " << expected_total << " messages through " << kRestarts
            << " broker restarts; duplicates removed: " << duplicateRows(db) << "\n";
}

}  // namespace
}  // namespace crm::testing
