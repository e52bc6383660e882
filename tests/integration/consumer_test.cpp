// The reference CRM consumer (tests/consumer/crm-consumer) against a real
// mosquitto and the real crm-agent: it keeps every message the agent
// committed, once; it flags what is invalid, counts duplicates, tells a seq
// hole from a car's unused last-will seq; it sends commands.
#include <gtest/gtest.h>
#include <signal.h>

#include <mqtt/async_client.h>

#include <algorithm>
#include <cstdio>

#include "consumer_support.h"
#include "crm/testing/broker.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr char kVin[] = "LRW3E7EK5NC000007";
constexpr char kCrafted[] = "LRW3E7EK5NC000099";
const std::string kPrefix = "crm/v1/vehicles/";

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
      {"local_api", {{"enabled", false}}},
      {"log", {{"level", "info"}}}};
  writeFile(dir.file("agent.json"), c.dump(2));
  return dir.file("agent.json");
}

// A message of the crafted car, in the envelope the agent would use.
std::string crafted(int seq, const std::string& kind, json body) {
  std::string schema = "crm.v1." + kind;
  std::replace(schema.begin(), schema.end(), '/', '.');
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", seq);
  return json{{"schema", schema},
              {"id", id},
              {"seq", seq},
              {"vin", kCrafted},
              {"ts", 1767225600000LL + seq * 86400000LL},
              {"body", body}}
      .dump();
}

json day(int n) {
  return {{"date", "2026-01-0" + std::to_string(n)},
          {"distance_km", 12.5},
          {"charged_kwh", 3.0},
          {"consumed_kwh", 2.0},
          {"soc_min", 40},
          {"soc_max", 80},
          {"charging_hours", 1.0},
          {"soh_bms_percent", 99.0},
          {"lv_battery_min_v", 12.4},
          {"ambient_min_c", 5},
          {"ambient_max_c", 12},
          {"samples", 500}};
}

void publishAll(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& m) {
  mqtt::async_client client(uri, "crm-test-crafter");
  ASSERT_TRUE(client.connect()->wait_for(seconds(5)));
  for (const auto& [topic, payload] : m) {
    ASSERT_TRUE(client.publish(topic, payload, 1, false)->wait_for(seconds(5))) << topic;
  }
  client.disconnect()->wait_for(seconds(2));
}

class ConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
    if (!consumerAvailable()) GTEST_SKIP() << "python3-paho-mqtt or python3-jsonschema missing";
    ASSERT_TRUE(broker.start());
  }
  std::vector<std::string> runArgs(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"run", "--broker", "127.0.0.1:" + std::to_string(broker.port()),
                               "--db", dir.file("crm.db")};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  TempDir dir;
  Broker broker;
};

TEST_F(ConsumerTest, EveryMessageTheAgentCommittedIsStoredOnceAndValid) {
  Consumer consumer(runArgs({"--until-idle", "120"}), dir.path(), dir.file("consumer.log"));
  ASSERT_TRUE(consumer.waitSubscribed(seconds(30))) << consumer.log();

  const auto cfg = agentConfig(dir, broker.uri(), 4, 86400.0 * 4);  // ~1 s of wall time
  auto e = run(agentCommand({"--config", cfg, "--until-source-ends"}), dir.path(), seconds(120));
  ASSERT_EQ(e.code, 0) << e.err;

  // Every seq the agent issued is accounted for: stored, or an unused will.
  const auto agent = agentSeqs(dir.file("cache.db"));
  ASSERT_GT(agent.next_seq, 5);
  std::vector<std::string> problems;
  ASSERT_TRUE(eventually(
      [&] {
        problems = accountForEverySeq(storedMessages(dir.file("crm.db")), kVin, agent);
        return problems.empty();
      },
      seconds(30)))
      << ::testing::PrintToString(problems) << consumer.log();
  auto stopped = consumer.stop(seconds(15));
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->code, 0) << stopped->err << consumer.log();

  EXPECT_EQ(duplicateRows(dir.file("crm.db")), 0);
  const auto summary = consumerSummary({dir.file("crm.db")}, dir.path())[kVin];
  EXPECT_EQ(summary["invalid"], 0) << summary.dump(2);
  EXPECT_EQ(summary["duplicates_removed"], 0);
  EXPECT_EQ(summary["gaps"], json::array());
  EXPECT_EQ(summary["seqs_reused"], json::array());
  // Four days closed, one report, the car's online and offline.
  EXPECT_EQ(summary["by_kind"]["telemetry/daily"], 4) << summary.dump(2);
  EXPECT_EQ(summary["by_kind"]["health-report"], 1);
  EXPECT_EQ(summary["last_status"]["state"], "offline");
  EXPECT_EQ(summary["last_status"]["reason"], "stopped");
  EXPECT_EQ(summary["latest_daily"]["date"], "2026-01-04");
  EXPECT_TRUE(summary["latest_report"]["soh_percent"].is_number());
}

TEST_F(ConsumerTest, CraftedDuplicateInvalidAndHolesAreJudgedAfterARestartOverMqtt5) {
  // A first run makes the persistent session; what is published while the
  // consumer is away waits for it at the broker.
  {
    Consumer first(runArgs({"--protocol", "5"}), dir.path(), dir.file("first.log"));
    ASSERT_TRUE(first.waitSubscribed(seconds(30))) << first.log();
    auto e = first.stop(seconds(15));
    ASSERT_TRUE(e.has_value());
    ASSERT_EQ(e->code, 0) << first.log();
  }
  const std::string root = kPrefix + kCrafted + "/";
  json online = {{"state", "online"}, {"reason", "connected"}, {"agent_version", "0.1.0"}};
  online["will_seq"] = 2;  // the car's last will: never published, explained
  json bad_day = day(7);
  bad_day["distance_km"] = "far";
  auto other_vin = json::parse(crafted(8, "telemetry/daily", day(8)));
  other_vin["vin"] = "LRW3E7EK5NC000098";
  publishAll(broker.uri(), {{root + "telemetry/daily", crafted(1, "telemetry/daily", day(1))},
                            {root + "status", crafted(3, "status", online)},
                            {root + "telemetry/daily", crafted(4, "telemetry/daily", day(4))},
                            // seq 5 never sent: a gap
                            {root + "telemetry/daily", crafted(6, "telemetry/daily", day(6))},
                            {root + "telemetry/daily", crafted(6, "telemetry/daily", day(6))},
                            {root + "telemetry/daily", crafted(7, "telemetry/daily", bad_day)},
                            {root + "telemetry/daily", other_vin.dump()},
                            {root + "telemetry/daily", "{ not json"},
                            {root + "cmd/campaign", R"({"not": "for the consumer"})"}});

  Consumer again(runArgs({"--protocol", "5", "--until-idle", "2"}), dir.path(),
                 dir.file("again.log"));
  auto e = again.wait(seconds(60));  // ends by itself, 2 s after the last message
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->code, 0) << again.log();

  const auto stored = storedMessages(dir.file("crm.db"));
  ASSERT_EQ(stored.size(), 7U);  // the duplicate once; nothing from cmd/
  EXPECT_EQ(duplicateRows(dir.file("crm.db")), 1);
  std::map<std::string, std::string> errors;  // first error line by what was sent
  for (const auto& m : stored) {
    EXPECT_EQ(m.topic.rfind(root, 0), 0U) << m.topic;
    if (!m.valid) errors[m.seq ? std::to_string(*m.seq) : "none"] = m.error;
  }
  ASSERT_EQ(errors.size(), 3U) << ::testing::PrintToString(errors);
  EXPECT_NE(errors["7"].find("/body/distance_km: 'far' is not of type"), std::string::npos)
      << errors["7"];
  EXPECT_NE(errors["8"].find("/vin: \"LRW3E7EK5NC000098\" is not the topic's VIN"),
            std::string::npos)
      << errors["8"];
  EXPECT_NE(errors["none"].find("payload: not JSON"), std::string::npos) << errors["none"];

  const auto summary = consumerSummary({dir.file("crm.db")}, dir.path())[kCrafted];
  EXPECT_EQ(summary["messages"], 7) << summary.dump(2);
  EXPECT_EQ(summary["duplicates_removed"], 1);
  EXPECT_EQ(summary["invalid"], 3);
  EXPECT_EQ(summary["gaps"], json::parse("[[5, 5]]"));
  EXPECT_EQ(summary["will_seqs_unused"], 1);
  EXPECT_EQ(summary["seq_first"], 1);
  EXPECT_EQ(summary["seq_last"], 8);
  EXPECT_EQ(summary["latest_daily"]["date"], "2026-01-06");
  EXPECT_EQ(summary["first_error"]["seq"], 7);
  EXPECT_EQ(summary["last_status"]["state"], "online");

  auto gaps = run(consumerCommand({"gaps", "--db", dir.file("crm.db")}), dir.path());
  EXPECT_EQ(gaps.code, 0) << gaps.err;
  EXPECT_NE(gaps.out.find(std::string(kCrafted) + ": gaps 5; 1 unused last-will seqs"),
            std::string::npos)
      << gaps.out;
}

TEST_F(ConsumerTest, SendDeliversACampaignAndPrintsTheAgentsOkResult) {
  const auto cfg = agentConfig(dir, broker.uri(), 0, 60);  // endless car, a minute a second
  Process agent(loggedTo(agentCommand({"--config", cfg}), dir.file("agent.log")), dir.path());
  ASSERT_TRUE(eventually(
      [&] {
        return readFile(dir.file("agent.log")).find("mqtt: subscribed to") != std::string::npos;
      },
      seconds(30)))
      << readFile(dir.file("agent.log"));

  const json campaign = {{"campaign_id", "spring-check"},
                         {"kind", "service"},
                         {"severity", "advisory"},
                         {"title", {{"en", "Free spring check"}, {"zh-CN", "春季免费检测"}}},
                         {"message", {{"en", "Tyres and brakes."}, {"zh-CN", "轮胎和制动。"}}},
                         {"valid_until", nowMs() + 400LL * 86400000}};
  writeFile(dir.file("campaign.json"), campaign.dump());
  auto sent = run(consumerCommand({"send", "--broker", broker.uri(), "--vin", kVin, "--command",
                                   "campaign", "--body", "@" + dir.file("campaign.json"),
                                   "--expires-in", "600", "--wait", "30"}),
                  dir.path());
  EXPECT_EQ(sent.code, 0) << sent.err << sent.out;
  const auto result = json::parse(sent.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << sent.out;
  EXPECT_EQ(result["schema"], "crm.v1.cmd-result");
  EXPECT_EQ(result["body"]["status"], "ok") << sent.out;
  EXPECT_EQ(result["body"]["command"], "campaign");

  agent.signal(SIGTERM);
  auto e = agent.wait(milliseconds(15000));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, 0);
}

TEST_F(ConsumerTest, SendRefusesABadBodyWithExitCode2NamingTheFieldAndSendsNothing) {
  Collector collector(broker.uri(), kPrefix + "#");
  ASSERT_TRUE(collector.connected());
  auto e = run(consumerCommand({"send", "--broker", broker.uri(), "--vin", kVin, "--command",
                                "report-request", "--body", R"({"period_days": 0})"}),
               dir.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("/body/period_days: 0 is less than the minimum of 1"), std::string::npos)
      << e.err;
  auto unknown = run(consumerCommand({"send", "--broker", broker.uri(), "--vin", kVin, "--command",
                                      "reboot", "--body", "{}"}),
                     dir.path());
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'reboot'"), std::string::npos) << unknown.err;
  auto not_json = run(consumerCommand({"send", "--broker", broker.uri(), "--vin", kVin, "--command",
                                       "report-request", "--body", "{period"}),
                      dir.path());
  EXPECT_EQ(not_json.code, 2);
  EXPECT_NE(not_json.err.find("--body: not JSON"), std::string::npos) << not_json.err;
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_TRUE(collector.messages().empty());
}

TEST_F(ConsumerTest, AnUnreachableBrokerIsExitCode1AndBadUsageExitCode2) {
  const int closed = freePort();
  auto e = run(consumerCommand({"run", "--broker", "127.0.0.1:" + std::to_string(closed), "--db",
                                dir.file("x.db"), "--connect-attempts", "2"}),
               dir.path());
  EXPECT_EQ(e.code, 1);
  EXPECT_NE(e.err.find("unreachable after 2 attempts"), std::string::npos) << e.err;
  auto bad = run(consumerCommand({"run", "--broker", "127.0.0.1:none", "--db", dir.file("x.db")}),
                 dir.path());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("expected HOST:PORT"), std::string::npos) << bad.err;
  auto missing = run(consumerCommand({"summary", "--db", dir.file("none.db")}), dir.path());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("none.db: no such file"), std::string::npos) << missing.err;
}

TEST_F(ConsumerTest, TheConsumersKindsAreTheAgentsTable) {
  auto contract = run(agentCommand({"contract"}), dir.path());
  ASSERT_EQ(contract.code, 0) << contract.err;
  json agent_kinds = json::object();
  const auto table = json::parse(contract.out);
  for (const auto& k : table["kinds"]) {
    agent_kinds[k["topic"].get<std::string>()] = k["schema"];
  }
  const std::string script = "import json, sys; sys.path.insert(0, '" +
                             std::string(CRM_SOURCE_DIR) + "/tests/consumer'); " +
                             "from crm_consumer.contract import KINDS; print(json.dumps(KINDS))";
  auto consumer_kinds = run(pythonCommand({"-B", "-c", script}), dir.path());
  ASSERT_EQ(consumer_kinds.code, 0) << consumer_kinds.err;
  EXPECT_EQ(json::parse(consumer_kinds.out), agent_kinds);
}

}  // namespace
}  // namespace crm::testing
