// Fifty cars, each a crm-agent on its own simulated car with its own cache,
// publish through one mosquitto to two instances of the reference CRM
// consumer sharing one subscription ($share/<group>/...): together they hold
// every message every agent committed, no id in both, each a share.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <set>

#include "consumer_support.h"
#include "crm/testing/broker.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int kCars = 50;
// Agents run in waves: 50 ASan-built agents at once on CI's two cores would
// only queue for the CPU.
constexpr int kWave = 25;

// 17 characters without I, O or Q: LRW3E7EK5NC1000 and the car's number.
std::string vinOf(int car) {
  char vin[18];
  std::snprintf(vin, sizeof vin, "LRW3E7EK5NC1000%02d", car);
  return vin;
}

std::string carConfig(const TempDir& dir, int car, const std::string& broker_uri) {
  static const char* const kProfiles[] = {"private", "ride_hailing", "logistics"};
  const std::string cache = dir.file("cache-" + std::to_string(car) + ".db");
  json c = {
      {"vehicle", {{"vin", vinOf(car)}, {"utc_offset_minutes", 0}}},
      {"source",
       {{"kind", "simulator"},
        {"acceleration", 86400.0 * 4},  // two simulated days in about half a second
        {"simulator", {{"seed", car + 1}, {"profile", kProfiles[car % 3]}, {"days", 2}}}}},
      {"storage", {{"path", cache}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker_uri}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
      {"local_api", {{"enabled", false}}},
      {"log", {{"level", "warn"}}}};
  const std::string path = dir.file("agent-" + std::to_string(car) + ".json");
  writeFile(path, c.dump());
  return path;
}

TEST(Fleet, FiftyCarsThroughOneBrokerToTwoConsumersSharingTheSubscriptionLoseAndDoubleNothing) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  if (!consumerAvailable()) GTEST_SKIP() << "python3-paho-mqtt or python3-jsonschema missing";
  const auto started = std::chrono::steady_clock::now();
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  const std::string address = "127.0.0.1:" + std::to_string(broker.port());
  const std::vector<std::string> dbs{dir.file("crm-a.db"), dir.file("crm-b.db")};
  // One instance speaks MQTT 3.1.1, the other 5: a group may mix them.
  Consumer a({"run", "--broker", address, "--db", dbs[0], "--group", "dealers"}, dir.path(),
             dir.file("a.log"));
  Consumer b({"run", "--broker", address, "--db", dbs[1], "--group", "dealers", "--protocol", "5"},
             dir.path(), dir.file("b.log"));
  ASSERT_TRUE(a.waitSubscribed(seconds(30))) << a.log();
  ASSERT_TRUE(b.waitSubscribed(seconds(30))) << b.log();
  EXPECT_NE(a.log().find("in shared group dealers"), std::string::npos) << a.log();

  for (int first = 0; first < kCars; first += kWave) {
    std::vector<std::unique_ptr<Process>> wave;
    for (int car = first; car < std::min(first + kWave, kCars); ++car) {
      wave.push_back(std::make_unique<Process>(
          agentCommand({"--config", carConfig(dir, car, broker.uri()), "--until-source-ends"}),
          dir.path()));
    }
    for (auto& agent : wave) {
      const auto e = agent->wait(seconds(180));
      ASSERT_TRUE(e.has_value()) << "an agent did not finish";
      ASSERT_EQ(e->code, 0) << e->err;
    }
  }

  // Every seq each agent issued is in one database or the other (or is the
  // car's unused last-will seq).
  std::vector<AgentSeqs> issued;
  for (int car = 0; car < kCars; ++car) {
    issued.push_back(agentSeqs(dir.file("cache-" + std::to_string(car) + ".db")));
  }
  std::vector<std::string> problems;
  const bool complete = eventually(
      [&] {
        auto all = storedMessages(dbs[0]);
        const auto more = storedMessages(dbs[1]);
        all.insert(all.end(), more.begin(), more.end());
        problems.clear();
        for (int car = 0; car < kCars; ++car) {
          for (const auto& p : accountForEverySeq(all, vinOf(car), issued[car])) {
            problems.push_back(vinOf(car) + ": " + p);
          }
        }
        return problems.empty();
      },
      seconds(60));
  for (auto* c : {&a, &b}) {
    const auto e = c->stop(seconds(15));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, 0) << c->log();
  }
  ASSERT_TRUE(complete) << ::testing::PrintToString(problems);

  const auto in_a = storedMessages(dbs[0]);
  const auto in_b = storedMessages(dbs[1]);
  std::set<std::string> ids_a;
  for (const auto& m : in_a) ids_a.insert(m.id);
  int in_both = 0;
  for (const auto& m : in_b) in_both += ids_a.count(m.id) > 0;
  EXPECT_EQ(in_both, 0);
  // Each instance took a share of the load.
  EXPECT_GT(in_a.size(), 0U);
  EXPECT_GT(in_b.size(), 0U);
  EXPECT_EQ(duplicateRows(dbs[0]) + duplicateRows(dbs[1]), 0);

  // The dealer's view over both databases: every car, nothing lost or doubled.
  const auto summary = consumerSummary(dbs, dir.path());
  ASSERT_EQ(summary.size(), static_cast<std::size_t>(kCars)) << summary.dump(1);
  for (int car = 0; car < kCars; ++car) {
    const auto& c = summary[vinOf(car)];
    EXPECT_EQ(c["invalid"], 0) << vinOf(car);
    EXPECT_EQ(c["duplicates_removed"], 0) << vinOf(car);
    EXPECT_EQ(c["gaps"], json::array()) << vinOf(car);
    EXPECT_EQ(c["by_kind"]["telemetry/daily"], 2) << vinOf(car) << c.dump();
    EXPECT_EQ(c["last_status"]["state"], "offline") << vinOf(car);
  }
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  std::cout << "fleet: " << kCars << " cars, " << in_a.size() + in_b.size() << " messages ("
            << in_a.size() << " + " << in_b.size() << "), " << took.count() << " s\n";
}

}  // namespace
}  // namespace crm::testing
