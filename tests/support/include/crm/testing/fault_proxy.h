// A TCP proxy for tests: it listens on a free loopback port, forwards each
// connection to a target port on 127.0.0.1, counts the bytes it forwards,
// and can be told at any moment to break the link the way a car's cellular
// link breaks (a reset, a stall, a half-open connection, nothing listening).
//
// Threading: the proxy runs its own thread (poll over plain sockets); every
// public call may be made from any thread and returns once the proxy's
// thread has carried it out.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crm::testing {

class FaultProxy {
 public:
  // Listens on 127.0.0.1 (a port the kernel picks) and forwards to
  // 127.0.0.1:`target_port`. When the target refuses, the client's
  // connection is reset: the client sees what it would see without a proxy.
  explicit FaultProxy(int target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  // Resets every open connection, both sides (SO_LINGER 0, then close: an
  // RST, as when a NAT or a base station forgets the flow). New
  // connections are accepted as before.
  void dropAll();
  // Stops forwarding in both directions, on open connections and on those
  // accepted from now on; the sockets stay open (a link that went silent).
  // resume() forwards again what was held back.
  void stall();
  // Every open connection becomes a black hole: what the client sends is
  // read and discarded, nothing ever goes back to it, and its socket stays
  // open until the client closes it. The target's side is read and
  // discarded too (the target gives up through its own keep-alive). New
  // connections are forwarded normally: only the old path is dead, as when a
  // NAT mapping expired without telling either end.
  void halfOpen();
  // Stops listening: a new connection is refused (RST to its SYN) until
  // resume(). Open connections are left as they are.
  void refuse();
  // Forwards normally again (listens again, ends a stall). Black-holed
  // connections stay so: bytes were lost, their stream cannot be repaired.
  void resume();

  // Bytes forwarded so far toward the target (client -> target) and toward
  // the client (target -> client). Discarded bytes are not counted.
  std::uint64_t bytesToTarget() const { return to_target_; }
  std::uint64_t bytesToClient() const { return to_client_; }
  // Connections accepted so far.
  int accepted() const { return accepted_; }
  // Why listening again failed after refuse(), or empty.
  std::string error() const;

 private:
  struct Pipe;
  struct Connection;
  void loop();
  void call(std::function<void()> f);  // runs f on the proxy's thread, waits
  bool listen();
  void accept();
  void service(Connection& c, short client_events, short target_events);

  const int target_port_;
  int port_ = 0;
  int listener_ = -1;
  int wake_ = -1;  // eventfd: a call is waiting, or the proxy must stop
  bool stalled_ = false;
  bool stop_ = false;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::atomic<std::uint64_t> to_target_{0}, to_client_{0};
  std::atomic<int> accepted_{0};

  mutable std::mutex mu_;  // guards calls_ and error_
  std::vector<std::function<void()>> calls_;
  std::string error_;
  std::thread thread_;
};

}  // namespace crm::testing
