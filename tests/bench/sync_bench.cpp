// Draining a backlog to the broker: the agent's publisher against a bare
// Paho C++ client, both at QoS 1 with the same window of unacknowledged
// messages, to the same local mosquitto, in the same run.
//
//   build/bench/tests/bench/bench_sync [--messages N] [--window W]
//
// 1. Baseline: an async_client publishes N ready-made envelopes (the same
//    bytes the agent sends) and waits for the oldest PUBACK whenever W are
//    outstanding. Nothing is stored or deleted: the cost of the wire alone.
// 2. The agent: N messages committed to a real outbox (SQLite, WAL), then a
//    Publisher drains them with max_inflight W: read in seq order, envelope
//    built, published, each PUBACK deleting its row, commits every 20 ms as
//    the daemon's commit tick does. Timed from start() to an empty outbox.
// Ratio = baseline time / agent time (1.0: as fast as bare Paho).
#include <mqtt/async_client.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "crm/os/clock.h"
#include "crm/sync/envelope.h"
#include "crm/sync/publisher.h"
#include "crm/testing/broker.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kVin[] = "LRW3E7EK5NC000001";
constexpr std::int64_t kT0 = 1767225600000;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A daily telemetry body of the usual size (about 400 bytes).
std::string body(int i) {
  return "{\"day\":\"2026-01-01\",\"distance_km\":" + std::to_string(30 + i % 50) +
         ".4,\"energy_kwh\":6.1,\"soc\":{\"min\":41.0,\"max\":80.0},\"charging\":{\"sessions\":1,"
         "\"energy_kwh\":7.4,\"dc_sessions\":0},\"soh\":{\"value\":97.1,\"source\":\"bms\"},"
         "\"trips\":3,\"driving_minutes\":64,\"efficiency_kwh_per_100km\":15.2,"
         "\"data_quality\":{\"accepted\":86211,\"rejected\":0},\"outbox\":{\"dropped\":0},"
         "\"agent\":{\"version\":\"0.1.0\",\"uptime_s\":86400},\"n\":" +
         std::to_string(i) + "}";
}

double bareSeconds(const std::string& uri, const std::vector<std::string>& payloads,
                   const std::string& topic, int window) {
  mqtt::async_client client(uri, "bench-bare");
  auto opts = mqtt::connect_options_builder().clean_session(true).max_inflight(window).finalize();
  client.connect(opts)->wait();
  std::deque<mqtt::delivery_token_ptr> outstanding;
  const auto start = Clock::now();
  for (const auto& p : payloads) {
    if (static_cast<int>(outstanding.size()) >= window) {
      outstanding.front()->wait();
      outstanding.pop_front();
    }
    outstanding.push_back(client.publish(topic, p.data(), p.size(), 1, false));
  }
  for (auto& t : outstanding) t->wait();
  const double s = since(start);
  client.disconnect()->wait();
  return s;
}

double agentSeconds(const std::string& uri, crm::store::Store& store, int window) {
  boost::asio::io_context io;
  crm::os::SystemClock clock;
  crm::sync::MqttOptions cfg;
  cfg.broker = uri;
  cfg.client_id = "bench-agent";
  cfg.max_inflight = window;
  crm::sync::Publisher pub(io, store, clock, cfg, kVin);
  boost::asio::steady_timer tick(io);
  bool empty = false;
  std::function<void()> poll = [&] {
    (void)store.commit();
    auto left = store.pendingOutbox(0, 1);
    if (left && left->empty()) {
      empty = true;
      io.stop();
      return;
    }
    tick.expires_after(std::chrono::milliseconds(20));
    tick.async_wait([&](auto) { poll(); });
  };
  const auto start = Clock::now();
  pub.start();
  poll();
  io.run();
  const double s = since(start);
  if (!empty) std::fprintf(stderr, "bench_sync: the outbox did not drain\n");
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100000, window = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--messages" && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (a == "--window" && i + 1 < argc) {
      window = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench_sync [--messages N] [--window W]\n");
      return 2;
    }
  }
  if (crm::testing::mosquittoPath().empty()) {
    std::fprintf(stderr, "bench_sync: mosquitto is not installed\n");
    return 1;
  }
  crm::testing::Broker broker;
  if (!broker.start()) {
    std::fprintf(stderr, "bench_sync: mosquitto did not start\n");
    return 1;
  }
  crm::testing::TempDir dir;
  auto store = crm::testing::openTestStore(dir.file("cache.db"));
  if (!store) return 1;
  // The backlog, and the same envelopes for the baseline.
  std::vector<std::string> payloads;
  payloads.reserve(static_cast<std::size_t>(n));
  const auto fill = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto m = store->enqueue(crm::wire::Kind::kTelemetryDaily, kVin, kT0 + i, body(i));
    if (!m) {
      std::fprintf(stderr, "bench_sync: enqueue: %s\n", m.error().message.c_str());
      return 1;
    }
    payloads.push_back(crm::sync::envelope(*m));
    if (i % 10000 == 9999 && !store->commit()) return 1;
  }
  if (!store->commit()) return 1;
  std::printf("backlog: %d messages of ~%zu bytes committed in %.2f s\n", n, payloads[0].size(),
              since(fill));
  const std::string topic = crm::sync::topicFor("crm/v1/vehicles", kVin, "telemetry/daily");

  const double bare = bareSeconds(broker.uri(), payloads, topic, window);
  const double agent = agentSeconds(broker.uri(), *store, window);
  std::printf("bare Paho C++ QoS 1, window %d: %.2f s (%.0f msg/s)\n", window, bare, n / bare);
  std::printf("agent publisher from the outbox:  %.2f s (%.0f msg/s)\n", agent, n / agent);
  std::printf("ratio (bare time / agent time): %.2f (target >= 0.7)\n", bare / agent);
  return 0;
}
