// The agent's local HTTP server: HTTP/1.1 on loopback TCP or a Unix domain
// socket, on the agent's one io_context. It serves route tables mounted at
// path prefixes (routes.h) and live event streams (Server-Sent Events) fed
// by publish().
//
// Everything a client can make it hold is bounded (options.h): open
// connections, header and body bytes, time to send a request, time idle
// between requests, time to take a response, event streams and each
// stream's queue. Beyond a bound the client is answered (413, 431, 503) or
// closed; the loop never waits for a client.
//
// Threading: one thread, the io_context's. create(), publish(), stats() and
// stop() must be called there (or before the loop runs).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/result.h"
#include "crm/localapi/options.h"
#include "crm/localapi/routes.h"

namespace crm::localapi {

enum class ServerError : std::uint8_t {
  kInvalidOptions,  // validate() refused them
  kNotLoopback,     // a non-loopback address without allow_non_loopback
  kListen,          // the address or socket path could not be bound
};

// Counters for tests, the status page and the benchmark. "now" values are
// gauges; the others count since create().
struct ServerStats {
  std::size_t connections = 0;          // open now, streams included
  std::size_t streams = 0;              // event streams open now
  std::size_t buffered_bytes = 0;       // request buffer capacity held now
  std::size_t stream_queued_bytes = 0;  // bytes waiting in all streams now
  std::size_t stream_queue_peak = 0;    // most bytes one stream ever held waiting
  std::uint64_t accepted = 0;           // connections taken
  std::uint64_t refused = 0;            // closed at once: max_connections reached
  std::uint64_t requests = 0;           // requests answered, any status
  std::uint64_t timeouts = 0;           // closed by read, idle or write timeout
  std::uint64_t streams_dropped = 0;    // closed because they fell behind
  std::uint64_t events_published = 0;   // publish() calls that went out
};

class Server {
 public:
  // Binds and starts accepting. `io` must outlive the Server. Fails with
  // kInvalidOptions, kNotLoopback or kListen (address in use, socket path
  // not writable, a live server already on the socket); the message says
  // which and where.
  static Result<std::unique_ptr<Server>, ServerError> create(boost::asio::io_context& io,
                                                             Options options,
                                                             std::vector<Mount> mounts);
  // Stops (see stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound TCP port (the real one when options.port was 0); 0 on a Unix
  // socket.
  int port() const;

  // Sends `event` with `data` (one line of JSON) to every open event stream:
  //   event: <event>\ndata: <data>\n\n
  // A stream whose queue would pass max_stream_queue_bytes is dropped. An
  // event name with a line break or ':' or an oversized event is refused
  // (false, logged); true otherwise, streams or not.
  bool publish(std::string_view event, std::string_view data);

  ServerStats stats() const;

  // Stops accepting and closes every connection; a Unix socket file is
  // removed. Pending handlers finish on the loop without touching the
  // routes. Idempotent.
  void stop();

  struct Core;  // shared with the connections (server.cpp)

 private:
  explicit Server(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

}  // namespace crm::localapi
