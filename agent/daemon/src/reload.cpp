#include "reload.h"

namespace crm::daemon {

ReloadPlan planReload(const config::Config& running, const config::Config& next) {
  ReloadPlan plan;
  const auto& a = running.mqtt;
  const auto& b = next.mqtt;
  auto mqtt = [&](bool differs, const char* key) {
    if (differs) plan.mqtt_changed.push_back(std::string("mqtt.") + key);
  };
  mqtt(a.enabled != b.enabled, "enabled");
  mqtt(a.broker != b.broker, "broker");
  mqtt(a.client_id != b.client_id, "client_id");
  mqtt(a.prefix != b.prefix, "prefix");
  mqtt(a.tls.ca_file != b.tls.ca_file, "tls.ca_file");
  mqtt(a.tls.cert_file != b.tls.cert_file, "tls.cert_file");
  mqtt(a.tls.key_file != b.tls.key_file, "tls.key_file");
  mqtt(a.keepalive_s != b.keepalive_s, "keepalive_s");
  mqtt(a.reconnect_min_ms != b.reconnect_min_ms, "reconnect_min_ms");
  mqtt(a.reconnect_max_ms != b.reconnect_max_ms, "reconnect_max_ms");
  mqtt(a.max_inflight != b.max_inflight, "max_inflight");
  mqtt(a.username != b.username, "username");
  mqtt(a.password_file != b.password_file, "password_file");
  mqtt(a.protocol != b.protocol, "protocol");
  mqtt(a.session_expiry_s != b.session_expiry_s, "session_expiry_s");
  // A key added to MqttOptions but not named above still reconnects: a
  // change logged as applied must be applied.
  mqtt(a != b && plan.mqtt_changed.empty(), "*");

  auto restart = [&](bool differs, const char* key) {
    if (differs) plan.need_restart.emplace_back(key);
  };
  restart(running.vehicle != next.vehicle, "vehicle");
  restart(running.source != next.source, "source");
  restart(running.storage.path != next.storage.path, "storage.path");
  restart(running.storage.quota_mib != next.storage.quota_mib, "storage.quota_mib");
  restart(running.storage.raw_retention_days != next.storage.raw_retention_days,
          "storage.raw_retention_days");
  restart(running.storage.full_sync != next.storage.full_sync, "storage.full_sync");
  // The store's limit on what it queues is set when the cache opens.
  restart(running.mqtt.max_payload_bytes != next.mqtt.max_payload_bytes, "mqtt.max_payload_bytes");
  // The HMI's socket is bound once: a screen connected to it keeps working.
  restart(running.local_api != next.local_api, "local_api");
  return plan;
}

std::string joinKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace crm::daemon
