// The connection side against a real mosquitto: TLS with client
// certificates and the shipped per-vehicle ACL (config/mosquitto-acl), the
// agent's log naming why a connection is refused, a password file, and
// MQTT 5's user property and message expiry. Certificates are made at test
// time with the openssl command.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "crm/testing/broker.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kCarA[] = "LRW3E7EK5NC00000A";
constexpr char kCarB[] = "LRW3E7EK5NC00000B";
constexpr char kBackend[] = "crm-backend";  // the identity config/mosquitto-acl names

bool haveTools() {
  return !mosquittoPath().empty() && std::system("openssl version >/dev/null 2>&1") == 0;
}

// A CA, a second CA nobody trusts, the broker's certificate for
// 127.0.0.1/localhost, and client certificates whose CN is car A's VIN,
// car B's VIN and the backend's name.
class Pki {
 public:
  Pki() {
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);  // mosquitto's user
    ok_ = ca("ca") && ca("wrongca") &&
          leaf("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost") &&
          leaf("cara", kCarA, "") && leaf("carb", kCarB, "") && leaf("backend", kBackend, "");
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      std::filesystem::permissions(
          e.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                        std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    }
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  mqtt::ssl_options client(const std::string& who) const {
    return mqtt::ssl_options_builder()
        .trust_store(file("ca.crt"))
        .key_store(file(who + ".crt"))
        .private_key(file(who + ".key"))
        .finalize();
  }

 private:
  bool sh(const std::string& cmd) {
    return std::system(("cd '" + dir_.path() + "' && " + cmd + " >/dev/null 2>&1").c_str()) == 0;
  }
  bool ca(const std::string& n) {
    return sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout " + n + ".key -out " + n +
              ".crt -subj /CN=test-" + n);
  }
  bool leaf(const std::string& n, const std::string& cn, const std::string& ext) {
    if (!ext.empty()) writeFile(dir_.file(n + ".ext"), ext + "\n");
    return sh("openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n +
              ".csr -subj /CN=" + cn) &&
           sh("openssl x509 -req -days 2 -in " + n + ".csr -CA ca.crt -CAkey ca.key " +
              "-CAcreateserial -out " + n + ".crt" +
              (ext.empty() ? "" : " -extfile " + n + ".ext"));
  }
  TempDir dir_;
  bool ok_ = false;
};

// The shipped fleet set-up on a free port: TLS, client certificates
// required, identity as user name, the shipped ACL file.
BrokerSetup fleetSetup(const Pki& pki) {
  return {"cafile " + pki.file("ca.crt") + "\ncertfile " + pki.file("server.crt") + "\nkeyfile " +
              pki.file("server.key") +
              "\nrequire_certificate true\nuse_identity_as_username true\nacl_file " +
              std::string(CRM_SOURCE_DIR) + "/config/mosquitto-acl\n",
          true, false};
}

json agentConfig(const TempDir& dir, const std::string& vin, const std::string& broker, double days,
                 const json& mqtt_extra) {
  json mqtt = {{"broker", broker}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}};
  mqtt.update(mqtt_extra);
  return {{"vehicle", {{"vin", vin}, {"utc_offset_minutes", 0}}},
          {"source",
           {{"kind", "simulator"},
            {"acceleration", 86400.0 * 4},
            {"simulator", {{"seed", 11}, {"profile", "private"}, {"days", days}}}}},
          {"storage", {{"path", dir.file("cache.db")}, {"commit_interval_ms", 100}}},
          {"mqtt", mqtt},
          {"log", {{"level", "info"}}}};
}

// Everything the agents under `dir` wrote to stderr so far.
std::string logs(const TempDir& dir) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().extension() == ".err") all += readFile(e.path().string());
  }
  return all;
}

// Runs an endless agent until its log holds `text` (or 30 s), then stops it.
std::string logUntil(const TempDir& dir, const json& config, const std::string& text) {
  writeFile(dir.file("agent.json"), config.dump(2));
  Process agent(agentCommand({"--config", dir.file("agent.json")}), dir.path());
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (logs(dir).find(text) == std::string::npos && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  agent.signal(SIGTERM);
  (void)agent.wait(milliseconds(15000));
  return logs(dir);
}

std::vector<json> payloadsOn(const Collector& c, const std::string& vin, const std::string& kind) {
  std::vector<json> out;
  for (const auto& m : c.messages()) {
    if (m.topic == "crm/v1/vehicles/" + vin + "/" + kind) out.push_back(json::parse(m.payload));
  }
  return out;
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveTools()) GTEST_SKIP() << "mosquitto or openssl not installed";
    ASSERT_TRUE(pki_.ok()) << "openssl could not make the test certificates";
    ASSERT_TRUE(broker_.start());
  }
  json tls(const std::string& ca, const std::string& who) {
    json t = {{"ca_file", pki_.file(ca + ".crt")}};
    if (!who.empty()) {
      t["cert_file"] = pki_.file(who + ".crt");
      t["key_file"] = pki_.file(who + ".key");
    }
    return {{"tls", t}};
  }
  Pki pki_;
  Broker broker_{fleetSetup(pki_)};
  TempDir dir_;
};

TEST_F(Tls, CarAWithAValidCertificateReachesTheBackendWithWillSeqInOnline) {
  Collector backend(broker_.uri(), "crm/v1/vehicles/#", pki_.client("backend"));
  ASSERT_TRUE(backend.connected());
  writeFile(dir_.file("agent.json"),
            agentConfig(dir_, kCarA, broker_.uri(), 2, tls("ca", "cara")).dump(2));

  auto e = run(agentCommand({"--config", dir_.file("agent.json"), "--until-source-ends"}),
               dir_.path(), std::chrono::seconds(120));
  ASSERT_EQ(e.code, 0) << e.err;

  ASSERT_TRUE(backend.waitFor(
      [&](const auto&) { return !payloadsOn(backend, kCarA, "telemetry/daily").empty(); },
      milliseconds(10000)))
      << e.err;
  const auto status = payloadsOn(backend, kCarA, "status");
  ASSERT_FALSE(status.empty());
  const json& online = status.front();
  EXPECT_EQ(online["body"]["state"], "online");
  ASSERT_TRUE(online["body"]["will_seq"].is_number_integer()) << online.dump();
  // The will's seq is reserved before "online" takes its own.
  EXPECT_LT(online["body"]["will_seq"].get<std::int64_t>(), online["seq"].get<std::int64_t>());
  // A clean stop: the will was never published, so its seq stays a gap.
  for (const auto& s : status) EXPECT_NE(s["seq"], online["body"]["will_seq"]);
}

TEST_F(Tls, ABrokerCertificateFromAnotherCaIsRefusedAndTheLogSaysTls) {
  const auto log =
      logUntil(dir_, agentConfig(dir_, kCarA, broker_.uri(), 0, tls("wrongca", "cara")),
               "cannot connect to");
  EXPECT_NE(log.find("mqtt: cannot connect to " + broker_.uri() + ": TLS: handshake failed"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("[tls]"), std::string::npos) << log;
}

TEST_F(Tls, NoClientCertificateIsRefusedAndTheLogSaysTheCertificateIsMissing) {
  const auto log = logUntil(dir_, agentConfig(dir_, kCarA, broker_.uri(), 0, tls("ca", "")),
                            "cannot connect to");
  EXPECT_NE(log.find("cannot connect to " + broker_.uri() + ": TLS: "), std::string::npos) << log;
  EXPECT_NE(log.find("client certificate"), std::string::npos) << log;
}

TEST_F(Tls, ARefusedReasonIsLoggedOnceNotAtEveryRetry) {
  const auto log =
      logUntil(dir_, agentConfig(dir_, kCarA, broker_.uri(), 0, tls("wrongca", "cara")),
               "never appears: the agent retries for the whole wait");
  std::size_t count = 0;
  for (auto at = log.find("cannot connect to"); at != std::string::npos;
       at = log.find("cannot connect to", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1U) << log;
}

TEST_F(Tls, CarACannotReadCarBsCommandsNorPublishAsCarB) {
  // Car B hears its own commands: the control for car A hearing nothing.
  Collector car_b(broker_.uri(), std::string("crm/v1/vehicles/") + kCarB + "/cmd/#",
                  pki_.client("carb"));
  Collector car_a(broker_.uri(), std::string("crm/v1/vehicles/") + kCarB + "/cmd/#",
                  pki_.client("cara"));
  Collector backend(broker_.uri(), "crm/v1/vehicles/#", pki_.client("backend"));
  ASSERT_TRUE(car_b.connected() && car_a.connected() && backend.connected());

  mqtt::async_client backend_out(broker_.uri(), "backend-out");
  backend_out.connect(mqtt::connect_options_builder().ssl(pki_.client("backend")).finalize())
      ->wait();
  backend_out.publish(std::string("crm/v1/vehicles/") + kCarB + "/cmd/ping", "{}", 1, false)
      ->wait();
  ASSERT_TRUE(car_b.waitFor([](const auto& m) { return !m.empty(); }, milliseconds(5000)));

  mqtt::async_client car_a_out(broker_.uri(), "car-a-out");
  car_a_out.connect(mqtt::connect_options_builder().ssl(pki_.client("cara")).finalize())->wait();
  car_a_out.publish(std::string("crm/v1/vehicles/") + kCarB + "/status", "forged", 1, false)
      ->wait();
  // Sent after the forged one on the same connection: once it is in, the
  // forged one would have been too.
  car_a_out.publish(std::string("crm/v1/vehicles/") + kCarA + "/status", "own", 1, false)->wait();
  ASSERT_TRUE(backend.waitFor(
      [](const auto& m) {
        for (const auto& r : m)
          if (r.payload == "own") return true;
        return false;
      },
      milliseconds(5000)));

  EXPECT_TRUE(car_a.messages().empty());
  for (const auto& m : backend.messages()) EXPECT_NE(m.payload, "forged") << m.topic;
  // And a car cannot send commands, not even to itself.
  car_a_out.publish(std::string("crm/v1/vehicles/") + kCarA + "/cmd/ping", "self", 1, false)
      ->wait();
  car_a_out.publish(std::string("crm/v1/vehicles/") + kCarA + "/status", "own2", 1, false)->wait();
  ASSERT_TRUE(backend.waitFor(
      [](const auto& m) { return !m.empty() && m.back().payload == "own2"; }, milliseconds(5000)));
  car_a_out.disconnect()->wait();
  backend_out.disconnect()->wait();
}

TEST(Password, AWrongPasswordIsRefusedAndTheLogSaysBadCredentials) {
  if (!haveTools()) GTEST_SKIP() << "mosquitto or openssl not installed";
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  ASSERT_EQ(std::system(("mosquitto_passwd -c -b '" + dir.file("passwd") +
                         "' car-a right-password >/dev/null 2>&1")
                            .c_str()),
            0);
  chmod(dir.file("passwd").c_str(), 0644);
  Broker broker(BrokerSetup{"password_file " + dir.file("passwd") + "\n", false, false});
  ASSERT_TRUE(broker.start());
  writeFile(dir.file("pw"), "wrong-password\n");
  ASSERT_EQ(chmod(dir.file("pw").c_str(), 0600), 0);
  const auto log = logUntil(dir,
                            agentConfig(dir, kCarA, broker.uri(), 0,
                                        {{"username", "car-a"}, {"password_file", dir.file("pw")}}),
                            "cannot connect to");
  EXPECT_NE(log.find("cannot connect to " + broker.uri() + ": bad credentials: "),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("wrong-password"), std::string::npos) << "the password is in the log";
}

TEST(Password, ARefusedConnectionNamesTheBrokerAndConnectionRefused) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(freePort());
  const auto log =
      logUntil(dir, agentConfig(dir, kCarA, uri, 0, json::object()), "cannot connect to");
  EXPECT_NE(log.find("cannot connect to " + uri + ": connection refused"), std::string::npos)
      << log;
}

// MQTT 5 against plain mosquitto: a v5 subscriber sees the envelope id as
// user property "id" and a message-expiry-interval on outbox messages.
TEST(Mqtt5, OutboxMessagesCarryTheirIdAsAUserPropertyAndAnExpiry) {
  if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
  TempDir dir;
  Broker broker;
  ASSERT_TRUE(broker.start());
  struct Seen {
    std::string topic, payload, id_property;
    int expiry = -1;
  };
  std::mutex mu;  // guards seen
  std::vector<Seen> seen;
  mqtt::async_client sub(broker.uri(), "v5-subscriber", mqtt::create_options(MQTTVERSION_5));
  sub.set_message_callback([&](mqtt::const_message_ptr m) {
    Seen s{m->get_topic(), m->to_string(), "", -1};
    const auto& props = m->get_properties();
    if (props.contains(mqtt::property::MESSAGE_EXPIRY_INTERVAL)) {
      s.expiry = mqtt::get<std::int32_t>(props, mqtt::property::MESSAGE_EXPIRY_INTERVAL);
    }
    if (props.contains(mqtt::property::USER_PROPERTY)) {
      auto [name, value] = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY, 0);
      if (name == "id") s.id_property = value;
    }
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(std::move(s));
  });
  auto opts = mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).finalize();
  sub.connect(opts)->wait();
  sub.subscribe("crm/v1/vehicles/#", 1)->wait();

  writeFile(dir.file("agent.json"),
            agentConfig(dir, kCarA, broker.uri(), 2, {{"protocol", "5"}}).dump(2));
  auto e = run(agentCommand({"--config", dir.file("agent.json"), "--until-source-ends"}),
               dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(e.code, 0) << e.err;
  const auto daily = std::string("crm/v1/vehicles/") + kCarA + "/telemetry/daily";
  auto has = [&](const std::string& topic) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& s : seen)
      if (s.topic == topic) return true;
    return false;
  };
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!has(daily) && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(milliseconds(50));
  sub.disconnect()->wait();

  std::lock_guard<std::mutex> lock(mu);
  int checked = 0;
  for (const auto& s : seen) {
    const json env = json::parse(s.payload);
    EXPECT_EQ(s.id_property, env["id"]) << s.topic;
    if (s.topic == daily) {
      ++checked;
      // 90 days to live, counted from the message's own time (simulated
      // days ago by now): some of it left, never more than 90 days.
      EXPECT_GT(s.expiry, 0) << s.topic;
      EXPECT_LE(s.expiry, 90 * 24 * 3600) << s.topic;
    }
    if (s.topic.ends_with("/status")) {
      EXPECT_EQ(s.expiry, -1) << "status does not expire";
    }
  }
  EXPECT_GT(checked, 0) << e.err;
}

}  // namespace
}  // namespace crm::testing
