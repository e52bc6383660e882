// crm-agentctl end to end: the real crm-agent on the simulated car (a real
// mosquitto as its broker, the technician API behind a token file), then
// every crm-agentctl command in both output modes, against the daemon and
// offline against a copy of its cache taken while it ran (WAL present).
// Every --json output is validated against the API's schema
// (docs/local-api/schemas, python3-jsonschema); a wrong token and a
// stopped daemon end with exit code 1 and a message; `status` on a
// terminal (a pty, 80x24) fits 80 columns, and its capture is kept in the
// build folder (ctl-status-pty.txt).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crm/testing/broker.h"
#include "process.h"
#include "text.h"

namespace crm::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kVin[] = "LRW3E7EK5NC000011";
constexpr char kToken[] = "integration-test-technician-token";

// Runs crm-agentctl with stdin from /dev/null (no terminal), up to 60 s.
Exit ctl(const std::vector<std::string>& args, const std::string& dir) {
  static int counter = 0;
  const std::string out = dir + "/ctl" + std::to_string(counter) + ".out";
  const std::string err = dir + "/ctl" + std::to_string(counter++) + ".err";
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<std::string> all = {CRM_AGENTCTL_BIN};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Exit result;
  int status = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  if (WIFEXITED(status)) result.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = readFile(out);
  result.err = readFile(err);
  return result;
}

// Every line of `text` fits 80 columns (carriage returns ignored).
void expectFits80(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    EXPECT_LE(ctl::displayWidth(line), 80) << what << ": " << line;
  }
}

bool jsonschemaAvailable() {
  return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

// The instances gathered by a test, by schema file, checked in one run of
// the schema checker.
class SchemaDocument {
 public:
  void add(const std::string& schema, const std::string& text) {
    json parsed = json::parse(text, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << schema << ": not one JSON document: " << text;
    doc_[schema].push_back(std::move(parsed));
  }
  // Runs tests/contract/check_local_api_schemas.py; its output on failure.
  void expectValid(const std::string& dir) const {
    if (!jsonschemaAvailable()) GTEST_SKIP() << "python3-jsonschema is not installed";
    writeFile(dir + "/instances.json", doc_.dump());
    const std::string root = CRM_SOURCE_DIR;
    const std::string cmd = "python3 " + root + "/tests/contract/check_local_api_schemas.py " +
                            root + "/docs/local-api/schemas " + root + "/docs/mqtt/schemas " + dir +
                            "/instances.json > " + dir + "/schemas.log 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << readFile(dir + "/schemas.log");
  }

 private:
  json doc_ = json::object();
};

struct Read {
  std::string command;
  std::string schema;
};

const std::vector<Read>& reads() {
  static const std::vector<Read> kReads = {{"status", "status.json"},
                                           {"battery", "battery-health.json"},
                                           {"charging", "charging-habits.json"},
                                           {"mileage", "mileage.json"},
                                           {"prompts", "prompts.json"},
                                           {"outbox", "outbox.json"},
                                           {"storage", "storage.json"},
                                           {"config", "config.json"},
                                           {"version", "version.json"},
                                           {"faults", "faults.json"}};
  return kReads;
}

// One daemon for the whole suite: a simulated car of 40 days (ten a
// second), with a fault that stays and one that clears; it keeps serving
// after its source ends. The cleared one lies within the last 30 days (the
// raw window the faults view reads), wherever the car is when it is asked.
class CtlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (mosquittoPath().empty()) return;
    dir_ = new TempDir();
    broker_ = new Broker();
    if (!broker_->start()) return;
    writeFile(dir_->file("technician.token"), std::string(kToken) + "\n");
    ::chmod(dir_->file("technician.token").c_str(), 0600);
    port_ = freePort();
    const json cfg = {
        {"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 0}, {"delivered", "2025-06-01"}}},
        {"source",
         {{"kind", "simulator"},
          {"acceleration", 864000},
          {"simulator",
           {{"seed", 5},
            {"profile", "private"},
            {"days", 40},
            {"dtcs",
             {{{"code", "P0A80"}, {"on_day", 2}, {"off_day", -1}},
              {{"code", "U0100"}, {"on_day", 12}, {"off_day", 14}}}}}}}},
        {"storage", {{"path", dir_->file("cache.db")}, {"commit_interval_ms", 100}}},
        {"mqtt",
         {{"broker", broker_->uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
        {"local_api",
         {{"address", "127.0.0.1"},
          {"port", port_},
          {"technician_token_file", dir_->file("technician.token")}}}};
    writeFile(dir_->file("agent.json"), cfg.dump(2));
    agent_ = new Process(agentCommand({"--config", dir_->file("agent.json")}), dir_->path());
    // Up when the API answers; the car's 40 days take about 4 s.
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < end) {
      const auto e = ctl({"--config", dir_->file("agent.json"), "--json", "storage"}, dir_->path());
      if (e.code == 0) {
        const auto s = json::parse(e.out, nullptr, false);
        if (s.is_object() && s.value("newest_sample_ms", std::int64_t{0}) > 0 &&
            s.value("daily_rollups", 0) >= 39) {
          ready_ = true;
          break;
        }
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
  }

  static void TearDownTestSuite() {
    if (agent_ != nullptr) {
      agent_->signal(SIGTERM);
      (void)agent_->wait(milliseconds(15000));
    }
    delete agent_;
    delete broker_;
    delete dir_;
    agent_ = nullptr;
    broker_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto is not installed";
    ASSERT_TRUE(ready_) << "the daemon did not come up";
  }

  static std::string dir() { return dir_->path(); }
  static std::vector<std::string> online(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", dir_->file("agent.json")});
    return args;
  }

  static TempDir* dir_;
  static Broker* broker_;
  static Process* agent_;
  static int port_;
  static bool ready_;
};

TempDir* CtlTest::dir_ = nullptr;
Broker* CtlTest::broker_ = nullptr;
Process* CtlTest::agent_ = nullptr;
int CtlTest::port_ = 0;
bool CtlTest::ready_ = false;

TEST_F(CtlTest, EveryCommandAnswersInBothModesAndItsJsonMatchesItsSchema) {
  SchemaDocument doc;
  for (const auto& r : reads()) {
    const auto text = ctl(online({r.command}), dir());
    EXPECT_EQ(text.code, 0) << r.command << ": " << text.err;
    EXPECT_FALSE(text.out.empty()) << r.command;
    expectFits80(text.out, r.command);
    const auto js = ctl(online({r.command, "--json"}), dir());
    EXPECT_EQ(js.code, 0) << r.command << ": " << js.err;
    doc.add(r.schema, js.out);
  }
  const auto status = json::parse(ctl(online({"status", "--json"}), dir()).out);
  EXPECT_EQ(status["source"], "daemon");
  EXPECT_EQ(status["vehicle"]["vin"], kVin);
  EXPECT_EQ(status["sync"]["connected"], true);
  EXPECT_TRUE(status["uptime_s"].is_number());

  // Faults, filtered: the one that stays is active, the other cleared.
  const auto active = ctl(online({"faults", "--active", "--json"}), dir());
  ASSERT_EQ(active.code, 0) << active.err;
  doc.add("faults.json", active.out);
  const auto items = json::parse(active.out)["items"];
  ASSERT_EQ(items.size(), 1u) << active.out;
  EXPECT_EQ(items[0]["code"], "P0A80");
  const auto u = ctl(online({"faults", "--code", "U0"}), dir());
  EXPECT_EQ(u.code, 0);
  EXPECT_NE(u.out.find("U0100  cleared"), std::string::npos) << u.out;

  // report, with its page.
  const std::string page = dir() + "/report.html";
  const auto report = ctl(online({"report", "--html", page}), dir());
  EXPECT_EQ(report.code, 0) << report.err;
  expectFits80(report.out, "report");
  EXPECT_NE(report.out.find("Health report "), std::string::npos) << report.out;
  EXPECT_NE(readFile(page).find("<html"), std::string::npos);
  const auto report_json = ctl(online({"report", "--json"}), dir());
  EXPECT_EQ(report_json.code, 0) << report_json.err;
  doc.add("execution.json", report_json.out);
  EXPECT_EQ(json::parse(report_json.out)["result"]["report"]["vehicle"]["vin"], kVin);

  // sync-now.
  const auto sync = ctl(online({"sync-now"}), dir());
  EXPECT_EQ(sync.code, 0) << sync.err;
  EXPECT_NE(sync.out.find("messages waiting"), std::string::npos) << sync.out;
  const auto sync_json = ctl(online({"sync-now", "--json"}), dir());
  EXPECT_EQ(sync_json.code, 0) << sync_json.err;
  doc.add("execution.json", sync_json.out);

  // erase asks first: without a terminal and without --yes it stops before
  // asking the daemon anything.
  const auto unconfirmed = ctl(online({"erase", "--personal"}), dir());
  EXPECT_EQ(unconfirmed.code, 2);
  EXPECT_NE(unconfirmed.err.find("--yes"), std::string::npos) << unconfirmed.err;

  doc.expectValid(dir());
}

TEST_F(CtlTest, OfflineOnACopyTakenWhileTheDaemonRunsAnswersAndChangesNoByte) {
  // What a technician takes from the car: the file and its WAL, live.
  TempDir usb;
  fs::copy_file(dir_->file("cache.db"), usb.file("cache.db"));
  if (fs::exists(dir_->file("cache.db-wal"))) {
    fs::copy_file(dir_->file("cache.db-wal"), usb.file("cache.db-wal"));
  }
  ASSERT_TRUE(fs::exists(usb.file("cache.db-wal")));
  const std::string db_before = readFile(usb.file("cache.db"));
  const std::string wal_before = readFile(usb.file("cache.db-wal"));
  // The car's configuration, for its vehicle facts.
  const std::vector<std::string> offline = {"--db", usb.file("cache.db"), "--config",
                                            dir_->file("agent.json")};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), offline.begin(), offline.end());
    return args;
  };
  SchemaDocument doc;
  for (const auto& r : reads()) {
    const auto text = ctl(with({r.command}), usb.path());
    EXPECT_EQ(text.code, 0) << r.command << ": " << text.err;
    expectFits80(text.out, r.command);
    const auto js = ctl(with({r.command, "--json"}), usb.path());
    EXPECT_EQ(js.code, 0) << r.command << ": " << js.err;
    doc.add(r.schema, js.out);
  }
  const auto status = json::parse(ctl(with({"status", "--json"}), usb.path()).out);
  EXPECT_EQ(status["source"], "offline");
  EXPECT_TRUE(status["uptime_s"].is_null());
  EXPECT_EQ(status["vehicle"]["vin"], kVin);
  EXPECT_EQ(status["faults_active"], json::array({"P0A80"}));

  const auto report = ctl(with({"report", "--json", "--html", usb.file("r.html")}), usb.path());
  EXPECT_EQ(report.code, 0) << report.err;
  doc.add("execution.json", report.out);
  EXPECT_NE(readFile(usb.file("r.html")).find("<html"), std::string::npos);

  // The driver's data from a car that does not boot.
  const auto exported = ctl(with({"export", usb.file("x.json")}), usb.path());
  EXPECT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(json::parse(readFile(usb.file("x.json")))["schema"], "crm.v1.data-export");

  for (const auto& needs_daemon :
       std::vector<std::vector<std::string>>{{"sync-now"}, {"erase", "--personal", "--yes"}}) {
    const auto e = ctl(with(needs_daemon), usb.path());
    EXPECT_EQ(e.code, 2) << needs_daemon[0];
    EXPECT_NE(e.err.find("needs the running daemon"), std::string::npos) << e.err;
  }
  doc.expectValid(usb.path());
  EXPECT_TRUE(readFile(usb.file("cache.db")) == db_before) << "the database changed";
  EXPECT_TRUE(readFile(usb.file("cache.db-wal")) == wal_before) << "the WAL changed";
}

TEST_F(CtlTest, AWrongTokenIsRefusedWithExitCode1) {
  writeFile(dir() + "/wrong.token", "not-the-token\n");
  const auto e = ctl(online({"--token-file", dir() + "/wrong.token", "status"}), dir());
  EXPECT_EQ(e.code, 1);
  EXPECT_NE(e.err.find("the technician token was refused"), std::string::npos) << e.err;
  EXPECT_TRUE(e.out.empty());
}

TEST_F(CtlTest, UrlAndTokenFileWorkWithoutTheConfiguration) {
  const auto e = ctl({"--url", "http://127.0.0.1:" + std::to_string(port_), "--token-file",
                      dir_->file("technician.token"), "version", "--json"},
                     dir());
  EXPECT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(json::parse(e.out)["contract"], "crm.v1");
}

TEST_F(CtlTest, StatusOnATerminalFits80Columns) {
  int master = -1;
  winsize size{};
  size.ws_row = 24;
  size.ws_col = 80;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    setenv("TERM", "xterm", 1);
    const std::string config = dir_->file("agent.json");
    execl(CRM_AGENTCTL_BIN, CRM_AGENTCTL_BIN, "--config", config.c_str(), "status",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string screen;
  char buf[4096];
  while (true) {
    const auto n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has gone
    screen.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ::close(master);
  writeFile(std::string(CRM_CTL_CAPTURE_DIR) + "/ctl-status-pty.txt", screen);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << screen;
  expectFits80(screen, "status on a pty");
  for (const char* line :
       {"crm-agent ", "Vehicle", "Battery", "Sync", "Outbox", "Storage", "Faults", "Prompts"}) {
    EXPECT_NE(screen.find(line), std::string::npos) << line << "\n" << screen;
  }
  EXPECT_NE(screen.find(kVin), std::string::npos) << screen;
}

// Defined last, so run last in the suite: it erases. Export and erase come with the privacy work;
// a daemon built without it answers 501 not_implemented, and this is skipped.
TEST_F(CtlTest, ExportThenEraseRunThroughTheDaemon) {
  const std::string exported = dir() + "/export.json";
  const auto probe = ctl(online({"export", exported}), dir());
  if (probe.code == 1 && probe.err.find("501 not_implemented") != std::string::npos) {
    GTEST_SKIP() << "this daemon has no export/erase yet: " << probe.err;
  }
  SchemaDocument doc;
  // export: the document in the file, owner-only; stdout says where.
  EXPECT_EQ(probe.code, 0) << probe.err;
  EXPECT_NE(probe.out.find("export.json"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(exported.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(json::parse(readFile(exported), nullptr, false).is_object());
  const auto exp_json = ctl(online({"export", exported, "--json"}), dir());
  EXPECT_EQ(exp_json.code, 0) << exp_json.err;
  doc.add("execution.json", exp_json.out);
  EXPECT_EQ(json::parse(exp_json.out)["result"]["file"], exported);

  // erase, confirmed for a script.
  const auto erase = ctl(online({"erase", "--personal", "--yes"}), dir());
  EXPECT_EQ(erase.code, 0) << erase.err;
  expectFits80(erase.out, "erase");
  const auto erase_json = ctl(online({"erase", "--personal", "--yes", "--json"}), dir());
  EXPECT_EQ(erase_json.code, 0) << erase_json.err;
  doc.add("execution.json", erase_json.out);
  doc.expectValid(dir());
}

TEST(CtlNoDaemon, ADaemonThatIsNotRunningIsExitCode1WithAClearMessage) {
  TempDir dir;
  writeFile(dir.file("token"), "t\n");
  const int port = freePort();
  const auto e = ctl({"--url", "http://127.0.0.1:" + std::to_string(port), "--token-file",
                      dir.file("token"), "status"},
                     dir.path());
  EXPECT_EQ(e.code, 1);
  EXPECT_NE(e.err.find("cannot reach crm-agent at 127.0.0.1:" + std::to_string(port) +
                       ": connection refused — is the daemon running?"),
            std::string::npos)
      << e.err;
}

TEST(CtlNoDaemon, BadUsageAndBadFilesAreExitCode2) {
  TempDir dir;
  writeFile(dir.file("agent.json"), R"({"local_api": {"prot": 1}})");
  const auto bad_config = ctl({"--config", dir.file("agent.json"), "status"}, dir.path());
  EXPECT_EQ(bad_config.code, 2);
  EXPECT_NE(bad_config.err.find("local_api.prot"), std::string::npos) << bad_config.err;
  const auto no_token = ctl({"--config", "/nonexistent.json", "status"}, dir.path());
  EXPECT_EQ(no_token.code, 2);
  writeFile(dir.file("notes.db"), "not a database");
  const auto bad_db = ctl({"--db", dir.file("notes.db"), "status"}, dir.path());
  EXPECT_EQ(bad_db.code, 2);
  EXPECT_NE(bad_db.err.find("not a SQLite database"), std::string::npos) << bad_db.err;
  const auto usage = ctl({"frobnicate"}, dir.path());
  EXPECT_EQ(usage.code, 2);
}

}  // namespace
}  // namespace crm::testing
