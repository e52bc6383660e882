// A real server on an ephemeral loopback port (or a Unix socket), its loop
// on a thread of its own, and a blocking raw-socket HTTP client to talk to
// it: requests go over the wire byte for byte as a test writes them.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "crm/localapi/server.h"
#include "fake_backend.h"

namespace crm::localapi::testing {

// Options for tests: short timeouts where a test waits for one.
Options testOptions();

class ServerHarness {
 public:
  // Starts the server with the HMI routes over `backend`; fails the test
  // (ADD_FAILURE) when it cannot listen.
  explicit ServerHarness(Options options = testOptions());
  ~ServerHarness();

  // Runs `fn` on the loop's thread and waits for it.
  template <class F>
  auto onLoop(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  ServerStats stats() {
    return onLoop([this] { return server_->stats(); });
  }
  bool publish(std::string event, std::string data) {
    return onLoop([&] { return server_->publish(event, data); });
  }
  // Polls stats() until `pred` holds or `timeout` passes; the last stats.
  ServerStats waitFor(const std::function<bool(const ServerStats&)>& pred,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  int port() const { return port_; }
  const Options& options() const { return options_; }
  FakeBackend& backend() { return backend_; }

 private:
  Options options_;
  FakeBackend backend_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

struct HttpResponse {
  int status = 0;                              // 0: no response (closed or timed out)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking client socket with a receive timeout.
class Client {
 public:
  // Connects to 127.0.0.1:port, or to a Unix socket path.
  explicit Client(int port, int rcvbuf = 0);
  explicit Client(const std::string& unix_path);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Reads one response (Content-Length bodies; without one, to the close).
  HttpResponse read(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Reads until `text` has arrived; everything read so far.
  std::string readUntil(const std::string& text,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool closedWithin(std::chrono::milliseconds timeout);
  void close();

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on EOF/error/timeout
  int fd_ = -1;
  std::string pending_;
  bool eof_ = false;
};

// One request on a fresh connection.
HttpResponse request(int port, const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::string& content_type = "application/json");
std::string rawRequest(const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& extra_headers = "",
                       bool keep_alive = false);

}  // namespace crm::localapi::testing
