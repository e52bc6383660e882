// Why a connection to the broker failed, in words an operator can act on.
// Paho reports little: a return code (negative: client side; positive: the
// broker's CONNACK code), a short message ("TCP/TLS connect failure") and,
// through the TLS error handler, OpenSSL's error line. This turns them into
// one reason for the log.
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace crm::sync {

// Stable only as far as the log is: operators grep for these words.
enum class RefusalKind : std::uint8_t {
  kTls,          // the TLS handshake failed or the broker dropped the TLS session
  kFile,         // a TLS file or the password file is missing or unreadable
  kCredentials,  // CONNACK: bad user name or password, or not authorized
  kRefused,      // nothing accepts connections there, or the broker closed it
  kUnreachable,  // host unknown or no route
  kTimeout,      // no answer within the connect timeout
  kProtocol,     // CONNACK: protocol version or client id not accepted
  kUnavailable,  // CONNACK: server unavailable or busy
  kOther,
};

// What one failed attempt left behind.
struct ConnectFailure {
  int return_code = 0;       // Paho's: < 0 client side, > 0 the CONNACK code (3.1.1 or 5)
  std::string message;       // Paho's error message; may be empty
  std::string tls_error;     // OpenSSL's first error line; empty: none (see connection.h)
  bool tls = false;          // the attempt used TLS
  bool client_cert = false;  // and offered a client certificate
  bool timed_out = false;    // it lasted the whole connect timeout
  // After "TCP/TLS connect failure" with TLS: whether a plain TCP connection
  // to the broker then succeeded (nullopt: not tried).
  std::optional<bool> tcp_reachable;
};

struct Refusal {
  RefusalKind kind = RefusalKind::kOther;
  std::string reason;  // one line, no secret: "TLS: certificate verify failed (...)"

  bool operator==(const Refusal&) const = default;
};

Refusal classifyConnectFailure(const ConnectFailure& failure);

// The kind's word for the log: "tls", "file", "credentials", "refused",
// "unreachable", "timeout", "protocol", "unavailable", "other".
const char* refusalKindName(RefusalKind kind);

}  // namespace crm::sync
