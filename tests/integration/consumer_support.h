// The reference CRM consumer (tests/consumer/crm-consumer) as the tests run
// it, and what they read back: its database, and the agent's seq count.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "process.h"

namespace crm::testing {

// True when Debian's python3 with paho-mqtt and jsonschema is there.
bool consumerAvailable();

// Debian's python3 (or python3 from PATH when it has none), then `args`.
std::vector<std::string> pythonCommand(std::vector<std::string> args);

// The command line: Debian's python3 (which has the packages), the program,
// then `args`.
std::vector<std::string> consumerCommand(std::vector<std::string> args);

// `cmd` with its stderr appended to the file `log` (a path without quotes),
// so that a test can read it while the program runs.
std::vector<std::string> loggedTo(std::vector<std::string> cmd, const std::string& log);

// `crm-consumer run` in the background, its stderr in `log`.
class Consumer {
 public:
  Consumer(std::vector<std::string> run_args, const std::string& dir, const std::string& log);
  // Waits for the "subscribed" line (the consumer can receive from then on).
  bool waitSubscribed(std::chrono::milliseconds timeout) const;
  std::string log() const;
  // SIGTERM, then its exit.
  std::optional<Exit> stop(std::chrono::milliseconds timeout);
  std::optional<Exit> wait(std::chrono::milliseconds timeout) { return process_->wait(timeout); }

 private:
  std::string log_;
  std::unique_ptr<Process> process_;
};

// One row of the consumer's messages table.
struct Stored {
  std::string id, topic, vin, kind;
  std::optional<std::int64_t> seq;
  bool retained = false, valid = false;
  std::string error, payload;
};

// Every stored message of the database at `path` (none when it cannot be read).
std::vector<Stored> storedMessages(const std::string& path);
// Rows of its duplicates table.
std::int64_t duplicateRows(const std::string& path);

// What an agent's cache says after a clean stop: the next seq it would hand
// out (every seq below it was issued) and how many messages its outbox still
// holds (unsent).
struct AgentSeqs {
  std::int64_t next_seq = 0;
  std::int64_t unsent = -1;
};
AgentSeqs agentSeqs(const std::string& cache_path);

// Checks one car's messages as stored by the consumer(s) against what the
// agent issued: every seq in [1, next_seq) is stored exactly once, except one
// last-will seq per connection (one per "online" status; when the online
// statuses name their will_seq, exactly those). Returns the problems found,
// empty when the check holds.
std::vector<std::string> accountForEverySeq(const std::vector<Stored>& stored,
                                            const std::string& vin, const AgentSeqs& agent);

// `crm-consumer summary --json` over `dbs`.
nlohmann::json consumerSummary(const std::vector<std::string>& dbs, const std::string& dir);

// Waits until `pred()` holds or `timeout` passes; returns pred()'s last value.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

// A message with what each run draws for itself (id, seq) left out: the
// same car through the daemon and through `replay` gives equal ones.
nlohmann::json comparable(const std::string& topic, nlohmann::json payload);

// What `crm-agent replay` wrote to `outbox_jsonl`, by topic in the order
// produced, each message comparable(); `total` counts them all.
std::map<std::string, std::vector<nlohmann::json>> replayByTopic(const std::string& outbox_jsonl,
                                                                 std::size_t& total);

}  // namespace crm::testing
