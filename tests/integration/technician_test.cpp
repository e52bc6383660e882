// The technician's API end to end: the real crm-agent on the simulated car
// with a real mosquitto, asked over HTTP as a workshop tool would. Every
// data resource answers and validates against its JSON Schema
// (docs/local-api/schemas, python3-jsonschema), the fault list shows the
// injected DTCs, both operations reach "completed" (the report also
// reaches the broker), a request without the right token learns nothing,
// and a token file others can read stops the start.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kVin[] = "LRW3E7EK5NC000011";
constexpr char kToken[] = "workshop-token-0123456789abcdef";
constexpr std::int64_t kStart = 1767225600000;  // 2026-01-01T00:00Z
constexpr std::int64_t kDay = 86'400'000;
const std::string kP = "/sovd/v1/components/crm-agent";

struct Http {
  int status = 0;                              // 0: no answer
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  json json_body() const { return json::parse(body, nullptr, false); }
};

// One request on a fresh connection (Connection: close), read to the end.
Http http(int port, const std::string& method, const std::string& target,
          const std::string& token = kToken, const std::string& body = "") {
  Http out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return out;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty()) req += "Content-Type: application/json\r\n";
  if (method == "POST" || !body.empty())
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string raw;
  char buf[8192];
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.size() < 12) return out;
  out.status = std::atoi(raw.substr(9, 3).c_str());
  std::size_t line = raw.find("\r\n") + 2;
  while (line < end) {
    const auto next = raw.find("\r\n", line);
    const auto colon = raw.find(':', line);
    if (colon < next) {
      std::string name = raw.substr(line, colon - line);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = raw.substr(colon + 2, next - colon - 2);
    }
    line = next + 2;
  }
  out.body = raw.substr(end + 4);
  return out;
}

// The checker over `doc` (schema file -> instances); its exit status.
int validate(const json& doc, const std::string& folder, bool all) {
  const std::string path = folder + "/instances.json";
  std::ofstream(path) << doc.dump(2);
  const std::string src = CRM_SOURCE_DIR;
  const std::string cmd = "python3 " + src + "/tests/contract/check_local_api_schemas.py " +
                          (all ? "--all " : "") + src + "/docs/local-api/schemas " + src +
                          "/docs/mqtt/schemas " + path;
  return std::system(cmd.c_str());
}

json agentConfig(const std::string& dir, int port, const std::string& broker) {
  return {
      {"vehicle", {{"vin", kVin}, {"model", "sim-ev-75"}, {"delivered", "2025-06-01"}}},
      {"source",
       {{"kind", "simulator"},
        // 20 simulated days in a few seconds of wall time.
        {"acceleration", 400000},
        {"simulator",
         {{"seed", 5},
          {"days", 20},
          {"dtcs",
           {{{"code", "U0100"}, {"on_day", 2}, {"off_day", 4}},
            {{"code", "P0A80"}, {"on_day", 10}}}}}}}},
      {"storage", {{"path", dir + "/cache.db"}, {"full_sync", false}, {"commit_interval_ms", 100}}},
      {"mqtt", {{"broker", broker}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
      {"local_api",
       {{"address", "127.0.0.1"}, {"port", port}, {"technician_token_file", "technician.token"}}},
      {"engagement", {{"time_zone", "Asia/Shanghai"}}}};
}

void writeToken(const std::string& path, mode_t mode) {
  writeFile(path, std::string(kToken) + "\n");
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

class TechnicianApi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto is not installed";
    if (std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "python3-jsonschema is not installed";
    }
    ASSERT_TRUE(broker_.start());
    collector_ =
        std::make_unique<Collector>(broker_.uri(), std::string("crm/v1/vehicles/") + kVin + "/#");
    ASSERT_TRUE(collector_->connected());
    port_ = freePort();
    writeToken(dir_.file("technician.token"), 0600);
    writeFile(dir_.file("agent.json"), agentConfig(dir_.path(), port_, broker_.uri()).dump());
    agent_ =
        std::make_unique<Process>(agentCommand({"--config", dir_.file("agent.json")}), dir_.path());
    // The simulated car has reached its last day (its data all stored).
    const auto deadline = Clock::now() + std::chrono::seconds(90);
    std::int64_t newest = 0;
    while (Clock::now() < deadline && newest < kStart + 19 * kDay) {
      std::this_thread::sleep_for(milliseconds(200));
      const Http r = http(port_, "GET", kP + "/data/storage");
      if (r.status == 200)
        newest = r.json_body()["data"].value("newest_sample_ms", std::int64_t{0});
    }
    ASSERT_GE(newest, kStart + 19 * kDay) << "the simulated car did not finish in time";
  }

  void TearDown() override {
    if (agent_) {
      agent_->signal(SIGTERM);
      const auto exit = agent_->wait(milliseconds(15000));
      EXPECT_TRUE(exit.has_value());
      if (exit) {
        EXPECT_EQ(exit->code, 0) << exit->err;
      }
    }
  }

  // Starts `op`, then polls its execution until it is no longer running.
  json execute(const std::string& op, const std::string& body = "") {
    const Http started =
        http(port_, "POST", kP + "/operations/" + op + "/executions", kToken, body);
    EXPECT_EQ(started.status, 202) << started.body;
    doc_["execution.json"].push_back(started.json_body());
    const std::string location =
        started.headers.count("location") ? started.headers.at("location") : "";
    EXPECT_EQ(location.rfind(kP + "/operations/" + op + "/executions/", 0), 0U) << location;
    json e = started.json_body();
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (e.value("status", "") == "running" && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(100));
      const Http polled = http(port_, "GET", location);
      EXPECT_EQ(polled.status, 200);
      e = polled.json_body();
    }
    doc_["execution.json"].push_back(e);
    return e;
  }

  TempDir dir_;
  Broker broker_;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<Process> agent_;
  int port_ = 0;
  json doc_ = json::object();
};

TEST_F(TechnicianApi, EveryResourceAnswersValidlyAndBothOperationsComplete) {
  const Http components = http(port_, "GET", "/sovd/v1/components");
  ASSERT_EQ(components.status, 200);
  doc_["components.json"].push_back(components.json_body());
  const Http list = http(port_, "GET", kP + "/data");
  ASSERT_EQ(list.status, 200);
  doc_["data-list.json"].push_back(list.json_body());
  ASSERT_EQ(list.json_body()["items"].size(), 9U);
  const json items = list.json_body()["items"];
  for (const auto& item : items) {
    const std::string id = item["id"];
    const Http r = http(port_, "GET", kP + "/data/" + id);
    ASSERT_EQ(r.status, 200) << id << ": " << r.body;
    const json j = r.json_body();
    EXPECT_EQ(j["id"], id);
    doc_["data-response.json"].push_back(j);
    doc_[id + ".json"].push_back(j["data"]);
  }
  const json status = http(port_, "GET", kP + "/data/status").json_body()["data"];
  EXPECT_EQ(status["source"], "daemon");
  EXPECT_EQ(status["vehicle"]["vin"], kVin);
  EXPECT_GE(status["uptime_s"].get<int>(), 0);
  EXPECT_EQ(status["faults_active"], json::array({"P0A80"}));
  const json config = http(port_, "GET", kP + "/data/config").json_body()["data"];
  EXPECT_EQ(config["local_api"]["technician_token_file"], dir_.file("technician.token"));
  EXPECT_EQ(http(port_, "GET", kP + "/data/config").body.find(kToken), std::string::npos);

  // Faults: the one that came and went, the one that stays; filtered.
  const json all = http(port_, "GET", kP + "/faults").json_body();
  const json active = http(port_, "GET", kP + "/faults?status=active").json_body();
  const json u = http(port_, "GET", kP + "/faults?code=U01").json_body();
  for (const auto* f : {&all, &active, &u}) doc_["faults.json"].push_back(*f);
  ASSERT_EQ(all["items"].size(), 2U);
  EXPECT_EQ(all["items"][0]["code"], "P0A80");
  EXPECT_EQ(all["items"][0]["status"], "active");
  EXPECT_EQ(all["items"][1]["code"], "U0100");
  EXPECT_EQ(all["items"][1]["status"], "cleared");
  ASSERT_EQ(active["items"].size(), 1U);
  ASSERT_EQ(u["items"].size(), 1U);
  EXPECT_EQ(u["items"][0]["code"], "U0100");

  // generate-report: stored, answered with its id, and sent to the broker.
  const json report = execute("generate-report");
  ASSERT_EQ(report["status"], "completed") << report.dump();
  EXPECT_GT(report["result"]["report_id"].get<int>(), 0);
  EXPECT_EQ(report["result"]["report"]["schema"], "crm.v1.health-report");
  EXPECT_EQ(report["result"]["report"]["vehicle"]["vin"], kVin);
  EXPECT_TRUE(collector_->waitFor(
      [](const std::vector<Received>& all_messages) {
        for (const auto& m : all_messages) {
          if (m.topic.ends_with("/health-report")) return true;
        }
        return false;
      },
      milliseconds(15000)))
      << "the report made on request did not reach the broker";

  // sync-now: the broker is up, so it ends connected.
  const json sync = execute("sync-now");
  ASSERT_EQ(sync["status"], "completed") << sync.dump();
  EXPECT_EQ(sync["result"]["connected"], true);
  EXPECT_GE(sync["result"]["outbox_pending"].get<int>(), 0);

  // The driver's data: exported whole (validated against its schema), then
  // the personal part erased, with the counts in the result.
  const json exported = execute("export-data");
  ASSERT_EQ(exported["status"], "completed") << exported.dump().substr(0, 400);
  EXPECT_EQ(exported["result"]["schema"], "crm.v1.data-export");
  EXPECT_EQ(exported["result"]["vehicle"]["vin"], kVin);
  doc_["data-export.json"].push_back(exported["result"]);
  const json erased = execute("erase-personal-data", R"({"scope":"personal"})");
  ASSERT_EQ(erased["status"], "completed") << erased.dump();
  ASSERT_TRUE(erased["result"]["erased"].is_object()) << erased.dump();
  // The DTC's prompt was there to erase (a condition that still holds raises
  // it again afterwards: a fault is not forgotten with the driver's data).
  EXPECT_GE(erased["result"]["erased"].value("prompts", 0), 1) << erased.dump();

  // Errors, in the common shape.
  const Http unknown = http(port_, "GET", kP + "/data/tyres");
  EXPECT_EQ(unknown.status, 404);
  doc_["error.json"].push_back(unknown.json_body());
  const Http no_scope = http(port_, "POST", kP + "/operations/erase-personal-data/executions");
  EXPECT_EQ(no_scope.status, 400);
  doc_["error.json"].push_back(no_scope.json_body());
  const Http unknown_exec = http(port_, "GET", kP + "/operations/sync-now/executions/99999");
  EXPECT_EQ(unknown_exec.status, 404);
  doc_["error.json"].push_back(unknown_exec.json_body());

  EXPECT_EQ(validate(doc_, dir_.path(), true), 0) << "see the checker's messages above";
}

TEST_F(TechnicianApi, WithoutTheRightTokenEveryPathIs401AndNothingElse) {
  for (const std::string& token : {std::string(), std::string("not-the-token-0123456789abcdef")}) {
    for (const std::string& target :
         {kP + "/data/status", kP + "/data/config", kP + "/data/nothing", kP + "/faults",
          std::string("/sovd/v1/components"), std::string("/sovd/unknown")}) {
      const Http r = http(port_, "GET", target, token);
      EXPECT_EQ(r.status, 401) << target;
      EXPECT_EQ(r.headers.count("www-authenticate"), 1U) << target;
      EXPECT_EQ(r.headers.count("www-authenticate")
                    ? r.headers.at("www-authenticate").rfind("Bearer", 0)
                    : 1U,
                0U)
          << target;
      EXPECT_EQ(r.json_body()["error"]["code"], "unauthorized");
      EXPECT_EQ(r.body.find(kVin), std::string::npos);
      doc_["error.json"].push_back(r.json_body());
    }
    const Http post = http(port_, "POST", kP + "/operations/generate-report/executions", token);
    EXPECT_EQ(post.status, 401);
  }
  // The driver's API on the same server knows nothing of the technician's data.
  const Http hmi = http(port_, "GET", "/hmi/v1/prompts", "");
  EXPECT_EQ(hmi.status, 200);
  EXPECT_EQ(hmi.body.find("outbox"), std::string::npos);
  EXPECT_EQ(validate(doc_, dir_.path(), false), 0);
}

TEST(TechnicianStartUp, ATokenFileOthersCanReadStopsTheStartNamingFileAndMode) {
  TempDir dir;
  writeToken(dir.file("technician.token"), 0644);
  writeFile(dir.file("agent.json"),
            agentConfig(dir.path(), freePort(), "tcp://127.0.0.1:1").dump());
  const Exit exit =
      run(agentCommand({"--config", dir.file("agent.json")}), dir.path(), std::chrono::seconds(30));
  EXPECT_EQ(exit.code, 2) << exit.err;
  EXPECT_NE(exit.err.find(dir.file("technician.token")), std::string::npos) << exit.err;
  EXPECT_NE(exit.err.find("0644"), std::string::npos) << exit.err;
  EXPECT_NE(exit.err.find("local_api.technician_token_file"), std::string::npos) << exit.err;
  EXPECT_FALSE(std::ifstream(dir.file("cache.db")).good()) << "stopped before opening the cache";
}

}  // namespace
}  // namespace crm::testing
