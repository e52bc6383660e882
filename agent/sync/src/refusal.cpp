#include "crm/sync/refusal.h"

#include <string_view>
#include <vector>

namespace crm::sync {
namespace {

// OpenSSL 1.1 and 3 print "<thread>:error:<code>:<library>:<function>:
// <reason>:<file>:<line>:<data>"; the reason is what a person can read.
std::string opensslReason(const std::string& line) {
  std::vector<std::string_view> fields;
  std::string_view rest = line;
  while (true) {
    const auto colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (fields.size() > 5 && fields[1] == "error" && !fields[5].empty())
    return std::string(fields[5]);
  std::string trimmed = line;
  while (!trimmed.empty() &&
         (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' '))
    trimmed.pop_back();
  return trimmed;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

Refusal tlsRefusal(const std::string& tls_error) {
  const std::string reason = opensslReason(tls_error);
  std::string hint;
  if (contains(reason, "certificate verify failed")) {
    hint =
        " (the broker's certificate is not signed by mqtt.tls.ca_file, has expired, or does "
        "not name the broker's host)";
  } else if (contains(reason, "alert") || contains(reason, "certificate required")) {
    hint = " (the broker did not accept the client certificate, mqtt.tls.cert_file)";
  } else if (contains(reason, "key values mismatch") || contains(reason, "PEM") ||
             contains(reason, "no such file") || contains(reason, "system lib")) {
    hint = " (check mqtt.tls.cert_file and mqtt.tls.key_file: a matching certificate and key)";
  }
  return {RefusalKind::kTls, "TLS: " + reason + hint};
}

// The CONNACK codes of 3.1.1 (1..5) and of 5 (0x80 and up).
Refusal connackRefusal(int code) {
  const std::string n = " (CONNACK " + std::to_string(code) + ")";
  switch (code) {
    case 4:
    case 0x86:
      return {RefusalKind::kCredentials,
              "bad credentials: bad user name or password (mqtt.username, mqtt.password_file)" + n};
    case 5:
    case 0x87:
      return {RefusalKind::kCredentials,
              "bad credentials: not authorized (the broker refuses this identity)" + n};
    case 0x8A:
      return {RefusalKind::kCredentials, "bad credentials: this client is banned" + n};
    case 0x8C:
      return {RefusalKind::kCredentials, "bad credentials: bad authentication method" + n};
    case 1:
    case 0x84:
      return {RefusalKind::kProtocol,
              "protocol version not accepted by the broker (mqtt.protocol)" + n};
    case 2:
    case 0x85:
      return {RefusalKind::kProtocol, "client identifier rejected (mqtt.client_id)" + n};
    case 3:
    case 0x88:
      return {RefusalKind::kUnavailable, "server unavailable" + n};
    case 0x89:
      return {RefusalKind::kUnavailable, "server busy" + n};
    case 0x97:
      return {RefusalKind::kUnavailable, "quota exceeded" + n};
    case 0x9C:
    case 0x9D:
      return {RefusalKind::kUnavailable, "the broker names another server to use" + n};
    default:
      return {RefusalKind::kOther, "refused by the broker" + n};
  }
}

}  // namespace

Refusal classifyConnectFailure(const ConnectFailure& f) {
  // OpenSSL's own words are the most precise, whatever Paho made of them.
  if (!f.tls_error.empty()) return tlsRefusal(f.tls_error);
  if (f.return_code > 0) return connackRefusal(f.return_code);
  if (f.timed_out) {
    return {RefusalKind::kTimeout,
            "unreachable: no answer within the connect timeout (no network, or a firewall drops "
            "the packets)"};
  }
  // Paho's "TCP/TLS connect failure": the TCP connect itself (or, with TLS,
  // a handshake OpenSSL reported nothing about) failed.
  if (contains(f.message, "TCP/TLS connect failure")) {
    if (f.tls && f.tcp_reachable == true) {
      if (!f.client_cert) {
        return {RefusalKind::kTls,
                "TLS: handshake failed; no client certificate is set (mqtt.tls.cert_file), which "
                "a broker that requires one refuses (else: the broker's certificate is not "
                "signed by mqtt.tls.ca_file, has expired or does not name the broker's host)"};
      }
      return {RefusalKind::kTls,
              "TLS: handshake failed (the broker's certificate is not signed by "
              "mqtt.tls.ca_file, has expired or does not name the broker's host; or the broker "
              "refused the client certificate)"};
    }
    if (f.tls && f.tcp_reachable == false) {
      return {RefusalKind::kRefused, "connection refused (nothing listening on that port)"};
    }
    if (f.tls) {
      return {RefusalKind::kRefused,
              "connection refused, or the TLS handshake failed (nothing listening there, or "
              "not a TLS listener)"};
    }
    return {RefusalKind::kRefused, "connection refused (nothing listening on that port)"};
  }
  // "TCP connect completion failure" before the timeout: the broker closed
  // the connection before its CONNACK. With TLS 1.3 the broker checks the
  // client's certificate after the client has finished its handshake, so
  // this is how a missing or rejected client certificate looks.
  if (contains(f.message, "connect completion failure")) {
    if (f.tls && !f.client_cert) {
      return {RefusalKind::kTls,
              "TLS: the broker closed the connection after the handshake; it probably requires "
              "a client certificate (mqtt.tls.cert_file is not set)"};
    }
    if (f.tls) {
      return {RefusalKind::kTls,
              "TLS: the broker closed the connection after the handshake; it probably did not "
              "accept the client certificate (mqtt.tls.cert_file)"};
    }
    return {RefusalKind::kRefused, "the broker closed the connection before answering"};
  }
  if (f.message.empty() && f.return_code < 0) {
    return {RefusalKind::kUnreachable, "unreachable: host not found or no route to it"};
  }
  return {RefusalKind::kOther, "connect failed (" + std::to_string(f.return_code) +
                                   (f.message.empty() ? "" : ": " + f.message) + ")"};
}

const char* refusalKindName(RefusalKind kind) {
  switch (kind) {
    case RefusalKind::kTls:
      return "tls";
    case RefusalKind::kFile:
      return "file";
    case RefusalKind::kCredentials:
      return "credentials";
    case RefusalKind::kRefused:
      return "refused";
    case RefusalKind::kUnreachable:
      return "unreachable";
    case RefusalKind::kTimeout:
      return "timeout";
    case RefusalKind::kProtocol:
      return "protocol";
    case RefusalKind::kUnavailable:
      return "unavailable";
    case RefusalKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace crm::sync
