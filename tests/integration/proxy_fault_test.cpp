// The link between the car and the broker broken under a steady stream, the
// ways a cellular link breaks: connections reset, the link stalled, a
// half-open connection (the old path silently dead), nothing listening for
// a while. The agent publishes through a FaultProxy to a real mosquitto;
// the reference CRM consumer reads from mosquitto directly. Afterwards the
// consumer holds, duplicates removed, exactly what the agent committed, each
// topic in the order the car produced it; the agent noticed each fault
// (through its keep-alive where nothing else tells it) and connected again;
// its memory stayed bounded.
//
// What "committed" holds comes from the same recording replayed, as in
// sync_fault_test: only the envelope's id and seq belong to one run.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

#include "consumer_support.h"
#include "crm/testing/broker.h"
#include "crm/testing/fault_proxy.h"
#include "crm/testing/temp_dir.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The smallest keep-alive the agent accepts (config: 5..3600 s): a silent
// link is noticed within about two of them (PINGREQ, then no PINGRESP).
constexpr int kKeepaliveS = 5;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// VmRSS of `pid` in kB, or 0 when it cannot be read (the process is gone).
long rssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// The largest VmRSS seen while it runs, sampled every 100 ms.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            peak_ = std::max(peak_.load(), rssKb(pid));
            std::this_thread::sleep_for(milliseconds(100));
          }
        }) {}
  ~RssSampler() {
    stop_ = true;
    thread_.join();
  }
  long peakKb() const { return peak_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::thread thread_;
};

// `cmd` run with ASan's quarantine of freed memory at 16 MB instead of its
// default 256 MB (other ASAN_OPTIONS kept). ASan holds freed blocks there
// before reusing them, so under ASan the agent's RSS grows by up to that
// much with allocation churn alone (measured: 179 MB after a few seconds,
// 577 MB at the end of this test with the default; 155 and 175 MB with 16
// MB), which would hide the growth the bound below is there to catch.
// Without ASan the variable is ignored.
std::vector<std::string> withSmallAsanQuarantine(std::vector<std::string> cmd) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in this program sets the environment
  const char* given = std::getenv("ASAN_OPTIONS");
  std::string options = given ? std::string(given) + ":" : "";
  cmd.insert(cmd.begin(), {"/usr/bin/env", "ASAN_OPTIONS=" + options + "quarantine_size_mb=16"});
  return cmd;
}

// Every seq the agent issued is stored once, except a connection's last
// will: the will of a connection that ended cleanly is never published, that
// of one the broker saw vanish (a reset, a keep-alive timeout) is. Each
// online status names its will's seq, so exactly those may be absent or be
// an "unexpected" offline status.
std::vector<std::string> accountForEverySeqWithWills(const std::vector<Stored>& stored,
                                                     const std::string& vin,
                                                     const AgentSeqs& agent) {
  std::vector<std::string> problems;
  if (agent.unsent != 0) problems.push_back(std::to_string(agent.unsent) + " messages unsent");
  std::map<std::int64_t, int> seen;
  std::set<std::int64_t> wills, arrived_wills;
  for (const auto& m : stored) {
    if (m.vin != vin || !m.seq) continue;
    if (!m.valid) problems.push_back("invalid: " + m.topic + ": " + m.error);
    if (++seen[*m.seq] > 1) problems.push_back("seq " + std::to_string(*m.seq) + " stored twice");
    if (*m.seq >= agent.next_seq) problems.push_back("seq " + std::to_string(*m.seq) + " unissued");
    if (m.kind != "status") continue;
    const auto body = json::parse(m.payload, nullptr, false).value("body", json::object());
    if (body.value("state", "") == "online") {
      if (!body.contains("will_seq")) problems.push_back("an online status names no will_seq");
      wills.insert(body.value("will_seq", std::int64_t{-1}));
    }
    if (body.value("reason", "") == "unexpected") arrived_wills.insert(*m.seq);
  }
  for (std::int64_t s = 1; s < agent.next_seq; ++s) {
    if (!seen.count(s) && !wills.count(s)) problems.push_back("seq " + std::to_string(s) + " lost");
  }
  for (auto s : arrived_wills) {
    if (!wills.count(s)) problems.push_back("will seq " + std::to_string(s) + " named by none");
  }
  return problems;
}

TEST(ProxyFault, ResetsStallsHalfOpenAndRefusalsLoseNothingAndTheAgentReconnects) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  if (!consumerAvailable()) GTEST_SKIP() << "python3-paho-mqtt or python3-jsonschema missing";
  TempDir dir;
  const auto recording = dir.file("car.jsonl");
  // A private car (light under ASan): about one message a second.
  auto sim = run(agentCommand({"simulate", "--days", "60", "--seed", "5", "--profile", "private",
                               "--out", recording}),
                 dir.path());
  ASSERT_EQ(sim.code, 0) << sim.err;
  std::string header;
  std::getline(std::ifstream(recording), header);
  const std::string vin = json::parse(header)["vehicle"]["vin"];

  Broker broker;
  ASSERT_TRUE(broker.start());
  FaultProxy proxy(broker.port());
  json cfg = {
      {"vehicle", {{"vin", vin}, {"utc_offset_minutes", 480}}},
      // 60 days in about 86 s: longer than the faults below take (about 70 s,
      // most of it four silent links noticed through the keep-alive).
      {"source", {{"kind", "recording"}, {"recording", recording}, {"acceleration", 60000}}},
      {"storage",
       {{"path", dir.file("cache.db")}, {"commit_interval_ms", 50}, {"raw_retention_days", 3}}},
      {"mqtt",
       {{"broker", proxy.uri()},
        {"keepalive_s", kKeepaliveS},
        {"reconnect_min_ms", 100},
        {"reconnect_max_ms", 500}}},
      {"reports", {{"period_days", 7}}},
      {"local_api", {{"enabled", false}}},
      {"log", {{"level", "info"}}}};
  writeFile(dir.file("agent.json"), cfg.dump(2));

  auto replay = run(agentCommand({"replay", recording, "--out", dir.file("out"), "--config",
                                  dir.file("agent.json")}),
                    dir.path());
  ASSERT_EQ(replay.code, 0) << replay.err;
  std::size_t expected_total = 0;
  auto expected = replayByTopic(dir.file("out/outbox.jsonl"), expected_total);
  ASSERT_GE(expected_total, 60U);

  const std::string db = dir.file("crm.db");
  Consumer consumer({"run", "--broker", "127.0.0.1:" + std::to_string(broker.port()), "--db", db},
                    dir.path(), dir.file("consumer.log"));
  ASSERT_TRUE(consumer.waitSubscribed(seconds(30))) << consumer.log();

  const std::string agent_log = dir.file("agent.log");
  Process agent(loggedTo(withSmallAsanQuarantine(agentCommand(
                             {"--config", dir.file("agent.json"), "--until-source-ends"})),
                         agent_log),
                dir.path());
  RssSampler rss(agent.pid());
  const auto log = [&] { return readFile(agent_log); };
  const auto lines = [&](const std::string& part) { return count(log(), part); };
  const std::string kLost = "mqtt: connection lost", kConnected = "mqtt: connected to",
                    kRefused = "[refused]";
  ASSERT_TRUE(eventually([&] { return lines(kConnected) == 1; }, seconds(30))) << log();
  // Streaming for a few seconds first: the memory the agent needs when all
  // is well, the yardstick for the bound below.
  std::this_thread::sleep_for(seconds(3));
  const long baseline_kb = rssKb(agent.pid());
  ASSERT_GT(baseline_kb, 0);

  // Each fault waits for the agent to notice it and to connect again, so
  // the schedule follows the agent's pace, not a guess of it.
  enum class Fault { kDrop, kStall, kHalfOpen, kRefuse };
  constexpr const char* kFaultNames[] = {"reset", "stall", "half-open", "refuse"};
  const std::vector<Fault> schedule{Fault::kDrop, Fault::kStall, Fault::kRefuse, Fault::kHalfOpen,
                                    Fault::kDrop, Fault::kStall, Fault::kRefuse, Fault::kHalfOpen,
                                    Fault::kDrop, Fault::kRefuse};
  // A silent link takes about two and a half keep-alives to notice (a
  // PINGREQ once nothing came for one, then Paho's wait for its PINGRESP);
  // generous for a loaded machine.
  const auto notice = seconds(6 * kKeepaliveS);
  const auto faults_began = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    ASSERT_FALSE(agent.wait(milliseconds(0)).has_value())
        << "the stream ended before fault " << i << "; make the recording longer\n"
        << log();
    const auto lost = lines(kLost), connects = lines(kConnected), refused = lines(kRefused);
    const auto began = std::chrono::steady_clock::now();
    switch (schedule[i]) {
      case Fault::kDrop:
        proxy.dropAll();
        ASSERT_TRUE(eventually([&] { return lines(kLost) > lost; }, notice)) << i << log();
        break;
      case Fault::kStall:
        proxy.stall();
        ASSERT_TRUE(eventually([&] { return lines(kLost) > lost; }, notice)) << i << log();
        proxy.resume();
        break;
      case Fault::kHalfOpen:
        // No resume: the new connection goes through; the old one hangs.
        proxy.halfOpen();
        ASSERT_TRUE(eventually([&] { return lines(kLost) > lost; }, notice)) << i << log();
        break;
      case Fault::kRefuse:
        proxy.refuse();
        proxy.dropAll();
        ASSERT_TRUE(eventually([&] { return lines(kRefused) > refused; }, notice)) << i << log();
        proxy.resume();
        ASSERT_EQ(proxy.error(), "");
        break;
    }
    const auto noticed = std::chrono::steady_clock::now() - began;
    ASSERT_TRUE(eventually([&] { return lines(kConnected) > connects; }, seconds(30)))
        << "no reconnect after fault " << i << "\n"
        << log();
    std::cout << "fault " << i << " (" << kFaultNames[static_cast<int>(schedule[i])]
              << "): noticed in " << std::chrono::duration_cast<milliseconds>(noticed).count()
              << " ms, connected again after "
              << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - began)
                     .count()
              << " ms\n";
    std::this_thread::sleep_for(milliseconds(500));  // some of the stream flows normally
  }

  const auto faults_s =
      std::chrono::duration_cast<seconds>(std::chrono::steady_clock::now() - faults_began).count();
  const auto e = agent.wait(seconds(240));
  ASSERT_TRUE(e.has_value()) << "the agent did not finish";
  ASSERT_EQ(e->code, 0) << log();
  const long peak_kb = rss.peakKb();

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
  const auto stored = storedMessages(db);
  const auto problems = accountForEverySeqWithWills(stored, vin, agentSeqs(dir.file("cache.db")));
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  const auto stopped = consumer.stop(seconds(15));
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->code, 0) << consumer.log();

  // Per topic, in seq order: exactly the messages produced, in their order.
  std::map<std::string, std::vector<std::pair<std::int64_t, json>>> got;
  for (const auto& m : fromCar()) {
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

  // Every connection said so: one online status per connect the log names.
  const auto connects = lines(kConnected);
  const auto onlines = std::count_if(stored.begin(), stored.end(), [](const Stored& m) {
    return m.kind == "status" && m.payload.find("\"online\"") != std::string::npos;
  });
  EXPECT_EQ(static_cast<std::size_t>(onlines), connects);
  EXPECT_GE(connects, schedule.size() + 1);

  // Bounded memory: a backlog held in memory that grows with each outage, or
  // a buffer kept per dead connection, would show as growth. Twice what the
  // agent used when all was well (a few seconds into the stream) leaves room
  // for an outage's backlog (a few dozen messages of a few hundred bytes)
  // and the allocator's slack, yet catches memory that grows with each
  // fault. Measured: 16 -> 17 MB natively, 155 -> 175 MB under ASan with the
  // small quarantine above (ASan's shadow and allocator make the baseline
  // large; twice it still fits 2 cores' CI machine).
  const long bound_kb = 2 * baseline_kb;
  EXPECT_LT(peak_kb, bound_kb) << "baseline " << baseline_kb << " kB";
  std::cout << "proxy fault: " << expected_total << " messages through " << schedule.size()
            << " faults in " << faults_s << " s, " << connects
            << " connections; duplicates removed: " << duplicateRows(db) << "; RSS baseline "
            << baseline_kb << " kB, peak " << peak_kb << " kB; bytes " << proxy.bytesToTarget()
            << " to the broker, " << proxy.bytesToClient() << " to the car\n";
}

}  // namespace
}  // namespace crm::testing
