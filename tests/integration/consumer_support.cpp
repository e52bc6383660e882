#include "consumer_support.h"

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "crm/testing/temp_dir.h"

namespace crm::testing {
namespace {

// Debian's python3 has python3-paho-mqtt and python3-jsonschema; another
// python3 earlier on PATH (pyenv, a venv) may not.
std::string python() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

std::string text(sqlite3_stmt* st, int col) {
  const auto* p = sqlite3_column_text(st, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}

}  // namespace

bool consumerAvailable() {
  return std::system(
             (python() + " -c 'import paho.mqtt.client, jsonschema' 2>/dev/null").c_str()) == 0;
}

std::vector<std::string> pythonCommand(std::vector<std::string> args) {
  std::vector<std::string> cmd{python() == "python3" ? "/usr/bin/env" : python()};
  if (cmd[0] == "/usr/bin/env") cmd.push_back("python3");
  for (auto& a : args) cmd.push_back(std::move(a));
  return cmd;
}

std::vector<std::string> consumerCommand(std::vector<std::string> args) {
  args.insert(args.begin(), std::string(CRM_SOURCE_DIR) + "/tests/consumer/crm-consumer");
  return pythonCommand(std::move(args));
}

std::vector<std::string> loggedTo(std::vector<std::string> cmd, const std::string& log) {
  // sh's exec keeps the pid, so signals reach the program itself.
  std::vector<std::string> out{"/bin/sh", "-c", "exec \"$@\" 2>>'" + log + "'", "sh"};
  for (auto& a : cmd) out.push_back(std::move(a));
  return out;
}

Consumer::Consumer(std::vector<std::string> run_args, const std::string& dir,
                   const std::string& log)
    : log_(log),
      process_(
          std::make_unique<Process>(loggedTo(consumerCommand(std::move(run_args)), log), dir)) {}

bool Consumer::waitSubscribed(std::chrono::milliseconds timeout) const {
  return eventually([this] { return log().find("subscribed to") != std::string::npos; }, timeout);
}

std::string Consumer::log() const {
  return readFile(log_);
}

std::optional<Exit> Consumer::stop(std::chrono::milliseconds timeout) {
  process_->signal(SIGTERM);
  return process_->wait(timeout);
}

std::vector<Stored> storedMessages(const std::string& path) {
  std::vector<Stored> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT id, topic, vin, kind, seq, retained, valid, error, payload"
                         " FROM messages ORDER BY rowid",
                         -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      Stored s;
      s.id = text(st, 0);
      s.topic = text(st, 1);
      s.vin = text(st, 2);
      s.kind = text(st, 3);
      if (sqlite3_column_type(st, 4) == SQLITE_INTEGER) s.seq = sqlite3_column_int64(st, 4);
      s.retained = sqlite3_column_int(st, 5) != 0;
      s.valid = sqlite3_column_int(st, 6) != 0;
      s.error = text(st, 7);
      s.payload = text(st, 8);
      out.push_back(std::move(s));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

namespace {

std::int64_t queryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      value = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return value;
}

}  // namespace

std::int64_t duplicateRows(const std::string& path) {
  return queryInt(path, "SELECT count(*) FROM duplicates");
}

AgentSeqs agentSeqs(const std::string& cache_path) {
  return {queryInt(cache_path, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='next_seq'"),
          queryInt(cache_path, "SELECT count(*) FROM outbox")};
}

std::vector<std::string> accountForEverySeq(const std::vector<Stored>& stored,
                                            const std::string& vin, const AgentSeqs& agent) {
  std::vector<std::string> problems;
  if (agent.next_seq < 1) return {"the agent's cache holds no next_seq"};
  if (agent.unsent != 0) problems.push_back(std::to_string(agent.unsent) + " messages unsent");
  std::map<std::int64_t, int> seen;
  std::set<std::int64_t> wills;
  std::size_t onlines = 0, named = 0;
  for (const auto& m : stored) {
    if (m.vin != vin) continue;
    if (!m.valid) problems.push_back("invalid: " + m.topic + ": " + m.error);
    if (!m.seq) continue;
    if (++seen[*m.seq] > 1) problems.push_back("seq " + std::to_string(*m.seq) + " stored twice");
    if (*m.seq >= agent.next_seq) problems.push_back("seq " + std::to_string(*m.seq) + " unissued");
    if (m.kind != "status") continue;
    const auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    if (!doc.is_object() || !doc.contains("body") || !doc["body"].is_object()) continue;
    const auto& body = doc["body"];
    if (body.value("state", "") == "online") {
      ++onlines;
      if (body.contains("will_seq") && body["will_seq"].is_number_integer()) {
        ++named;
        wills.insert(body["will_seq"].get<std::int64_t>());
      }
    }
    if (body.value("reason", "") == "unexpected") problems.push_back("a last will arrived");
  }
  std::set<std::int64_t> missing;
  for (std::int64_t s = 1; s < agent.next_seq; ++s) {
    if (!seen.count(s)) missing.insert(s);
  }
  // Each connection reserves one seq for its will, published only if the car
  // vanishes: on a clean stop, exactly those are missing.
  const bool exact = onlines > 0 && named == onlines;
  if ((exact && missing != wills) || (!exact && missing.size() != onlines)) {
    std::string list;
    for (auto s : missing) list += " " + std::to_string(s);
    problems.push_back("missing seqs:" + list + " with " + std::to_string(onlines) +
                       " connections (" + std::to_string(named) + " naming their will seq)");
  }
  return problems;
}

nlohmann::json consumerSummary(const std::vector<std::string>& dbs, const std::string& dir) {
  std::vector<std::string> args{"summary", "--json"};
  for (const auto& db : dbs) {
    args.push_back("--db");
    args.push_back(db);
  }
  const auto e = run(consumerCommand(args), dir, std::chrono::seconds(60));
  auto j = nlohmann::json::parse(e.out, nullptr, false);
  if (e.code != 0 || j.is_discarded()) return {{"error", e.err}};
  return j;
}

nlohmann::json comparable(const std::string& topic, nlohmann::json payload) {
  payload.erase("id");
  payload.erase("seq");
  return nlohmann::json{{"topic", topic}, {"payload", payload}};
}

std::map<std::string, std::vector<nlohmann::json>> replayByTopic(const std::string& outbox_jsonl,
                                                                 std::size_t& total) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  total = 0;
  std::ifstream in(outbox_jsonl);
  for (std::string line; std::getline(in, line); ++total) {
    auto j = nlohmann::json::parse(line);
    out[j["topic"]].push_back(comparable(j["topic"], j["payload"]));
  }
  return out;
}

}  // namespace crm::testing
