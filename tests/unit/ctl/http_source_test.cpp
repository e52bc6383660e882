// HttpSource against the agent's real local server (TCP and a Unix socket)
// with a stand-in technician API: the bearer token is sent, answers are
// unwrapped, and each failure becomes the error a technician can act on.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "crm/localapi/server.h"
#include "crm/testing/temp_dir.h"
#include "http_source.h"

namespace crm::ctl {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kToken[] = "t0ken";

// Answers like the technician API: 401 without the token, data objects,
// an execution, and one route that never answers in time (the loop sleeps).
class FakeSovd : public localapi::Routes {
 public:
  localapi::Response handle(const localapi::Request& r) override {
    last_path = std::string(r.path) + (r.query.empty() ? "" : "?" + std::string(r.query));
    last_body = std::string(r.body);
    if (r.authorization != std::string("Bearer ") + kToken) {
      auto res = localapi::errorResponse(401, "unauthorized", "a valid bearer token is needed");
      res.headers.emplace_back("WWW-Authenticate", "Bearer");
      return res;
    }
    const std::string p(r.path);
    if (p == "/sovd/v1/components/crm-agent/data/status") {
      return localapi::jsonResponse(R"({"id":"status","data":{"version":"0.1.0"}})");
    }
    if (p == "/sovd/v1/components/crm-agent/data/broken") {
      return localapi::jsonResponse("not json");
    }
    if (p == "/sovd/v1/components/crm-agent/faults") {
      return localapi::jsonResponse(R"({"items":[]})");
    }
    if (p == "/sovd/v1/components/crm-agent/operations/sync-now/executions") {
      auto res = localapi::jsonResponse(R"({"id":"x1","status":"running"})", 202);
      res.headers.emplace_back("Location", p + "/x1");
      return res;
    }
    if (p == "/sovd/v1/components/crm-agent/data/slow") {
      std::this_thread::sleep_for(milliseconds(600));
      return localapi::jsonResponse(R"({"id":"slow","data":{}})");
    }
    return localapi::errorResponse(404, "unknown_data", "no data item " + p);
  }
  std::string last_path, last_body;
};

class HmiPage : public localapi::Routes {
 public:
  localapi::Response handle(const localapi::Request& r) override {
    if (r.path == "/hmi/v1/reports/latest.html" && r.query == "lang=en") {
      localapi::Response res;
      res.content_type = "text/html; charset=utf-8";
      res.body = "<!doctype html><p>report</p>";
      return res;
    }
    return localapi::errorResponse(404, "no_report", "no health report has been made yet");
  }
};

class Harness {
 public:
  Harness(localapi::Options options, bool mount_sovd) : work_(io_.get_executor()) {
    std::vector<localapi::Mount> mounts;
    auto sovd = std::make_unique<FakeSovd>();
    sovd_ = sovd.get();
    if (mount_sovd) mounts.push_back({"/sovd", std::move(sovd)});
    mounts.push_back({"/hmi", std::make_unique<HmiPage>()});
    auto server = localapi::Server::create(io_, options, std::move(mounts));
    if (!server) {
      ADD_FAILURE() << server.error().message;
      return;
    }
    server_ = std::move(server).value();
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Harness() {
    if (server_) boost::asio::post(io_, [this] { server_->stop(); });
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  FakeSovd& sovd() { return *sovd_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<localapi::Server> server_;
  FakeSovd* sovd_ = nullptr;
  std::thread thread_;
  int port_ = 0;
};

localapi::Options tcpOptions() {
  localapi::Options o;
  o.port = 0;
  return o;
}

Endpoint tcp(int port) {
  Endpoint e;
  e.port = port;
  return e;
}

TEST(HttpSource, ReadsADataObjectWithTheBearerToken) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), kToken, milliseconds(2000));
  auto data = source.data("status");
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ(*data, json({{"version", "0.1.0"}}));
}

TEST(HttpSource, WorksOverAUnixSocket) {
  testing::TempDir dir;
  localapi::Options o;
  o.unix_socket = dir.file("api.sock");
  Harness h(o, true);
  Endpoint e;
  e.unix_socket = o.unix_socket;
  HttpSource source(e, kToken, milliseconds(2000));
  auto data = source.data("status");
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ((*data)["version"], "0.1.0");
}

TEST(HttpSource, AWrongTokenIsRefusedWithAClearMessage) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), "wrong", milliseconds(2000));
  auto data = source.data("status");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, CtlError::kRefused);
  EXPECT_EQ(exitCode(data.error().code), 1);
  EXPECT_NE(data.error().message.find("the technician token was refused"), std::string::npos);
}

TEST(HttpSource, TheDaemonsErrorIsPassedOn) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), kToken, milliseconds(2000));
  auto data = source.data("nothing");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, CtlError::kFailed);
  EXPECT_NE(data.error().message.find("404 unknown_data: no data item"), std::string::npos)
      << data.error().message;
  auto broken = source.data("broken");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("not a JSON object"), std::string::npos);
}

TEST(HttpSource, ADaemonWithoutTheTechnicianApiSaysSo) {
  Harness h(tcpOptions(), false);
  HttpSource source(tcp(h.port()), kToken, milliseconds(2000));
  auto data = source.data("status");
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.error().message.find("does not serve the technician API"), std::string::npos)
      << data.error().message;
}

TEST(HttpSource, FaultQueriesAndOperationsUseTheApisPaths) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), kToken, milliseconds(2000));
  ASSERT_TRUE(source.faults(FaultQuery{true, "P0 A"}).ok());
  EXPECT_EQ(h.sovd().last_path, "/sovd/v1/components/crm-agent/faults?status=active&code=P0%20A");
  auto exec = source.startOperation("sync-now", json::object());
  ASSERT_TRUE(exec.ok()) << exec.error().message;
  EXPECT_EQ((*exec)["status"], "running");
  EXPECT_EQ(h.sovd().last_body, "{}");
}

TEST(HttpSource, TheReportPageComesFromTheHmiApi) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), kToken, milliseconds(2000));
  auto page = source.latestReportHtml();
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(*page, "<!doctype html><p>report</p>");
}

TEST(HttpSource, NobodyListeningMeansTheDaemonIsNotRunning) {
  // A port that was free a moment ago: bind, read it, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  HttpSource source(tcp(port), kToken, milliseconds(2000));
  auto data = source.data("status");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, CtlError::kUnreachable);
  EXPECT_EQ(data.error().message, "cannot reach crm-agent at 127.0.0.1:" + std::to_string(port) +
                                      ": connection refused — is the daemon running?");
}

TEST(HttpSource, ADaemonThatDoesNotAnswerInTimeIsGivenUpOn) {
  Harness h(tcpOptions(), true);
  HttpSource source(tcp(h.port()), kToken, milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  auto data = source.data("slow");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, CtlError::kUnreachable);
  EXPECT_NE(data.error().message.find("did not answer within 0.2 s"), std::string::npos)
      << data.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(550));
}

}  // namespace
}  // namespace crm::ctl
