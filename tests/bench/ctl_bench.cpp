// crm-agentctl status on a cache holding a year of a private car.
//
//   build/release/tests/bench/bench_ctl [--cache DIR] [--runs N]
//
// Fills a cache by replaying a simulated year of the private profile (seed
// 1; with --cache DIR it is kept and reused). Then times `status`, median
// of N runs (default 20), each against the baseline measured in the same
// run: a plain SQLite read of the same cache (open it read-only, read each
// signal's newest sample, count the outbox, close), the least any status
// tool must do.
//   1. offline, in process: copy the cache, open the copy, read the status
//      view, render it (what `--db` does, without starting a program);
//   2. offline, the program: `crm-agentctl --db CACHE status`, start to
//      exit, on a cleanly closed cache and on one copied from a running
//      car (its WAL present: the store then checks the whole file);
//   3. through the daemon: crm-agent serving a copy of the cache with the
//      technician API (MQTT off, its source ended): one HttpSource
//      request in process, and `crm-agentctl status` as a program.
// Target: every figure under 100 ms.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crm/common/log.h"
#include "crm/testing/broker.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/signals.h"
#include "crm/vehicle/simulator.h"
#include "http_source.h"
#include "offline_source.h"
#include "programs.h"
#include "render.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Wall time over `runs`: the median is what a technician typically waits;
// the best is the cost with the least of the machine's other load in it.
struct Timing {
  double median = 0, best = 0;
};

template <class F>
Timing timeRuns(int runs, F f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    t.push_back(millis(start));
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front()};
}

std::optional<std::string> filledCache(const std::string& dir) {
  const std::string db = dir + "/cache.db";
  if (fs::exists(db)) return db;
  fs::create_directories(dir);
  crm::testing::TempDir tmp;
  crm::vehicle::SimulatorConfig sim;
  sim.profile = crm::vehicle::UsageProfile::kPrivate;
  sim.days = 365;
  sim.seed = 1;
  sim.dtcs = {{"P0A80", 300, -1}, {"U0100", 100, 120}};
  const std::string rec = tmp.file("car.jsonl");
  {
    crm::vehicle::Simulator simulator(sim);
    if (!crm::vehicle::writeRecording(simulator, rec)) return std::nullopt;
  }
  crm::daemon::ReplayOptions ro;
  ro.recording = rec;
  ro.out_dir = tmp.file("out");
  ro.state_dir = dir;
  const auto fill = Clock::now();
  if (crm::daemon::runReplay(ro) != 0) return std::nullopt;
  std::printf("filled a cache with a year of a private car in %.1f s\n", millis(fill) / 1000);
  return db;
}

// The baseline: what any status query must do at least.
void plainSqliteRead(const std::string& db) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    for (const char* sql : {"SELECT signal, max(ts) FROM samples GROUP BY signal",
                            "SELECT count(*), min(created_ms) FROM outbox"}) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
      }
      sqlite3_finalize(st);
    }
  }
  sqlite3_close(h);
}

// CPU time (user and system) of the programs run since the last call, ms.
double takeChildCpuMs() {
  static double taken = 0;
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  const double total = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
                       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
  const double since = total - taken;
  taken = total;
  return since;
}

// Runs a program to its end, its output discarded; its exit code.
int runProgram(const std::vector<std::string>& args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A copy of `db` as a technician takes it from a running car: the store
// open, a batch just committed, the file and its WAL copied as they are.
std::string copyWithWal(const std::string& db, const std::string& dir) {
  fs::copy_file(db, dir + "/work.db", fs::copy_options::overwrite_existing);
  auto store = crm::testing::openTestStore(dir + "/work.db");
  const auto newest = store->newestSampleMs().value_or(0);
  for (int i = 1; i <= 100; ++i) {
    crm::vehicle::Sample s;
    s.ts_ms = newest + i * 1000;
    s.signal = crm::vehicle::sig::kSpeed;
    s.value = 0.0;
    (void)store->addSample(s);
  }
  (void)store->commit();
  fs::copy_file(dir + "/work.db", dir + "/live.db");
  fs::copy_file(dir + "/work.db-wal", dir + "/live.db-wal");
  return dir + "/live.db";
}

void report(const char* what, Timing t, const Timing& base) {
  std::printf("%-50s median %6.1f ms, best %6.1f ms; ratio %4.1f; %s\n", what, t.median, t.best,
              t.median / base.median, t.median < 100 ? "under 100 ms" : "OVER 100 ms");
}

// A program's figure, and the CPU it used on average, which does not
// depend on what else the machine runs.
void reportProgram(const char* what, int runs, const std::vector<std::string>& args,
                   const Timing& base) {
  (void)takeChildCpuMs();
  report(what, timeRuns(runs, [&] { runProgram(args); }), base);
  std::printf("%-50s %6.1f ms of CPU a run\n", "", takeChildCpuMs() / runs);
}

}  // namespace

int main(int argc, char** argv) {
  std::string cache_dir;
  int runs = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--cache") == 0) cache_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  crm::testing::TempDir tmp;
  const auto db = filledCache(cache_dir.empty() ? tmp.file("1y") : cache_dir);
  if (!db) return 1;
  crm::log::init("off");
  std::printf("cache: %s, %.1f MiB\n", db->c_str(),
              static_cast<double>(fs::file_size(*db)) / 1048576);

  const Timing base = timeRuns(runs, [&] { plainSqliteRead(*db); });
  std::printf("%-50s median %6.1f ms, best %6.1f ms\n", "baseline: plain SQLite read", base.median,
              base.best);

  crm::config::Config config;
  const Timing in_process = timeRuns(runs, [&] {
    auto source = crm::ctl::openOffline(*db, config);
    if (!source) std::abort();
    auto status = (*source)->data("status");
    if (!status) std::abort();
    (void)crm::ctl::renderStatus(*status, 0);
  });
  report("offline, in process (copy, open, read, render)", in_process, base);

  const std::string ctl = CRM_AGENTCTL_BIN;
  reportProgram("floor: crm-agentctl --help (a program starting)", runs, {ctl, "--help"}, base);
  if (runProgram({ctl, "--db", *db, "status"}) != 0) {
    std::fprintf(stderr, "crm-agentctl --db failed\n");
    return 1;
  }
  reportProgram("offline: crm-agentctl --db CACHE status", runs, {ctl, "--db", *db, "status"},
                base);
  const std::string live = copyWithWal(*db, tmp.path());
  reportProgram("offline: the same on a copy with its WAL", runs, {ctl, "--db", live, "status"},
                base);

  // The daemon on a copy of the cache, its source at its end, MQTT off.
  fs::copy_file(*db, tmp.file("served.db"));
  crm::testing::writeFile(tmp.file("empty.jsonl"), "# nothing more\n");
  crm::testing::writeFile(tmp.file("token"), "bench-token-of-the-technician\n");
  fs::permissions(tmp.file("token"), fs::perms::owner_read | fs::perms::owner_write);
  const int port = crm::testing::freePort();
  crm::testing::writeFile(
      tmp.file("agent.json"),
      R"({"source": {"kind": "recording", "recording": ")" + tmp.file("empty.jsonl") +
          R"("}, "storage": {"path": ")" + tmp.file("served.db") +
          R"("}, "mqtt": {"enabled": false}, "local_api": {"port": )" + std::to_string(port) +
          R"(, "technician_token_file": ")" + tmp.file("token") + R"("}})");
  std::vector<std::string> agent_args = {CRM_AGENT_BIN, "--config", tmp.file("agent.json")};
  std::vector<char*> agent_argv;
  for (auto& a : agent_args) agent_argv.push_back(a.data());
  agent_argv.push_back(nullptr);
  pid_t agent = 0;
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  const int spawned =
      posix_spawn(&agent, agent_argv[0], &quiet, nullptr, agent_argv.data(), environ);
  posix_spawn_file_actions_destroy(&quiet);
  if (spawned != 0) return 1;
  crm::ctl::Endpoint endpoint;
  endpoint.port = port;
  crm::ctl::HttpSource http(endpoint, "bench-token-of-the-technician",
                            std::chrono::milliseconds(5000));
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    up = http.data("version").ok();
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!up) {
    std::fprintf(stderr, "the daemon did not come up on port %d\n", port);
    kill(agent, SIGKILL);
    waitpid(agent, nullptr, 0);
    return 1;
  }
  report("daemon: one status request, rendered (in process)",
         timeRuns(runs,
                  [&] {
                    auto status = http.data("status");
                    if (!status) std::abort();
                    (void)crm::ctl::renderStatus(*status, 0);
                  }),
         base);
  const std::vector<std::string> online = {ctl,         "--config", tmp.file("agent.json"),
                                           "--timeout", "5",        "status"};
  reportProgram("daemon: crm-agentctl status", runs, online, base);
  kill(agent, SIGTERM);
  waitpid(agent, nullptr, 0);
  return 0;
}
