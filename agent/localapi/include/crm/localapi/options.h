// The local HTTP server's settings (local_api.* in the configuration file).
// Every limit bounds what one client can make the agent hold or wait for: a
// head unit's HMI is one well-behaved client, anything else is refused early.
//
// Threading: plain values.
#pragma once

#include <optional>
#include <string>

namespace crm::localapi {

struct Options {
  bool enabled = true;  // read by the program that owns the server; Server ignores it
  // TCP: an IP literal ("localhost" means 127.0.0.1). Loopback only unless
  // allow_non_loopback: the API has no authentication for the driver's
  // calls, so it must not be reachable from the car's other networks.
  std::string address = "127.0.0.1";
  int port = 8790;  // 0: an ephemeral port (tests); Server::port() tells which
  bool allow_non_loopback = false;
  // Non-empty: listen on this Unix domain socket instead of TCP. A stale
  // socket file is replaced; the file gets mode 0660 (owner and group).
  std::string unix_socket;
  // Open connections, event streams included. One more is closed at once
  // with a 503: an HMI needs a few, a runaway client must not take more.
  int max_connections = 16;
  // Event streams open at once (each holds a queue and a connection).
  int max_streams = 4;
  // A request body (an action is about 20 bytes).
  int max_body_bytes = 4096;
  // The request line and header fields together.
  int max_header_bytes = 8192;
  // A request must arrive whole this long after its first byte (or after
  // the connection opened): a client that sends half and stalls is closed.
  int read_timeout_ms = 5000;
  // A kept-alive connection with no new request is closed after this.
  int idle_timeout_ms = 30000;
  // A response (or a stream's event) not taken by the client in this time
  // closes the connection: a client that does not read holds nothing long.
  int write_timeout_ms = 10000;
  // Event streams get a comment line this often, so that a dead client is
  // found by a failed write even when nothing happens.
  int heartbeat_ms = 15000;
  // Bytes waiting to be sent on one event stream. A client that falls this
  // far behind is dropped; it reconnects and re-fetches (EventSource does).
  int max_stream_queue_bytes = 64 * 1024;
  // The technician API's bearer token is read from this file at start-up
  // (local_api.technician_token_file; the program that owns the server reads
  // it, Server ignores it). Empty: the technician API is not served.
  std::string technician_token_file;

  bool operator==(const Options&) const = default;
};

// nullopt when the options can be used, else what is wrong, naming the
// field ("local_api.max_streams must be 1..max_connections").
std::optional<std::string> validate(const Options& options);

}  // namespace crm::localapi
