#include "connection.h"

#include "crm/common/private_file.h"
#include "crm/common/small_file.h"

namespace crm::sync {
namespace {

// A password is a line, not a document.
constexpr std::size_t kMaxPasswordBytes = 1024;

Error<RefusalKind> fileRefusal(const char* key, const std::string& problem) {
  return fail(RefusalKind::kFile, std::string("file: ") + key + ": " + problem);
}

// Paho takes 4-byte integer properties as int32_t; the wire carries the
// same four bytes for values above 2^31 - 1.
std::int32_t fourBytes(std::int64_t v) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
}

}  // namespace

bool usesTls(const MqttOptions& cfg) {
  for (const char* scheme : {"ssl://", "mqtts://", "wss://"}) {
    if (cfg.broker.rfind(scheme, 0) == 0) return true;
  }
  return !cfg.tls.ca_file.empty() || !cfg.tls.cert_file.empty();
}

Result<std::optional<std::string>, RefusalKind> readConnectFiles(const MqttOptions& cfg) {
  const std::pair<const char*, const std::string*> files[] = {
      {"mqtt.tls.ca_file", &cfg.tls.ca_file},
      {"mqtt.tls.cert_file", &cfg.tls.cert_file},
      {"mqtt.tls.key_file", &cfg.tls.key_file}};
  for (const auto& [key, file] : files) {
    if (file->empty()) continue;
    if (auto st = checkReadableFile(*file); !st) return fileRefusal(key, st.error().message);
  }
  if (cfg.password_file.empty()) return std::optional<std::string>();
  auto text = readPrivateFile(cfg.password_file, kMaxPasswordBytes, "the MQTT password");
  if (!text) return fileRefusal("mqtt.password_file", text.error().message);
  std::string password = std::move(text).value();
  // One line: its line break is the editor's, not the password's.
  if (password.ends_with('\n')) password.pop_back();
  if (password.ends_with('\r')) password.pop_back();
  if (password.empty()) {
    return fileRefusal("mqtt.password_file", cfg.password_file + ": empty; expected the password");
  }
  return std::optional<std::string>(std::move(password));
}

mqtt::create_options createOptions(const MqttOptions& cfg) {
  return mqtt::create_options(cfg.protocol == MqttProtocol::kV5 ? MQTTVERSION_5
                                                                : MQTTVERSION_3_1_1);
}

std::optional<std::pair<std::string, std::string>> hostAndPort(const std::string& uri) {
  for (const char* scheme : {"tcp://", "ssl://", "mqtt://", "mqtts://"}) {
    if (uri.rfind(scheme, 0) != 0) continue;
    const std::string rest = uri.substr(std::char_traits<char>::length(scheme));
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return std::nullopt;
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    return std::make_pair(host, rest.substr(colon + 1));
  }
  return std::nullopt;
}

std::unique_ptr<mqtt::ssl_options> sslOptions(const MqttOptions& cfg) {
  if (!usesTls(cfg)) return nullptr;
  auto ssl = std::make_unique<mqtt::ssl_options>();
  ssl->set_enable_server_cert_auth(true);
  ssl->set_verify(true);  // the certificate must name the broker's host
  // Empty: the system's trust store.
  if (!cfg.tls.ca_file.empty()) ssl->set_trust_store(cfg.tls.ca_file);
  if (!cfg.tls.cert_file.empty()) ssl->set_key_store(cfg.tls.cert_file);
  if (!cfg.tls.key_file.empty()) ssl->set_private_key(cfg.tls.key_file);
  return ssl;
}

void fillConnectOptions(mqtt::connect_options& out, const MqttOptions& cfg,
                        const std::optional<Will>& will, const std::optional<std::string>& password,
                        const mqtt::ssl_options* ssl) {
  const bool v5 = cfg.protocol == MqttProtocol::kV5;
  out.set_mqtt_version(v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  out.set_keep_alive_interval(std::chrono::seconds(cfg.keepalive_s));
  out.set_connect_timeout(kConnectTimeout);
  out.set_max_inflight(cfg.max_inflight);
  out.set_automatic_reconnect(false);
  // Persistent: commands sent while the car is offline are kept for it by
  // the broker (with 5, for session_expiry_s after it goes away).
  if (v5) {
    out.set_clean_start(false);
    // Set on the object the caller connects with: Paho C++ 1.2 copies the
    // C structure's pointer to the properties, not its target, so options
    // built elsewhere and copied here would point at freed memory.
    out.set_properties(
        {mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, fourBytes(cfg.session_expiry_s))});
  } else {
    out.set_clean_session(false);
  }
  if (will) {
    // No properties on the will, for the same reason.
    out.set_will(mqtt::will_options(will->topic, will->payload, 1, true));
  }
  if (!cfg.username.empty()) out.set_user_name(cfg.username);
  if (password) out.set_password(*password);
  if (ssl) out.set_ssl(*ssl);
}

mqtt::properties messageProperties(const MqttOptions& cfg, std::string_view id,
                                   std::int64_t expiry_s) {
  mqtt::properties props;
  if (cfg.protocol != MqttProtocol::kV5) return props;
  props.add(mqtt::property(mqtt::property::USER_PROPERTY, std::string("id"), std::string(id)));
  if (expiry_s > 0) {
    props.add(mqtt::property(mqtt::property::MESSAGE_EXPIRY_INTERVAL, fourBytes(expiry_s)));
  }
  return props;
}

}  // namespace crm::sync
