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

mqtt::connect_options connectOptions(const MqttOptions& cfg, const std::optional<Will>& will,
                                     const std::optional<std::string>& password,
                                     std::function<void(const std::string&)> on_tls_error) {
  const bool v5 = cfg.protocol == MqttProtocol::kV5;
  auto builder = mqtt::connect_options_builder();
  builder.mqtt_version(v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1)
      .keep_alive_interval(std::chrono::seconds(cfg.keepalive_s))
      .connect_timeout(kConnectTimeout)
      .max_inflight(cfg.max_inflight)
      .automatic_reconnect(false);
  // Persistent: commands sent while the car is offline are kept for it by
  // the broker (with 5, for session_expiry_s after it goes away).
  if (v5) {
    builder.clean_start(false).properties(
        {mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, fourBytes(cfg.session_expiry_s))});
  } else {
    builder.clean_session(false);
  }
  if (will) {
    builder.will(
        mqtt::message(will->topic, will->payload, 1, true, messageProperties(cfg, will->id, 0)));
  }
  if (!cfg.username.empty()) builder.user_name(cfg.username);
  if (password) builder.password(*password);
  if (usesTls(cfg)) {
    auto ssl = mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true);
    // Empty: the system's trust store.
    if (!cfg.tls.ca_file.empty()) ssl.trust_store(cfg.tls.ca_file);
    if (!cfg.tls.cert_file.empty()) ssl.key_store(cfg.tls.cert_file);
    if (!cfg.tls.key_file.empty()) ssl.private_key(cfg.tls.key_file);
    ssl.error_handler(std::move(on_tls_error));
    builder.ssl(ssl.finalize());
  }
  return builder.finalize();
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
