#include "crm/testing/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <stdexcept>
#include <system_error>

namespace crm::testing {
namespace {

// Closes with an RST instead of a FIN: the peer gets ECONNRESET, as when a
// middlebox forgets the flow.
void reset(int& fd) {
  if (fd < 0) return;
  const linger abort{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  close(fd);
  fd = -1;
}

void closeFd(int& fd) {
  if (fd < 0) return;
  close(fd);
  fd = -1;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void noDelay(int fd) {
  const int one = 1;
  // MQTT packets are small: Nagle would hold them back behind an ACK.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

constexpr short kReadable = POLLIN | POLLHUP | POLLERR;
constexpr std::size_t kChunk = std::size_t{16} * 1024;

}  // namespace

// One direction of a connection: what was read from one side and is not yet
// written to the other. Reading waits until the buffer is empty, so a slow
// reader holds the writer back through TCP instead of through our memory.
struct FaultProxy::Pipe {
  std::string pending;
  std::atomic<std::uint64_t>* counter;
};

struct FaultProxy::Connection {
  int client = -1, target = -1;
  Pipe up, down;  // client -> target, target -> client
  bool black_hole = false;
};

namespace {

enum class Flow { kOk, kEnd, kError };

// Moves bytes from `from` to `to` through `pipe`'s buffer, as far as the
// poll results allow.
template <class Pipe>
Flow pump(int from, short from_events, int to, short to_events, Pipe& pipe) {
  if (pipe.pending.empty() && (from_events & kReadable)) {
    char buf[kChunk];
    const ssize_t n = recv(from, buf, sizeof buf, 0);
    if (n == 0) return Flow::kEnd;
    if (n < 0) return errno == EAGAIN || errno == EINTR ? Flow::kOk : Flow::kError;
    pipe.pending.assign(buf, static_cast<std::size_t>(n));
  }
  if (!pipe.pending.empty() && (to_events & (POLLOUT | POLLERR))) {
    const ssize_t n = send(to, pipe.pending.data(), pipe.pending.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? Flow::kOk : Flow::kError;
    pipe.pending.erase(0, static_cast<std::size_t>(n));
    *pipe.counter += static_cast<std::uint64_t>(n);
  }
  return Flow::kOk;
}

// Reads and forgets; false once the peer has closed or failed.
bool discard(int fd) {
  char buf[kChunk];
  const ssize_t n = recv(fd, buf, sizeof buf, 0);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

}  // namespace

FaultProxy::FaultProxy(int target_port) : target_port_(target_port) {
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0 || !listen()) {
    throw std::runtime_error(std::string("fault proxy: cannot listen on 127.0.0.1: ") +
                             std::generic_category().message(errno));
  }
  thread_ = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
  call([this] { stop_ = true; });
  thread_.join();
  for (auto& c : connections_) {
    closeFd(c->client);
    closeFd(c->target);
  }
  closeFd(listener_);
  closeFd(wake_);
}

void FaultProxy::dropAll() {
  call([this] {
    for (auto& c : connections_) {
      reset(c->client);
      reset(c->target);
    }
  });
}

void FaultProxy::stall() {
  call([this] { stalled_ = true; });
}

void FaultProxy::halfOpen() {
  call([this] {
    for (auto& c : connections_) {
      c->black_hole = true;
      c->up.pending.clear();
      c->down.pending.clear();
    }
  });
}

void FaultProxy::refuse() {
  call([this] { closeFd(listener_); });
}

void FaultProxy::resume() {
  call([this] {
    stalled_ = false;
    if (listener_ >= 0) return;
    // The port was ours a moment ago; another socket taking it in between
    // is unlikely on loopback, and said so through error() if it happens.
    for (int i = 0; i < 20 && !listen(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (listener_ < 0) {
      std::lock_guard lock(mu_);
      error_ = "cannot listen again on port " + std::to_string(port_) + ": " +
               std::generic_category().message(errno);
    }
  });
}

std::string FaultProxy::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void FaultProxy::call(std::function<void()> f) {
  std::promise<void> done;
  auto future = done.get_future();
  {
    std::lock_guard lock(mu_);
    calls_.push_back([&f, &done] {
      f();
      done.set_value();
    });
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wake_, &one, sizeof one);
  future.wait();
}

bool FaultProxy::listen() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto addr = loopback(port_);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int saved = errno;
    close(fd);
    errno = saved;
    return false;
  }
  port_ = ntohs(addr.sin_port);
  listener_ = fd;
  return true;
}

void FaultProxy::accept() {
  const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  ++accepted_;
  int target = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const auto addr = loopback(target_port_);
  // A blocking connect: on loopback it is answered at once.
  if (target < 0 || connect(target, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int c = client;
    reset(c);
    closeFd(target);
    return;
  }
  for (int fd : {client, target}) {
    noDelay(fd);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  auto c = std::make_unique<Connection>();
  c->client = client;
  c->target = target;
  c->up.counter = &to_target_;
  c->down.counter = &to_client_;
  connections_.push_back(std::move(c));
}

void FaultProxy::service(Connection& c, short client_events, short target_events) {
  if (c.black_hole) {
    if ((client_events & kReadable) && !discard(c.client)) {
      closeFd(c.client);
      closeFd(c.target);
    }
    if (c.target >= 0 && (target_events & kReadable) && !discard(c.target)) closeFd(c.target);
    return;
  }
  const Flow up = pump(c.client, client_events, c.target, target_events, c.up);
  const Flow down = pump(c.target, target_events, c.client, client_events, c.down);
  if (up == Flow::kError || down == Flow::kError) {
    // One side failed abruptly: the other side learns it the same way.
    reset(c.client);
    reset(c.target);
  } else if (up == Flow::kEnd || down == Flow::kEnd) {
    closeFd(c.client);
    closeFd(c.target);
  }
}

void FaultProxy::loop() {
  std::vector<pollfd> fds;
  while (!stop_) {
    std::erase_if(connections_, [](const auto& c) { return c->client < 0; });
    fds.clear();
    fds.push_back({wake_, POLLIN, 0});
    // While stalled, a new connection waits in the backlog (the client sees
    // its TCP handshake done and nothing more), as on a silent link.
    fds.push_back({stalled_ ? -1 : listener_, POLLIN, 0});
    for (const auto& c : connections_) {
      short client = 0, target = 0;
      if (c->black_hole) {
        client = target = POLLIN;
      } else if (!stalled_) {
        client = static_cast<short>((c->up.pending.empty() ? POLLIN : 0) |
                                    (c->down.pending.empty() ? 0 : POLLOUT));
        target = static_cast<short>((c->down.pending.empty() ? POLLIN : 0) |
                                    (c->up.pending.empty() ? 0 : POLLOUT));
      }
      // A negative fd is skipped by poll: a stalled connection is not looked at.
      fds.push_back({client ? c->client : -1, client, 0});
      fds.push_back({target ? c->target : -1, target, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) {
      std::uint64_t n;
      [[maybe_unused]] const auto r = read(wake_, &n, sizeof n);
      std::vector<std::function<void()>> calls;
      {
        std::lock_guard lock(mu_);
        calls.swap(calls_);
      }
      for (auto& f : calls) f();
      continue;  // the calls may have closed what fds names: poll again
    }
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      service(*connections_[i], fds[2 + 2 * i].revents, fds[3 + 2 * i].revents);
    }
    if (listener_ >= 0 && (fds[1].revents & POLLIN)) accept();
  }
}

}  // namespace crm::testing
