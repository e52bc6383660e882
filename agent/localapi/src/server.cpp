// Listening, accepting within max_connections, publishing to streams.
#include "crm/localapi/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <system_error>

#include "core.h"
#include "crm/common/log.h"

namespace crm::localapi {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Local = asio::local::stream_protocol;

// After a failed accept (out of file descriptors) the next try waits this
// long, so that the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetry{200};

// Sent to a connection over max_connections before it is closed. One
// non-blocking write: if the client's buffer cannot take it, it gets the
// close alone.
constexpr std::string_view kBusy =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: close\r\n"
    "Content-Length: 75\r\n"
    "\r\n"
    R"({"error":{"code":"busy","message":"too many connections; try again later"}})";
static_assert(kBusy.size() - kBusy.find("\r\n\r\n") - 4 == 75);

template <class Socket>
void refuse(Server::Core& core, Socket& socket) {
  ++core.counters.refused;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ec);
  socket.shutdown(Socket::shutdown_both, ec);
  socket.close(ec);
}

template <class Acceptor>
void acceptNext(const std::shared_ptr<Server::Core>& core, Acceptor& acceptor) {
  acceptor.async_accept([core, &acceptor](const boost::system::error_code& ec, auto socket) {
    if (core->stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
      log::warn("local_api: accept failed: {}; retrying", ec.message());
      core->retry.expires_after(kAcceptRetry);
      core->retry.async_wait([core, &acceptor](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !core->stopped) acceptNext(core, acceptor);
      });
      return;
    }
    if (core->open.size() >= static_cast<std::size_t>(core->options.max_connections)) {
      refuse(*core, socket);
    } else {
      startSession(core, std::move(socket));
    }
    acceptNext(core, acceptor);
  });
}

Result<bool, ServerError> listenTcp(Server::Core& core) {
  const auto& o = core.options;
  boost::system::error_code ec;
  const auto address =
      asio::ip::make_address(o.address == "localhost" ? "127.0.0.1" : o.address, ec);
  if (ec) {
    return fail(ServerError::kInvalidOptions,
                "local_api.address \"" + o.address + "\" is not an IP address");
  }
  if (!address.is_loopback() && !o.allow_non_loopback) {
    return fail(ServerError::kNotLoopback,
                "local_api.address " + o.address +
                    " is not a loopback address; the API has no authentication for the driver's "
                    "calls (set local_api.allow_non_loopback to serve it there anyway)");
  }
  auto& acceptor = core.tcp.emplace(core.io);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ServerError::kListen, "local_api: cannot listen on " + o.address + ":" +
                                          std::to_string(o.port) + ": " + ec.message());
  }
  return true;
}

// A socket file left by an agent that died is replaced; one that a live
// process answers on is not, and any other kind of file is not touched.
Result<bool, ServerError> clearSocketPath(asio::io_context& io, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code fs_ec;
  const auto status = fs::symlink_status(path, fs_ec);
  if (fs_ec || status.type() == fs::file_type::not_found) return true;
  if (status.type() != fs::file_type::socket) {
    return fail(ServerError::kListen,
                "local_api.unix_socket " + path + " exists and is not a socket; not replaced");
  }
  Local::socket probe(io);
  boost::system::error_code ec;
  probe.connect(Local::endpoint(path), ec);
  if (!ec) {
    return fail(ServerError::kListen,
                "local_api.unix_socket " + path + " is in use by a running process");
  }
  fs::remove(path, fs_ec);
  if (fs_ec) {
    return fail(ServerError::kListen, "local_api.unix_socket " + path +
                                          ": cannot remove the stale file: " + fs_ec.message());
  }
  return true;
}

Result<bool, ServerError> listenLocal(Server::Core& core) {
  const auto& path = core.options.unix_socket;
  if (auto cleared = clearSocketPath(core.io, path); !cleared) return cleared.error();
  auto& acceptor = core.local.emplace(core.io);
  boost::system::error_code ec;
  acceptor.open(Local(), ec);
  if (!ec) acceptor.bind(Local::endpoint(path), ec);
  if (ec) {
    return fail(ServerError::kListen, "local_api: cannot listen on " + path + ": " + ec.message());
  }
  core.socket_path = path;
  // Before listen(): nobody can connect while the mode is still the umask's.
  if (::chmod(path.c_str(), 0660) != 0) {
    return fail(ServerError::kListen, "local_api: cannot set the mode of " + path);
  }
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ServerError::kListen, "local_api: cannot listen on " + path + ": " + ec.message());
  }
  return true;
}

}  // namespace

Routes* Server::Core::routesFor(std::string_view path) const {
  for (const auto& m : mounts) {
    if (path.starts_with(m.prefix) &&
        (path.size() == m.prefix.size() || path[m.prefix.size()] == '/')) {
      return m.routes.get();
    }
  }
  return nullptr;
}

Result<std::unique_ptr<Server>, ServerError> Server::create(asio::io_context& io, Options options,
                                                            std::vector<Mount> mounts) {
  if (auto why = validate(options)) return fail(ServerError::kInvalidOptions, *why);
  auto core = std::make_shared<Core>(io, std::move(options), std::move(mounts));
  std::unique_ptr<Server> server(new Server(core));
  const bool local = !core->options.unix_socket.empty();
  if (auto listening = local ? listenLocal(*core) : listenTcp(*core); !listening) {
    return listening.error();  // ~Server removes a socket file it made
  }
  if (local) {
    acceptNext(core, *core->local);
    log::info("local_api: listening on unix:{}", core->socket_path);
  } else {
    acceptNext(core, *core->tcp);
    log::info("local_api: listening on {}:{}", core->options.address, server->port());
  }
  return server;
}

Server::Server(std::shared_ptr<Core> core) : core_(std::move(core)) {}

Server::~Server() {
  try {
    stop();
  } catch (const std::exception& e) {
    // Only a timer's cancel() can throw here, when the OS refuses it.
    log::warn("local_api: stopping: {}", e.what());
  }
}

int Server::port() const {
  boost::system::error_code ec;
  if (!core_->tcp || !core_->tcp->is_open()) return 0;
  const auto endpoint = core_->tcp->local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

bool Server::publish(std::string_view event, std::string_view data) {
  if (event.empty() || event.find_first_of("\r\n:") != std::string_view::npos) {
    log::warn("local_api: event name refused (empty, or a line break or ':')");
    return false;
  }
  // One "data:" line per line of `data`, as SSE frames multi-line data.
  auto text = std::make_shared<std::string>("event: ");
  text->append(event);
  text->append("\n");
  std::size_t from = 0;
  while (from <= data.size()) {
    const auto end = data.find_first_of("\r\n", from);
    const auto line = data.substr(from, end == std::string_view::npos ? end : end - from);
    text->append("data: ").append(line).append("\n");
    if (end == std::string_view::npos) break;
    from = end + ((data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1);
  }
  text->append("\n");
  if (text->size() > static_cast<std::size_t>(core_->options.max_stream_queue_bytes)) {
    log::warn("local_api: event {} of {} bytes is over the stream queue limit; not sent", event,
              text->size());
    return false;
  }
  ++core_->counters.events_published;
  // A push may close (and so unregister) a stream: walk a copy.
  std::vector<Connection*> streams;
  for (auto* c : core_->open) {
    if (c->isStream()) streams.push_back(c);
  }
  const std::shared_ptr<const std::string> shared = std::move(text);
  for (auto* s : streams) s->push(shared);
  return true;
}

ServerStats Server::stats() const {
  ServerStats s = core_->counters;
  s.connections = core_->open.size();
  s.streams = core_->streams;
  for (const auto* c : core_->open) {
    s.buffered_bytes += c->bufferedBytes();
    s.stream_queued_bytes += c->queuedBytes();
  }
  return s;
}

void Server::stop() {
  if (core_->stopped) return;
  core_->stopped = true;
  boost::system::error_code ec;
  if (core_->tcp) core_->tcp->close(ec);
  if (core_->local) core_->local->close(ec);
  core_->retry.cancel();
  // Each close() takes its connection out of the set.
  while (!core_->open.empty()) (*core_->open.begin())->close();
  core_->mounts.clear();
  if (!core_->socket_path.empty()) ::unlink(core_->socket_path.c_str());
}

}  // namespace crm::localapi
