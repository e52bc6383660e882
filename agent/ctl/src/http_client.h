// A small synchronous HTTP/1.1 client for the agent's local API, over TCP
// or a Unix domain socket (Boost.Beast). One request per connection; the
// whole exchange (connect, send, receive) is bounded by a timeout.
//
// Threading: each call uses its own io_context; calls may run on any thread.
#pragma once

#include <chrono>
#include <string>

#include "ctl_error.h"

namespace crm::ctl {

struct Endpoint {
  std::string host = "127.0.0.1";  // an IP literal
  int port = 8790;
  std::string unix_socket;  // non-empty: used instead of host and port
  // "127.0.0.1:8790" or the socket's path, for messages.
  std::string name() const;
};

// "http://HOST[:PORT][/]" with HOST an IP literal ("[::1]" for IPv6) or
// localhost (127.0.0.1); the port defaults to 80. kUsage otherwise, naming
// what is wrong.
CtlResult<Endpoint> parseUrl(std::string_view url);

struct HttpRequest {
  std::string method = "GET";
  std::string target;         // "/sovd/v1/components"
  std::string authorization;  // the header's value; empty: none
  std::string body;           // sent as application/json when non-empty
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// The largest answer taken: an export of years of trips is a few MiB.
inline constexpr std::size_t kMaxReplyBytes = std::size_t{256} * 1024 * 1024;

// Sends `request`, returns the answer whatever its status. kUnreachable
// when the daemon cannot be reached or does not answer within `timeout`
// ("cannot reach crm-agent at 127.0.0.1:8790: connection refused — is the
// daemon running?").
CtlResult<HttpReply> exchange(const Endpoint& endpoint, const HttpRequest& request,
                              std::chrono::milliseconds timeout);

}  // namespace crm::ctl
