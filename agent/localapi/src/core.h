// What the server and its connections share. The connections hold it by
// shared_ptr: a handler that completes after the Server is gone still finds
// it (stopped, with no routes) and only closes its socket.
//
// Threading: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "crm/localapi/options.h"
#include "crm/localapi/routes.h"
#include "crm/localapi/server.h"

namespace crm::localapi {

// One open connection, as the server sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the socket now; pending handlers then finish with an error.
  // Idempotent.
  virtual void close() noexcept = 0;
  virtual bool isStream() const = 0;
  // Queues one formatted event on a stream; a stream that would pass its
  // queue limit is dropped instead. REQUIRES: isStream().
  virtual void push(std::shared_ptr<const std::string> event) = 0;
  virtual std::size_t bufferedBytes() const = 0;
  virtual std::size_t queuedBytes() const = 0;
};

struct Server::Core {
  Core(boost::asio::io_context& io_context, Options opts, std::vector<Mount> table)
      : io(io_context), options(std::move(opts)), mounts(std::move(table)), retry(io_context) {}

  boost::asio::io_context& io;
  Options options;
  std::vector<Mount> mounts;  // cleared by stop(): no route runs after it
  bool stopped = false;

  std::optional<boost::asio::ip::tcp::acceptor> tcp;
  std::optional<boost::asio::local::stream_protocol::acceptor> local;
  std::string socket_path;          // the Unix socket file we created
  boost::asio::steady_timer retry;  // after a failed accept (out of descriptors)

  // Open connections; a connection leaves it when it closes.
  std::unordered_set<Connection*> open;
  std::size_t streams = 0;  // how many of `open` are streams
  ServerStats counters;     // the counting fields; gauges come from `open`

  // The mount whose prefix holds `path`, or nullptr.
  Routes* routesFor(std::string_view path) const;
};

// Starts serving an accepted connection. REQUIRES: below max_connections.
void startSession(std::shared_ptr<Server::Core> core, boost::asio::ip::tcp::socket socket);
void startSession(std::shared_ptr<Server::Core> core,
                  boost::asio::local::stream_protocol::socket socket);

}  // namespace crm::localapi
