// Bytes on the wire per simulated day of a private car, over plain TCP and
// over TLS with client certificates (the shipped fleet set-up), as a
// cellular plan would count them above IP.
//
//   build/bench/tests/bench/bench_wire [--days N]
//
// The real crm-agent runs the simulated private car for N days (default 7)
// with --until-source-ends, through a FaultProxy (forwarding only) that
// counts the bytes each way, to a real mosquitto; a backend subscriber on
// the broker sums the envelopes it receives: that sum is the baseline, the
// payload alone. Overhead = wire bytes / payload bytes (1.0: nothing but the
// envelopes went over the wire).
//
// Keep-alive traffic depends on wall time, not on the car's days, so it is
// measured apart: an idle connection (keepalive_s 5) is watched for a few
// intervals and each PINGREQ/PINGRESP exchange's bytes are counted, TLS
// records included; the figure per day is then computed for the default
// keepalive_s.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "../integration/process.h"
#include "crm/sync/options.h"
#include "crm/testing/broker.h"
#include "crm/testing/fault_proxy.h"
#include "crm/testing/temp_dir.h"

namespace {

using crm::testing::Broker;
using crm::testing::FaultProxy;
using crm::testing::TempDir;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr char kVin[] = "LRW3E7EK5NC000007";
constexpr int kIdleKeepaliveS = 5;  // the smallest the agent accepts

// A CA, the broker's certificate for 127.0.0.1, the car's (CN = its VIN, as
// config/mosquitto-acl expects) and the backend's, made with openssl.
class Pki {
 public:
  Pki() {
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);  // mosquitto's user
    ok_ = sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout ca.key -out ca.crt "
             "-subj /CN=bench-ca") &&
          leaf("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost") &&
          leaf("car", kVin, "") && leaf("backend", "crm-backend", "");
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      std::filesystem::permissions(e.path(), std::filesystem::perms::owner_read |
                                                 std::filesystem::perms::owner_write |
                                                 std::filesystem::perms::others_read);
    }
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  crm::testing::BrokerSetup brokerSetup() const {
    return {"cafile " + file("ca.crt") + "\ncertfile " + file("server.crt") + "\nkeyfile " +
                file("server.key") +
                "\nrequire_certificate true\nuse_identity_as_username true\nacl_file " +
                std::string(CRM_SOURCE_DIR) + "/config/mosquitto-acl\n",
            true, false};
  }
  json agentTls() const {
    return {
        {"ca_file", file("ca.crt")}, {"cert_file", file("car.crt")}, {"key_file", file("car.key")}};
  }
  mqtt::ssl_options backend() const {
    return mqtt::ssl_options_builder()
        .trust_store(file("ca.crt"))
        .key_store(file("backend.crt"))
        .private_key(file("backend.key"))
        .finalize();
  }

 private:
  // Before any thread of this program starts (Pki is made first in main).
  bool sh(const std::string& cmd) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): no other thread runs yet
    return std::system(("cd '" + dir_.path() + "' && " + cmd + " >/dev/null 2>&1").c_str()) == 0;
  }
  bool leaf(const std::string& n, const std::string& cn, const std::string& ext) {
    if (!ext.empty()) crm::testing::writeFile(dir_.file(n + ".ext"), ext + "\n");
    return sh("openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n +
              ".csr -subj /CN=" + cn) &&
           sh("openssl x509 -req -days 2 -in " + n + ".csr -CA ca.crt -CAkey ca.key " +
              "-CAcreateserial -out " + n + ".crt" +
              (ext.empty() ? "" : " -extfile " + n + ".ext"));
  }
  TempDir dir_;
  bool ok_ = false;
};

struct Link {
  bool tls = false;
  const Pki* pki = nullptr;
};

std::unique_ptr<crm::testing::Collector> backendOn(const Broker& broker, const Link& link) {
  const std::string filter = "crm/v1/vehicles/" + std::string(kVin) + "/#";
  if (!link.tls) return std::make_unique<crm::testing::Collector>(broker.uri(), filter);
  return std::make_unique<crm::testing::Collector>(broker.uri(), filter, link.pki->backend());
}

json agentConfig(const TempDir& dir, const FaultProxy& proxy, const Link& link, double days,
                 double acceleration, int keepalive_s) {
  json mqtt = {{"broker", (link.tls ? "ssl://127.0.0.1:" : "tcp://127.0.0.1:") +
                              std::to_string(proxy.port())},
               {"keepalive_s", keepalive_s}};
  if (link.tls) mqtt["tls"] = link.pki->agentTls();
  return {{"vehicle", {{"vin", kVin}, {"utc_offset_minutes", 480}}},
          {"source",
           {{"kind", "simulator"},
            {"acceleration", acceleration},
            {"simulator", {{"seed", 7}, {"profile", "private"}, {"days", days}}}}},
          {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}}},
          {"mqtt", mqtt},
          {"local_api", {{"enabled", false}}},
          {"log", {{"level", "warn"}}}};
}

struct Stream {
  std::uint64_t up = 0, down = 0;  // car -> broker, broker -> car
  std::size_t messages = 0;
  std::uint64_t payload = 0;  // the envelopes' bytes
};

// N simulated days, streamed in about ten seconds of wall time (so that
// keep-alive traffic is next to nothing here).
std::optional<Stream> streamDays(const Broker& broker, const Link& link, int days) {
  TempDir dir;
  FaultProxy proxy(broker.port());
  auto backend = backendOn(broker, link);
  crm::testing::writeFile(
      dir.file("agent.json"),
      agentConfig(dir, proxy, link, days, 86400.0 * days / 10, crm::sync::MqttOptions{}.keepalive_s)
          .dump(2));
  const auto e = crm::testing::run(
      crm::testing::agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
      dir.path(), seconds(300));
  if (e.code != 0) {
    std::fprintf(stderr, "bench_wire: the agent failed: %s\n", e.err.c_str());
    return std::nullopt;
  }
  // The last message is the car's "offline" status.
  const bool all = backend->waitFor(
      [](const auto& got) {
        return !got.empty() && got.back().payload.find("\"offline\"") != std::string::npos;
      },
      seconds(10));
  if (!all) std::fprintf(stderr, "bench_wire: the offline status never arrived\n");
  Stream s{proxy.bytesToTarget(), proxy.bytesToClient(), 0, 0};
  for (const auto& m : backend->messages()) {
    ++s.messages;
    s.payload += m.payload.size();
  }
  return s;
}

struct Idle {
  std::uint64_t connect = 0;  // both ways, until the connection went quiet
  double per_exchange = 0;    // one PINGREQ + PINGRESP, both ways
  int exchanges = 0;
};

// An agent with next to nothing to send: the bytes of connecting, then
// those of each keep-alive exchange over four intervals.
Idle idleLink(const Broker& broker, const Link& link) {
  TempDir dir;
  FaultProxy proxy(broker.port());
  crm::testing::writeFile(dir.file("agent.json"),
                          agentConfig(dir, proxy, link, 0.01, 1000, kIdleKeepaliveS).dump(2));
  crm::testing::Process agent(crm::testing::agentCommand({"--config", dir.file("agent.json")}),
                              dir.path());
  auto total = [&] { return proxy.bytesToTarget() + proxy.bytesToClient(); };
  // Quiet: nothing for a second and a half (well within one interval).
  std::uint64_t last = 0;
  auto quiet_since = std::chrono::steady_clock::now();
  const auto give_up = quiet_since + seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(50));
    if (total() != last || last == 0) {
      last = total();
      quiet_since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - quiet_since > milliseconds(1500)) {
      break;
    }
  }
  Idle idle;
  idle.connect = last;
  auto up = proxy.bytesToTarget();
  const auto end = std::chrono::steady_clock::now() + seconds(4 * kIdleKeepaliveS + 1);
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(20));
    if (proxy.bytesToTarget() != up) {  // a PINGREQ went out
      up = proxy.bytesToTarget();
      ++idle.exchanges;
    }
  }
  std::this_thread::sleep_for(milliseconds(500));  // the last PINGRESP
  if (idle.exchanges > 0) {
    idle.per_exchange = static_cast<double>(total() - idle.connect) / idle.exchanges;
  }
  agent.signal(SIGTERM);
  (void)agent.wait(seconds(15));
  return idle;
}

}  // namespace

int main(int argc, char** argv) {
  int days = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--days")
      days = static_cast<int>(std::strtol(argv[i + 1], nullptr, 10));
  }
  if (crm::testing::mosquittoPath().empty() ||
      // NOLINTNEXTLINE(concurrency-mt-unsafe): no other thread runs yet
      std::system("openssl version >/dev/null 2>&1") != 0 || days < 1) {
    std::fprintf(stderr, "bench_wire: needs mosquitto and openssl, and --days >= 1\n");
    return 1;
  }
  Pki pki;
  if (!pki.ok()) {
    std::fprintf(stderr, "bench_wire: openssl could not make the certificates\n");
    return 1;
  }
  const Link plain{false, &pki}, tls{true, &pki};
  Broker plain_broker;
  Broker tls_broker(pki.brokerSetup());
  if (!plain_broker.start() || !tls_broker.start()) {
    std::fprintf(stderr, "bench_wire: mosquitto did not start\n");
    return 1;
  }
  const auto plain_stream = streamDays(plain_broker, plain, days);
  const auto tls_stream = streamDays(tls_broker, tls, days);
  if (!plain_stream || !tls_stream) return 1;
  const Stream s[2] = {*plain_stream, *tls_stream};
  const Idle k[2] = {idleLink(plain_broker, plain), idleLink(tls_broker, tls)};

  const int keepalive_s = crm::sync::MqttOptions{}.keepalive_s;
  std::printf(
      "bench_wire: a private car (simulator seed 7), %d simulated days, QoS 1, MQTT "
      "3.1.1, one connection\n\n",
      days);
  std::printf("%-46s %14s %14s\n", "", "plain TCP", "TLS");
  std::printf("%-46s %14zu %14zu\n", "messages received by the backend", s[0].messages,
              s[1].messages);
  std::printf("%-46s %14llu %14llu\n", "payload bytes (sum of envelopes)",
              static_cast<unsigned long long>(s[0].payload),
              static_cast<unsigned long long>(s[1].payload));
  std::printf("%-46s %14llu %14llu\n", "wire bytes car -> broker",
              static_cast<unsigned long long>(s[0].up), static_cast<unsigned long long>(s[1].up));
  std::printf("%-46s %14llu %14llu\n", "wire bytes broker -> car",
              static_cast<unsigned long long>(s[0].down),
              static_cast<unsigned long long>(s[1].down));
  for (int i = 0; i < 2; ++i) {
    if (s[i].payload == 0) {
      std::fprintf(stderr, "bench_wire: no payload received\n");
      return 1;
    }
  }
  auto perDay = [&](const Stream& x) { return static_cast<double>(x.up + x.down) / days; };
  auto ratio = [](const Stream& x) {
    return static_cast<double>(x.up + x.down) / static_cast<double>(x.payload);
  };
  std::printf("%-46s %14.0f %14.0f\n", "wire bytes per simulated day (both ways)", perDay(s[0]),
              perDay(s[1]));
  std::printf("%-46s %14.2f %14.2f\n", "overhead (wire bytes / payload bytes)", ratio(s[0]),
              ratio(s[1]));
  std::printf("%-46s %14llu %14llu\n", "one connection (handshake, CONNECT, SUBSCRIBE,",
              static_cast<unsigned long long>(k[0].connect),
              static_cast<unsigned long long>(k[1].connect));
  std::printf("%-46s\n", "  online status), both ways");
  std::printf("%-46s %14.1f %14.1f\n", "one keep-alive exchange (PINGREQ + PINGRESP)",
              k[0].per_exchange, k[1].per_exchange);
  std::printf("%-46s %14d %14d\n", "  exchanges measured", k[0].exchanges, k[1].exchanges);
  const double per_day_online = 86400.0 / keepalive_s;
  std::printf(
      "%-46s %14.0f %14.0f\n",
      ("keep-alive per day online (keepalive_s " + std::to_string(keepalive_s) + ")").c_str(),
      per_day_online * k[0].per_exchange, per_day_online * k[1].per_exchange);
  std::printf(
      "\nNot included above: keep-alive traffic (wall time: add the last line per day the car "
      "is\nonline and idle); TCP/IP headers and ACKs (about 40 to 60 bytes per segment, below "
      "what a\nproxy sees); each further connection (a car reconnects after every sleep or lost "
      "link:\nadd one connection's bytes each time); QoS 1 resends after a lost link; DNS.\n"
      "The wire figures include this run's one connection and its offline status.\n");
  return 0;
}
