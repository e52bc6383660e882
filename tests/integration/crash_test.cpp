// kill -9 at random moments while the agent ingests, commits, makes reports,
// handles commands and publishes: after each restart the database is intact,
// nothing committed is missing, no seq is ever used for two different
// messages, and every command the cache took is answered "ok" exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000099";
constexpr int kKills = 100;
const std::string kRoot = std::string("crm/v1/vehicles/") + kVin;

class Db {
 public:
  explicit Db(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row.emplace_back(t != nullptr ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  std::string lastError() const { return sqlite3_errmsg(db_); }
  bool inTransaction(const std::function<void()>& fn) {
    if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
    fn();
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    return true;
  }

 private:
  sqlite3* db_ = nullptr;
};

struct Snapshot {
  std::string max_rowid = "0";
  std::string count = "0";
  std::string ts_sum = "0";
  std::map<std::int64_t, std::string> outbox;  // seq -> id
  std::set<std::string> commands;              // ids in commands_seen
};

// What the agent sent: the collector also hears the commands sent to it.
std::vector<Received> sentByAgent(const std::vector<Received>& all) {
  std::vector<Received> out;
  for (const auto& m : all) {
    if (m.topic.find("/cmd/") == std::string::npos) out.push_back(m);
  }
  return out;
}

Snapshot snapshot(const std::string& path) {
  Snapshot s;
  Db db(path);
  db.inTransaction([&] {
    // samples_all: the indexed table and the newest rows beside it; a row
    // keeps its id when it moves from one to the other.
    auto r = db.rows("SELECT coalesce(max(id),0), count(*), coalesce(sum(ts),0) FROM samples_all");
    if (!r.empty()) {
      s.max_rowid = r[0][0];
      s.count = r[0][1];
      s.ts_sum = r[0][2];
    }
    for (const auto& row : db.rows("SELECT seq, id FROM outbox"))
      s.outbox[std::stoll(row[0])] = row[1];
    for (const auto& row : db.rows("SELECT id FROM commands_seen")) s.commands.insert(row[0]);
  });
  return s;
}

TEST(Crash, KillNineAtRandomMomentsLosesNothingCommittedAndNeverReusesSeq) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), std::string("crm/v1/vehicles/") + kVin + "/#");
  ASSERT_TRUE(collector.connected());
  const std::string db_path = dir.file("cache.db");
  json cfg = {
      {"vehicle", {{"vin", kVin}}},
      {"source",
       {{"acceleration", 86400.0 * 2},
        {"simulator", {{"seed", 5}, {"profile", "ride_hailing"}, {"days", 40}}}}},
      {"storage", {{"path", db_path}, {"commit_interval_ms", 50}, {"raw_retention_days", 3650}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 300}}},
      {"log", {{"level", "warn"}}}};
  writeFile(dir.file("agent.json"), cfg.dump());

  mqtt::async_client crm(broker.uri(), "crm-test-crm");
  ASSERT_NO_THROW(crm.connect()->wait_for(std::chrono::seconds(5)));
  auto sendCommand = [&](int i) {
    // Reports (a read of the whole period, a staged report and its message)
    // and service records (a unit of the batch), so kills land inside both.
    const bool report = i % 2 == 0;
    json body = report ? json{{"period_days", 7}}
                       : json{{"visit_date", "2026-01-10"},
                              {"odometer_km", 1000 + i},
                              {"items", {"tire_rotation"}},
                              {"dealer_id", "D-1"}};
    char id[40];
    std::snprintf(id, sizeof id, "6f1c2a3b-0000-4000-8000-%012d", i);
    json cmd = {{"id", id}, {"issued_at", nowMs()}, {"vin", kVin}, {"body", body}};
    crm.publish(kRoot + "/cmd/" + (report ? "report-request" : "service-record"), cmd.dump(), 1,
                false);
  };

  std::mt19937 rng(20261125);
  // From a kill during start-up (the cache opening, the day's engagement
  // facts read back) to one well into ingesting, committing and answering.
  std::uniform_int_distribution<int> pause_ms(40, 1200);
  std::map<std::int64_t, std::string> committed;  // every outbox (seq, id) seen committed
  std::set<std::string> commands_taken;           // every command id seen committed
  int kills_while_ingesting = 0;
  int killed_before_cache = 0;

  for (int i = 0; i < kKills; ++i) {
    Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
    const int pause = pause_ms(rng);
    std::this_thread::sleep_for(milliseconds(pause / 2));
    sendCommand(i);
    std::this_thread::sleep_for(milliseconds(pause - pause / 2));
    const Snapshot before = snapshot(db_path);
    agent.signal(SIGKILL);
    auto e = agent.wait(milliseconds(5000));
    ASSERT_TRUE(e.has_value());
    if (e->signal == SIGKILL) ++kills_while_ingesting;

    // Killed before it had made its cache (a slow start on a loaded
    // machine): nothing was committed, there is nothing to check.
    if (!std::filesystem::exists(db_path)) {
      ASSERT_TRUE(before.outbox.empty()) << "after kill " << i;
      ++killed_before_cache;
      continue;
    }
    Db db(db_path);
    auto check = db.rows("PRAGMA integrity_check");
    ASSERT_FALSE(check.empty()) << "after kill " << i << ": " << db.lastError();
    ASSERT_EQ(check[0][0], "ok") << "after kill " << i;
    auto kept = db.rows("SELECT count(*), coalesce(sum(ts),0) FROM samples_all WHERE id <= " +
                        before.max_rowid);
    ASSERT_EQ(kept[0][0], before.count) << "committed samples lost after kill " << i;
    ASSERT_EQ(kept[0][1], before.ts_sum) << "committed samples changed after kill " << i;
    for (const auto& [seq, id] : before.outbox) {
      auto [it, fresh] = committed.emplace(seq, id);
      ASSERT_EQ(it->second, id) << "seq " << seq << " reused for another message";
    }
    for (const auto& id : before.commands) {
      ASSERT_EQ(db.rows("SELECT count(*) FROM commands_seen WHERE id = '" + id + "'")[0][0], "1")
          << "committed command " << id << " lost after kill " << i;
      commands_taken.insert(id);
    }
  }
  EXPECT_GE(kills_while_ingesting, kKills - 1);
  EXPECT_LE(killed_before_cache, kKills / 10) << "the agent hardly ever got to work";
  // A restart racing a reader's lock must wait, never take the cache for
  // corrupt and start a fresh one.
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(f.path().filename().string().find(".corrupt-"), std::string::npos) << f.path();
  }
  // The kills hit an agent that was publishing, not one still connecting.
  EXPECT_GT(collector.messages().size(), 10U);

  // Let the agent finish the simulation and drain the outbox cleanly.
  auto last = run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
                  dir.path(), std::chrono::seconds(180));
  ASSERT_EQ(last.code, 0) << last.err;
  auto receivedAll = [&](const std::vector<Received>& msgs) {
    std::set<std::int64_t> seqs;
    for (const auto& m : sentByAgent(msgs))
      seqs.insert(json::parse(m.payload)["seq"].get<std::int64_t>());
    for (const auto& [seq, id] : committed) {
      if (!seqs.contains(seq)) return false;
    }
    return true;
  };
  ASSERT_TRUE(collector.waitFor(receivedAll, milliseconds(10000)))
      << "a committed outbox message never reached the broker";

  std::map<std::int64_t, std::string> id_of_seq;
  std::map<std::string, std::string> id_of_day;
  for (const auto& m : sentByAgent(collector.messages())) {
    auto p = json::parse(m.payload);
    const auto seq = p["seq"].get<std::int64_t>();
    auto [it, fresh] = id_of_seq.emplace(seq, p["id"].get<std::string>());
    EXPECT_EQ(it->second, p["id"].get<std::string>()) << "seq " << seq << " used twice";
    if (auto c = committed.find(seq); c != committed.end()) {
      EXPECT_EQ(c->second, p["id"]);
    }
    if (p["schema"] == "crm.v1.telemetry.daily") {
      auto [d, new_day] =
          id_of_day.emplace(p["body"]["date"].get<std::string>(), p["id"].get<std::string>());
      EXPECT_EQ(d->second, p["id"].get<std::string>()) << "day " << d->first << " reported twice";
    }
  }
  // 40 simulated days: every day but the last (still open when the source
  // ended) was reported exactly once despite the kills.
  EXPECT_GE(id_of_day.size(), 39U);
  // A command the cache took was applied once and answered "ok" by one
  // message (which the broker may carry twice: at-least-once, same id); a
  // redelivery after a kill is answered "already processed", never applied
  // again.
  EXPECT_GT(commands_taken.size(), 10U);
  std::map<std::string, std::set<std::string>> ok_results;  // command id -> message ids
  for (const auto& m : collector.messages()) {
    if (m.topic != kRoot + "/cmd-result") continue;
    const auto msg = json::parse(m.payload);
    if (msg["body"]["status"] == "ok") {
      ok_results[msg["body"]["command_id"].get<std::string>()].insert(msg["id"]);
    }
  }
  for (const auto& id : commands_taken) {
    EXPECT_EQ(ok_results[id].size(), 1U)
        << "command " << id << " answered ok by " << ok_results[id].size() << " messages";
  }
  Db db(db_path);
  EXPECT_EQ(db.rows("SELECT count(*) FROM outbox")[0][0], "0");
  for (const auto& [id, n] : ok_results) {
    EXPECT_EQ(db.rows("SELECT count(*) FROM commands_seen WHERE id = '" + id + "'")[0][0], "1")
        << "command " << id << " answered ok but not recorded";
  }
  crm.disconnect()->wait_for(std::chrono::seconds(2));
}

}  // namespace
}  // namespace crm::testing
