#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <cctype>
#include <cstring>

#include "crm/localapi/hmi_routes.h"

namespace crm::localapi::testing {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

nlohmann::json samplePrompts() {
  return {{"language", "en"},
          {"prompts",
           {{{"id", 7},
             {"rule", "tyres.slow_leak"},
             {"subject", "front_left"},
             {"severity", "critical"},
             {"title", {{"en", "Front left tyre losing air"}, {"zh-CN", "左前轮胎气压持续下降"}}},
             {"message",
              {{"en", "It lost 40 kPa in 5 days. Book a check."},
               {"zh-CN", "5 天内下降 40 kPa，请预约检查。"}}},
             {"booking", true},
             {"delivered_ts", 1767225600000},
             {"expires_ts", 1767830400000},
             {"actions", {"accept", "snooze", "dismiss"}}},
            {{"id", 9},
             {"rule", "battery.dc_fast_share"},
             {"subject", ""},
             {"severity", "advisory"},
             {"title", {{"en", "Mostly fast charging"}, {"zh-CN", "快充占比偏高"}}},
             {"message",
              {{"en",
                "72 % of energy came from DC. Slow charging at home keeps the battery "
                "healthier."},
               {"zh-CN", "72 % 电量来自快充。在家慢充更有利于动力电池健康。"}}},
             {"booking", false},
             {"delivered_ts", 1767225600000},
             {"expires_ts", 0},
             {"actions", {"accept", "snooze", "dismiss"}}}}}};
}

Options testOptions() {
  Options o;
  o.port = 0;
  o.read_timeout_ms = 2000;
  o.idle_timeout_ms = 2000;
  o.write_timeout_ms = 2000;
  return o;
}

ServerHarness::ServerHarness(Options options)
    : options_(std::move(options)), work_(io_.get_executor()) {
  std::vector<Mount> mounts;
  mounts.push_back(hmiMount(backend_));
  auto created = Server::create(io_, options_, std::move(mounts));
  if (!created) {
    ADD_FAILURE() << "server: " << created.error().message;
  } else {
    server_ = std::move(created).value();
    port_ = server_->port();
  }
  thread_ = std::thread([this] { io_.run(); });
}

ServerHarness::~ServerHarness() {
  if (server_) onLoop([this] { server_.reset(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

ServerStats ServerHarness::waitFor(const std::function<bool(const ServerStats&)>& pred,
                                   milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  ServerStats s = stats();
  while (!pred(s) && Clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(10));
    s = stats();
  }
  return s;
}

Client::Client(int port, int rcvbuf) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
}

Client::Client(const std::string& unix_path) {
  fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, unix_path.c_str(), sizeof a.sun_path - 1);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
}

Client::~Client() {
  close();
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool Client::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return fd_ >= 0;
}

bool Client::fill(Clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[8192];
  const auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  pending_.append(buf, static_cast<std::size_t>(n));
  return true;
}

HttpResponse Client::read(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  HttpResponse r;
  std::size_t head_end;
  while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return r;
  }
  const std::string head = pending_.substr(0, head_end);
  pending_.erase(0, head_end + 4);
  r.status = std::atoi(head.substr(9, 3).c_str());
  std::size_t at = head.find("\r\n");
  while (at != std::string::npos) {
    const auto next = head.find("\r\n", at + 2);
    const auto line = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    at = next;
  }
  if (r.headers.count("content-length")) {
    const auto length = std::stoul(r.headers["content-length"]);
    while (pending_.size() < length) {
      if (!fill(deadline)) break;
    }
    r.body = pending_.substr(0, length);
    pending_.erase(0, std::min(length, pending_.size()));
  } else {
    while (fill(deadline)) {
    }
    r.body = std::move(pending_);
    pending_.clear();
  }
  return r;
}

std::string Client::readUntil(const std::string& text, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (pending_.find(text) == std::string::npos) {
    if (!fill(deadline)) break;
  }
  return pending_;
}

bool Client::closedWithin(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string rawRequest(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& extra_headers, bool keep_alive) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  r += extra_headers;
  if (!body.empty() || method == "POST") {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!keep_alive) r += "Connection: close\r\n";
  return r + "\r\n" + body;
}

HttpResponse request(int port, const std::string& method, const std::string& target,
                     const std::string& body, const std::string& content_type) {
  Client c(port);
  const std::string headers =
      content_type.empty() || method != "POST" ? "" : "Content-Type: " + content_type + "\r\n";
  c.send(rawRequest(method, target, body, headers));
  return c.read();
}

}  // namespace crm::localapi::testing
