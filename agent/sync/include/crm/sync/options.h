// The publisher's settings (mqtt.* in the configuration file).
//
// Threading: plain values.
#pragma once

#include <string>

namespace crm::sync {

struct TlsOptions {
  std::string ca_file, cert_file, key_file;  // empty: no TLS

  bool operator==(const TlsOptions&) const = default;
};

struct MqttOptions {
  bool enabled = true;
  std::string broker = "tcp://localhost:1883";
  std::string client_id;  // empty: "crm-agent-<vin>"
  std::string prefix = "crm/v1/vehicles";
  TlsOptions tls;
  int keepalive_s = 30;
  int reconnect_min_ms = 1000;   // first retry; doubles each failure
  int reconnect_max_ms = 60000;  // cap: a fleet must not hammer a recovering broker
  int max_inflight = 20;         // QoS 1 messages awaiting PUBACK

  bool operator==(const MqttOptions&) const = default;
};

}  // namespace crm::sync
