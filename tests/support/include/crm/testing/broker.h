// A real broker for integration tests (mosquitto, or RabbitMQ with its MQTT
// plugin), on a free loopback port, with a config of its own in a temp
// folder. Tests are skipped (not passed) when mosquitto is not installed.
#pragma once

#include <sys/types.h>

#include <mqtt/async_client.h>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "crm/testing/temp_dir.h"

namespace crm::testing {

// Path of the mosquitto binary, or empty when it is not installed.
std::string mosquittoPath();
// A TCP port on 127.0.0.1 that nothing listens on right now.
int freePort();

// Which broker a plain Broker starts: mosquitto, or RabbitMQ's MQTT plugin
// when the environment says CRM_TEST_BROKER=rabbitmq (ctest runs the MQTT
// suites once with each). A set-up broker (TLS, ACLs) is always mosquitto:
// those configurations are mosquitto's.
enum class BrokerKind { kMosquitto, kRabbitmq };
BrokerKind testBrokerKind();
// RabbitMQ 3.10's MQTT plugin speaks 3.1.1 only, has no shared
// subscriptions, and sends a retained message only to a subscription to
// its exact topic (not through a wildcard): tests of those skip there.
inline bool testBrokerIsRabbitmq() {
  return testBrokerKind() == BrokerKind::kRabbitmq;
}

// A broker set up beyond the default (one plain listener, anonymous).
struct BrokerSetup {
  // mosquitto.conf lines placed right after the listener line, so that
  // listener settings (cafile, certfile, keyfile, require_certificate,
  // use_identity_as_username, acl_file, password_file) apply to it.
  std::string config;
  bool tls = false;       // the listener speaks TLS: uri() says ssl://
  bool anonymous = true;  // allow_anonymous
};

class Broker {
 public:
  explicit Broker(int port = 0);  // 0: a free port
  explicit Broker(const BrokerSetup& setup, int port = 0);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Starts the broker and waits until it accepts connections. Returns false
  // if it did not come up in time (5 s for mosquitto, 90 s for RabbitMQ,
  // whose Erlang node takes seconds to boot).
  bool start();
  void stop();  // SIGTERM and wait
  int port() const { return port_; }
  std::string uri() const {
    return (tls_ ? "ssl://127.0.0.1:" : "tcp://127.0.0.1:") + std::to_string(port_);
  }

 private:
  TempDir dir_;
  int port_;
  bool tls_ = false;
  BrokerKind kind_ = BrokerKind::kMosquitto;
  pid_t pid_ = -1;
};

struct Received {
  std::string topic;
  std::string payload;
  bool retained;
};

// Subscribes (QoS 1) to a topic filter and records every message.
// Threading: messages arrive on Paho's thread; accessors lock.
class Collector {
 public:
  Collector(const std::string& uri, const std::string& filter);
  // Over TLS, with `ssl` (trust store, client certificate) for a broker
  // that requires them.
  Collector(const std::string& uri, const std::string& filter, const mqtt::ssl_options& ssl);
  ~Collector();
  bool connected() const;
  std::vector<Received> messages() const;
  // Waits until `pred(messages)` holds or the timeout passes; returns pred's last value.
  template <class Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(messages())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred(messages());
  }

 private:
  mqtt::async_client client_;
  mutable std::mutex mu_;  // guards received_
  std::vector<Received> received_;
};

}  // namespace crm::testing
