// One client connection: HTTP/1.1 requests with keep-alive, or, after a
// GET on an events route, a Server-Sent Events stream. Every wait has a
// deadline (basic_stream's expiry) and every buffer a bound, so a client
// that stalls, floods or never reads costs a fixed amount and then is
// closed.
#include <algorithm>
#include <array>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <optional>

#include "core.h"
#include "crm/common/log.h"

namespace crm::localapi {
namespace {

// "127.0.0.1", "localhost", "[::1]" or any 127.x address, with or without a
// port; HTTP/1.0 clients may send no Host at all.
bool isLoopbackHost(std::string_view host) {
  if (host.empty()) return true;
  if (host.front() == '[') return host.substr(0, 5) == "[::1]";
  const auto colon = host.find(':');
  const std::string_view name = host.substr(0, colon);
  return name == "localhost" || name.substr(0, 4) == "127.";
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using std::chrono::milliseconds;

// The first read of a kept-alive connection's next request.
constexpr std::size_t kFirstRead = 1024;
// After an error answer the rest of the request is read and thrown away (up
// to this much), so that closing does not reset the connection before the
// client has read the answer.
constexpr std::size_t kLingerBytes = std::size_t{64} * 1024;

const char* const kStreamHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Connection: close\r\n"
    "\r\n"
    // EventSource reconnects after this many ms when the stream ends.
    "retry: 3000\n\n";

const auto kHeartbeat = std::make_shared<const std::string>(": heartbeat\n\n");

bool isParseError(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream;
}

// One class for TCP and Unix-socket connections: the generic protocol holds
// either, so Beast's operations are compiled once (they were most of the
// library's build time, twice over).
using Protocol = asio::generic::stream_protocol;

class Session : public Connection, public std::enable_shared_from_this<Session> {
  using Stream = beast::basic_stream<Protocol, asio::any_io_executor, beast::unlimited_rate_policy>;

 public:
  Session(std::shared_ptr<Server::Core> core, Protocol::socket socket)
      : core_(std::move(core)),
        options_(core_->options),
        stream_(std::move(socket)),
        buffer_(static_cast<std::size_t>(options_.max_header_bytes + options_.max_body_bytes) +
                kFirstRead),
        heartbeat_(core_->io) {}

  ~Session() override { forget(); }

  void start() {
    core_->open.insert(this);
    ++core_->counters.accepted;
    // A new connection has read_timeout_ms for its whole first request.
    readRequest();
  }

  void close() noexcept override {
    if (closed_) return;
    closed_ = true;
    forget();
    queue_.clear();
    queued_bytes_ = 0;
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_both, ignored);
    try {
      heartbeat_.cancel();
      stream_.close();
    } catch (const std::exception& e) {
      // Asio throws only when the OS refuses to cancel or close; the
      // connection is out of the server's count either way.
      log::warn("local_api: closing a connection: {}", e.what());
    }
  }

  bool isStream() const override { return streaming_; }
  std::size_t bufferedBytes() const override { return buffer_.capacity() + body_capacity_; }
  std::size_t queuedBytes() const override { return queued_bytes_; }

  void push(std::shared_ptr<const std::string> event) override {
    if (closed_) return;
    if (queued_bytes_ + event->size() > static_cast<std::size_t>(options_.max_stream_queue_bytes)) {
      ++core_->counters.streams_dropped;
      log::info("local_api: an event stream fell {} bytes behind; dropped", queued_bytes_);
      close();
      return;
    }
    queued_bytes_ += event->size();
    core_->counters.stream_queue_peak = std::max(core_->counters.stream_queue_peak, queued_bytes_);
    queue_.push_back(std::move(event));
    if (!writing_) writeNext();
  }

 private:
  std::shared_ptr<Session> self() { return this->shared_from_this(); }

  void forget() {
    if (core_->open.erase(this) && streaming_) --core_->streams;
  }

  // ---- HTTP ----

  // Between requests: up to idle_timeout_ms for the first byte of the next.
  void waitForRequest() {
    if (buffer_.size() > 0) {  // pipelined: the next request is already here
      readRequest();
      return;
    }
    buffer_.shrink_to_fit();  // an idle connection holds no buffer
    body_capacity_ = 0;
    stream_.expires_after(milliseconds(options_.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = self()](beast::error_code ec, std::size_t n) {
                              if (ec) {
                                self->readFailed(ec);
                                return;
                              }
                              self->buffer_.commit(n);
                              self->readRequest();
                            });
  }

  void readRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(options_.max_body_bytes));
    stream_.expires_after(milliseconds(options_.read_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     [self = self()](beast::error_code ec, std::size_t) {
                       if (ec) {
                         self->readFailed(ec);
                         return;
                       }
                       self->dispatch();
                     });
  }

  void readFailed(const beast::error_code& ec) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (ec == beast::error::timeout) {
      ++core_->counters.timeouts;
      log::debug("local_api: a client sent no whole request in time; closed");
      close();
    } else if (ec == http::error::body_limit) {
      answerAndClose(
          errorResponse(413, "payload_too_large",
                        "the body is over " + std::to_string(options_.max_body_bytes) + " bytes"));
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      answerAndClose(errorResponse(431, "headers_too_large",
                                   "the request line and headers are over " +
                                       std::to_string(options_.max_header_bytes) + " bytes"));
    } else if (isParseError(ec)) {
      answerAndClose(errorResponse(400, "malformed_request", "not HTTP/1.1: " + ec.message()));
    } else {
      close();  // the client went away (end of stream, reset, half a request)
    }
  }

  void dispatch() {
    if (core_->stopped) {
      close();
      return;
    }
    auto& req = parser_->get();
    body_capacity_ = req.body().capacity();
    const beast::string_view target = req.target();
    const auto q = target.find('?');
    Request r;
    r.method = std::string_view(req.method_string().data(), req.method_string().size());
    r.path = std::string_view(target.data(), q == beast::string_view::npos ? target.size() : q);
    if (q != beast::string_view::npos)
      r.query = std::string_view(target.data() + q + 1, target.size() - q - 1);
    const auto ct = req[http::field::content_type];
    r.content_type = std::string_view(ct.data(), ct.size());
    const auto auth = req[http::field::authorization];
    r.authorization = std::string_view(auth.data(), auth.size());
    r.body = req.body();

    // A web page elsewhere may point a name at 127.0.0.1 (DNS rebinding)
    // and have the head unit's browser call us: such a request carries its
    // own host name. Only loopback names are served over TCP.
    const auto host = req[http::field::host];
    if (core_->socket_path.empty() && !isLoopbackHost(std::string_view(host.data(), host.size()))) {
      answer(errorResponse(403, "forbidden_host", "only a loopback Host is served"),
             req.keep_alive(), req.version());
      return;
    }
    Routes* routes = core_->routesFor(r.path);
    Response res =
        routes ? routes->handle(r) : errorResponse(404, "not_found", "no resource at this path");
    if (res.open_stream) {
      if (core_->streams >= static_cast<std::size_t>(options_.max_streams)) {
        res = errorResponse(
            503, "too_many_streams",
            "at most " + std::to_string(options_.max_streams) + " event streams may be open");
      } else {
        ++core_->counters.requests;
        becomeStream();
        return;
      }
    }
    answer(std::move(res), req.keep_alive(), req.version());
  }

  void answer(Response res, bool keep_alive, unsigned version) {
    ++core_->counters.requests;
    response_.emplace(static_cast<http::status>(res.status), version);
    auto& out = *response_;
    out.set(http::field::content_type, res.content_type);
    out.set(http::field::cache_control, "no-store");
    out.set("X-Content-Type-Options", "nosniff");
    out.set("Referrer-Policy", "no-referrer");
    for (const auto& [name, value] : res.headers) out.set(name, value);
    out.body() = std::move(res.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    keep_alive_after_ = keep_alive;
    stream_.expires_after(milliseconds(options_.write_timeout_ms));
    http::async_write(stream_, out, [self = self()](beast::error_code ec, std::size_t) {
      self->response_.reset();
      if (ec) {
        self->writeFailed(ec);
        return;
      }
      if (!self->keep_alive_after_) {
        self->linger();
        return;
      }
      self->waitForRequest();
    });
  }

  // An answer to a request that could not be read whole: the connection
  // cannot be trusted to be in step, so it ends.
  void answerAndClose(Response res) { answer(std::move(res), false, 11); }

  void writeFailed(const beast::error_code& ec) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (ec == beast::error::timeout) ++core_->counters.timeouts;
    close();
  }

  // Half-closes, then reads and discards what the client still sends until
  // it closes too (bounded in bytes and time).
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
    buffer_.clear();
    stream_.expires_after(milliseconds(options_.read_timeout_ms));
    discard();
  }

  void discard() {
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = self()](beast::error_code ec, std::size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerBytes) {
                                self->close();
                                return;
                              }
                              self->discard();
                            });
  }

  // ---- event stream ----

  void becomeStream() {
    streaming_ = true;
    ++core_->streams;
    parser_.reset();
    buffer_.clear();
    buffer_.shrink_to_fit();
    body_capacity_ = 0;
    log::debug("local_api: event stream opened ({} open)", core_->streams);
    push(std::make_shared<const std::string>(kStreamHead));
    watchClient();
    scheduleHeartbeat();
  }

  // A stream's client sends nothing more; a read that ends tells that it
  // went away. What it does send is thrown away.
  void watchClient() {
    stream_.expires_never();
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = self()](beast::error_code ec, std::size_t) {
                              if (self->closed_) return;
                              if (ec) {
                                self->close();
                                return;
                              }
                              self->watchClient();
                            });
  }

  void scheduleHeartbeat() {
    heartbeat_.expires_after(milliseconds(options_.heartbeat_ms));
    heartbeat_.async_wait([self = self()](const beast::error_code& ec) {
      if (ec || self->closed_) return;
      self->push(kHeartbeat);
      self->scheduleHeartbeat();
    });
  }

  void writeNext() {
    writing_ = true;
    stream_.expires_after(milliseconds(options_.write_timeout_ms));
    asio::async_write(stream_, asio::buffer(*queue_.front()),
                      [self = self()](beast::error_code ec, std::size_t) {
                        // Before the closed_ check: the timeout also ends the
                        // client watch, whose handler may run first.
                        if (ec == beast::error::timeout) {
                          ++self->core_->counters.streams_dropped;
                          log::info("local_api: an event stream took no data in time; dropped");
                        }
                        if (self->closed_) return;
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->queued_bytes_ -= self->queue_.front()->size();
                        self->queue_.pop_front();
                        self->writing_ = false;
                        if (!self->queue_.empty()) self->writeNext();
                      });
  }

  std::shared_ptr<Server::Core> core_;
  const Options& options_;  // core_->options, which outlives this
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::size_t body_capacity_ = 0;
  bool keep_alive_after_ = false;
  bool closed_ = false;
  std::size_t lingered_ = 0;

  bool streaming_ = false;
  asio::steady_timer heartbeat_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // shared: one copy per event
  std::size_t queued_bytes_ = 0;  // in queue_, the one being written included
  bool writing_ = false;
  std::array<char, 256> scratch_{};
};

void start(std::shared_ptr<Server::Core> core, Protocol::socket socket) {
  std::make_shared<Session>(std::move(core), std::move(socket))->start();
}

}  // namespace

void startSession(std::shared_ptr<Server::Core> core, boost::asio::ip::tcp::socket socket) {
  start(std::move(core), Protocol::socket(std::move(socket)));
}

void startSession(std::shared_ptr<Server::Core> core,
                  boost::asio::local::stream_protocol::socket socket) {
  start(std::move(core), Protocol::socket(std::move(socket)));
}

}  // namespace crm::localapi
