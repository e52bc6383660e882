// What the publisher hands Paho for a connection: create options (the MQTT
// version), connect options (session, will, TLS, credentials) and the MQTT 5
// properties of a message. Private to the sync component.
//
// Threading: pure functions, except that the TLS error handler given to
// connectOptions() is called on Paho's threads.
#pragma once

#include <mqtt/async_client.h>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crm/common/result.h"
#include "crm/sync/options.h"
#include "crm/sync/refusal.h"

namespace crm::sync {

// How long one connect attempt may take; a failure after it is a timeout.
inline constexpr std::chrono::seconds kConnectTimeout{10};

// The broker URI asks for TLS (ssl://, mqtts://, wss://) or TLS files are set.
bool usesTls(const MqttOptions& cfg);

// Checks the TLS files and reads the password (if any), at each attempt:
// a file fixed after start-up is picked up at the next retry. A problem is
// RefusalKind::kFile, its message the reason naming the key and the file
// (never the password).
Result<std::optional<std::string>, RefusalKind> readConnectFiles(const MqttOptions& cfg);

mqtt::create_options createOptions(const MqttOptions& cfg);

// `will`: the "offline" envelope and its id, when one could be reserved.
struct Will {
  std::string topic, payload, id;
};
// The TLS options, or nullptr without TLS. No TLS error handler: Paho C++
// 1.2 hands the C library the address of a copy that async_client::connect
// destroys before the handshake runs, so OpenSSL's text cannot be had safely.
std::unique_ptr<mqtt::ssl_options> sslOptions(const MqttOptions& cfg);

// "host", "port" of a tcp://, ssl://, mqtt:// or mqtts:// URI; nullopt for
// others (ws://, wss://) or without a port.
std::optional<std::pair<std::string, std::string>> hostAndPort(const std::string& uri);

// Fills `out`, which the caller then connects with. `ssl`: from
// sslOptions(), or nullptr.
void fillConnectOptions(mqtt::connect_options& out, const MqttOptions& cfg,
                        const std::optional<Will>& will, const std::optional<std::string>& password,
                        const mqtt::ssl_options* ssl);

// MQTT 5 only (empty with 3.1.1): the envelope id as user property "id" and,
// when expiry_s > 0, the message-expiry-interval.
mqtt::properties messageProperties(const MqttOptions& cfg, std::string_view id,
                                   std::int64_t expiry_s);

}  // namespace crm::sync
