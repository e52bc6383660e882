// The publisher's settings (mqtt.* in the configuration file).
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <string>

namespace crm::sync {

struct TlsOptions {
  // Empty: no TLS, unless the broker URI is ssl://, mqtts:// or wss:// (then
  // the system's trust store checks the broker). cert_file and key_file come
  // together: the car's identity when the broker requires client certificates.
  std::string ca_file, cert_file, key_file;

  bool operator==(const TlsOptions&) const = default;
};

// Stable: the configuration's "3.1.1" and "5".
enum class MqttProtocol : std::uint8_t { kV311, kV5 };

struct MqttOptions {
  bool enabled = true;
  std::string broker = "tcp://localhost:1883";
  std::string client_id;  // empty: "crm-agent-<vin>"
  std::string prefix = "crm/v1/vehicles";
  TlsOptions tls;
  // Empty: no user name. The password lives in its own file (owner-only),
  // read at each connect, so the secret is never in agent.json nor in memory
  // longer than a connect needs it.
  std::string username;
  std::string password_file;
  // 3.1.1 is what every broker speaks; 5 adds per-message expiry and the
  // envelope id as a user property (docs/mqtt-connection.md).
  MqttProtocol protocol = MqttProtocol::kV311;
  // MQTT 5 only: how long the broker keeps the car's session (its queued
  // commands) after the car goes away. A week covers a car parked over a
  // long weekend or a holiday without pinning broker memory for ever.
  std::int64_t session_expiry_s = std::int64_t{7} * 24 * 3600;
  // Short enough that a dead cellular link is noticed (the broker after
  // 1.5 x keep-alive, the car after about 2.6 x: measured by
  // integration_proxy_fault), long enough not to wake the modem often.
  int keepalive_s = 30;
  int reconnect_min_ms = 1000;   // first retry; doubles each failure
  int reconnect_max_ms = 60000;  // cap: a fleet must not hammer a recovering broker
  int max_inflight = 20;         // QoS 1 messages awaiting PUBACK
  // The largest message (envelope included) the car queues: what the
  // fleet's broker accepts (AWS IoT Core: 128 KB; mosquitto's
  // message_size_limit). A larger one could never be sent: it is not queued,
  // and counted as lost.
  std::int64_t max_payload_bytes = std::int64_t{128} * 1024;

  bool operator==(const MqttOptions&) const = default;
};

}  // namespace crm::sync
