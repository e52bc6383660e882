// A full file system under the running daemon, not an injected VFS: the
// cache lives on a small tmpfs the test mounts, fills with a file of its
// own while the simulated car drives, and empties again. The agent must
// degrade, not stop: ingest pauses with a log line naming the cause, the
// process keeps running, and it resumes on its own when space returns;
// nothing is reused or corrupted. Mounting needs CAP_SYS_ADMIN (root in
// CI's container); without it the test is skipped and says why.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000021";

// A tmpfs of `size` mounted at `dir` for the scope of the object.
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, const char* size) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    const std::string opts = std::string("size=") + size + ",mode=0777";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::strerror(errno);
    }
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string why_;
};

// Writes `path` until the file system refuses: the disk is then full.
std::int64_t fill(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  const std::string block(64 * 1024, 'x');
  std::int64_t total = 0;
  for (;;) {
    const ssize_t n = ::write(fd, block.data(), block.size());
    if (n <= 0) break;
    total += n;
  }
  // The last few bytes of a short write: write byte by byte to the end.
  while (::write(fd, "x", 1) == 1) ++total;
  ::close(fd);
  return total;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The agent's stderr (its log): the only .err file in `dir`.
std::string agentLog(const std::string& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".err") return readAll(e.path().string());
  }
  return {};
}

bool waitForLog(const std::string& dir, const std::string& text, milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (agentLog(dir).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

std::size_t dailyCount(const Collector& c) {
  std::size_t n = 0;
  for (const auto& m : c.messages()) n += m.topic.ends_with("/telemetry/daily");
  return n;
}

std::string queryText(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

TEST(DiskFull, TheDaemonPausesIngestKeepsRunningAndResumesWhenSpaceReturns) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  SmallDisk disk(dir.file("disk"), "8m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.why() << ")";
  Broker broker;
  ASSERT_TRUE(broker.start());
  Collector collector(broker.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());

  const std::string cache = dir.file("disk") + "/cache.db";
  // A busy car, a day every ~0.6 s of wall time, for longer than the test.
  const json cfg = {
      {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}}},
      {"source",
       {{"kind", "simulator"},
        {"acceleration", 86400.0 * 1.6},
        {"simulator", {{"seed", 21}, {"profile", "ride_hailing"}, {"days", 365}}}}},
      {"storage", {{"path", cache}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
      {"local_api", {{"enabled", false}}},
      {"log", {{"level", "info"}}}};
  writeFile(dir.file("agent.json"), cfg.dump(2));
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());

  // Driving and publishing: two days closed.
  ASSERT_TRUE(collector.waitFor([&](const auto&) { return dailyCount(collector) >= 2; },
                                milliseconds(60000)))
      << agentLog(dir.path());

  // The disk fills: the agent says so and pauses, but does not stop.
  const std::string filler = dir.file("disk") + "/filler";
  ASSERT_GT(fill(filler), 0);
  ASSERT_TRUE(waitForLog(dir.path(), "the disk is full; ingest paused", milliseconds(30000)))
      << agentLog(dir.path());
  std::this_thread::sleep_for(milliseconds(2000));  // days of driving dropped while full
  ASSERT_FALSE(agent.wait(milliseconds(0)).has_value()) << "the agent stopped on a full disk";
  EXPECT_EQ(agentLog(dir.path()).find("store write failed"), std::string::npos);

  // Space returns: ingest resumes on its own and new days are published.
  std::filesystem::remove(filler);
  ASSERT_TRUE(waitForLog(dir.path(), "space is back; ingest resumed", milliseconds(30000)))
      << agentLog(dir.path());
  const std::size_t before = dailyCount(collector);
  EXPECT_TRUE(collector.waitFor([&](const auto&) { return dailyCount(collector) >= before + 2; },
                                milliseconds(60000)))
      << agentLog(dir.path());

  agent.signal(SIGTERM);
  const auto exit = agent.wait(milliseconds(30000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 0) << exit->err;

  // Nothing reused: a seq the broker saw always carries the same id.
  std::map<std::int64_t, std::string> id_of_seq;
  for (const auto& m : collector.messages()) {
    const auto p = json::parse(m.payload);
    const auto [it, fresh] =
        id_of_seq.emplace(p["seq"].get<std::int64_t>(), p["id"].get<std::string>());
    EXPECT_EQ(it->second, p["id"].get<std::string>()) << "seq " << it->first << " reused";
  }
  // The cache is whole, and the drops are counted where the technician reads them.
  EXPECT_EQ(queryText(cache, "PRAGMA integrity_check"), "ok");
  const std::string dropped =
      queryText(cache, "SELECT value FROM meta WHERE key = 'ingest.dropped_disk_full'");
  ASSERT_FALSE(dropped.empty());
  EXPECT_GT(std::stoll(dropped), 0);
}

}  // namespace
}  // namespace crm::testing
