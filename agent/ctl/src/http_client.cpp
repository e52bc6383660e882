#include "http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdio>

namespace crm::ctl {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

// "Connection refused" -> "connection refused": it reads inside a sentence.
std::string lowerFirst(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string seconds(std::chrono::milliseconds t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(t.count()) / 1000);
  return buf;
}

// The exchange on one socket type: connect, write, read, all asynchronous
// on a private io_context so that one timer bounds the whole of it.
template <class Socket, class Peer>
CtlResult<HttpReply> run(asio::io_context& io, Socket& socket, const Peer& peer,
                         const Endpoint& where, const HttpRequest& request,
                         std::chrono::milliseconds timeout) {
  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::user_agent, "crm-agentctl");
  req.set(http::field::connection, "close");
  if (!request.authorization.empty()) req.set(http::field::authorization, request.authorization);
  if (!request.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = request.body;
  }
  req.prepare_payload();

  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  error_code failure;
  const char* stage = "connect";
  bool timed_out = false;
  asio::steady_timer timer(io);
  timer.expires_after(timeout);
  timer.async_wait([&](const error_code& ec) {
    if (ec) return;
    timed_out = true;
    error_code ignored;
    socket.close(ignored);
  });
  socket.async_connect(peer, [&](const error_code& ec) {
    if (ec) {
      failure = ec;
      timer.cancel();
      return;
    }
    stage = "send";
    http::async_write(socket, req, [&](const error_code& wec, std::size_t) {
      if (wec) {
        failure = wec;
        timer.cancel();
        return;
      }
      stage = "receive";
      http::async_read(socket, buffer, parser, [&](const error_code& rec, std::size_t) {
        failure = rec;
        timer.cancel();
      });
    });
  });
  io.run();

  if (timed_out) {
    return fail(CtlError::kUnreachable,
                "crm-agent at " + where.name() + " did not answer within " + seconds(timeout));
  }
  if (failure) {
    if (std::string_view(stage) == "connect") {
      return fail(CtlError::kUnreachable, "cannot reach crm-agent at " + where.name() + ": " +
                                              lowerFirst(failure.message()) +
                                              " — is the daemon running?");
    }
    return fail(CtlError::kUnreachable, "crm-agent at " + where.name() + ": " + stage +
                                            " failed: " + lowerFirst(failure.message()));
  }
  auto& res = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.content_type = std::string(res[http::field::content_type]);
  reply.body = std::move(res.body());
  return reply;
}

}  // namespace

std::string Endpoint::name() const {
  if (!unix_socket.empty()) return unix_socket;
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

CtlResult<Endpoint> parseUrl(std::string_view url) {
  const std::string what = "--url " + std::string(url) + ": ";
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return fail(CtlError::kUsage, what + "expected http://HOST:PORT (https is not served)");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    return fail(CtlError::kUsage, what + "expected no path after HOST:PORT");
  }
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return fail(CtlError::kUsage, what + "unclosed '['");
    host = rest.substr(1, close - 1);
    const auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(CtlError::kUsage, what + "expected ':' after ']'");
      port = after.substr(1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  Endpoint e;
  e.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  error_code ec;
  asio::ip::make_address(e.host, ec);
  if (ec) return fail(CtlError::kUsage, what + "the host must be an IP address or localhost");
  e.port = 80;
  if (!port.empty()) {
    int p = 0;
    for (const char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return fail(CtlError::kUsage, what + "the port must be a number 1..65535");
      }
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return fail(CtlError::kUsage, what + "the port must be 1..65535");
    e.port = p;
  }
  return e;
}

CtlResult<HttpReply> exchange(const Endpoint& endpoint, const HttpRequest& request,
                              std::chrono::milliseconds timeout) {
  asio::io_context io;
  if (!endpoint.unix_socket.empty()) {
    asio::local::stream_protocol::socket socket(io);
    return run(io, socket, asio::local::stream_protocol::endpoint(endpoint.unix_socket), endpoint,
               request, timeout);
  }
  error_code ec;
  const auto address = asio::ip::make_address(endpoint.host, ec);
  if (ec) {
    return fail(CtlError::kBadFile, "the API address " + endpoint.host + " is not an IP address");
  }
  asio::ip::tcp::socket socket(io);
  return run(io, socket,
             asio::ip::tcp::endpoint(address, static_cast<unsigned short>(endpoint.port)), endpoint,
             request, timeout);
}

}  // namespace crm::ctl
