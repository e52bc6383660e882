#include "crm/sync/publisher.h"

#include <mqtt/async_client.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "connection.h"
#include "crm/common/log.h"
#include "crm/common/wire.h"
#include "crm/sync/backoff.h"
#include "crm/sync/envelope.h"
#include "crm/sync/message_expiry.h"
#include "crm/sync/refusal.h"

namespace crm::sync {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

}  // namespace

// Named, not anonymous: Publisher::Impl has members of this type. In a unity
// build this file is #included into a chunk, and GCC then reports a member of
// internal linkage in a type of external linkage (-Wsubobject-linkage, an
// error with -Werror). Private to this file.
namespace detail {

// Forwards a Paho action result to a function; lives as long as the Impl.
class Listener final : public mqtt::iaction_listener {
 public:
  std::function<void(const mqtt::token&, bool)> fn;
  void on_success(const mqtt::token& tok) override { fn(tok, true); }
  void on_failure(const mqtt::token& tok) override { fn(tok, false); }
};

}  // namespace detail

struct Publisher::Impl final : public std::enable_shared_from_this<Impl>, public mqtt::callback {
  enum class State { kIdle, kConnecting, kConnected, kStopping, kStopped };

  Impl(asio::io_context& io_, store::Outbox& store_, const os::Clock& clock_, MqttOptions cfg_,
       std::string vin_)
      : io(io_),
        store(store_),
        clock(clock_),
        cfg(std::move(cfg_)),
        vin(std::move(vin_)),
        root(cfg.prefix + "/" + vin),
        retry(io_),
        stop_timer(io_),
        resubscribe(io_),
        drain_timer(io_),
        rng(std::random_device{}()) {}

  asio::io_context& io;
  store::Outbox& store;
  const os::Clock& clock;
  MqttOptions cfg;
  std::string vin;
  std::string root;
  asio::steady_timer retry;
  asio::steady_timer stop_timer;
  asio::steady_timer resubscribe;
  asio::steady_timer drain_timer;
  std::mt19937_64 rng;
  State state = State::kIdle;
  int attempt = 0;
  std::chrono::steady_clock::time_point attempt_started;
  // The seq the broker publishes the will under if this connection dies;
  // told to the CRM in "online" so that it knows that gap is no loss.
  std::optional<std::int64_t> will_seq;
  // The will of attempts that have not connected yet. A refused attempt's
  // will was never the broker's to publish, so the next attempt offers the
  // same message (same seq, same id) rather than reserving a seq that no
  // "online" would ever name: an outage leaves no unexplained gaps. Should
  // an attempt the agent took for failed have reached the broker after all,
  // its will is the same message, and the CRM drops the copy by id.
  std::optional<Will> pending_will;
  // The reason last logged for a refused connection: a new one is logged
  // once, not at every retry of a days-long outage.
  std::optional<Refusal> last_refusal;
  // Checks, after a TLS connect failure, whether a plain TCP connection to
  // the broker succeeds: Paho says "TCP/TLS connect failure" for both.
  std::unique_ptr<asio::ip::tcp::socket> probe;
  std::unique_ptr<asio::ip::tcp::resolver> resolver;
  std::int64_t sent_upto = 0;  // highest seq handed to Paho on this connection
  std::set<std::int64_t> in_flight;
  PublisherStats stats;
  std::function<void()> on_stopped;
  std::function<void(bool)> on_drained;
  std::chrono::steady_clock::time_point drain_deadline;
  Publisher::CommandHandler on_command;
  Publisher::CarTime car_time;
  detail::Listener connect_listener, publish_listener, status_listener, disconnect_listener,
      subscribe_listener;
  // The TLS options of the current connection: Paho's TLS error handler
  // holds its address, so it lives as long as the client may use it.
  std::unique_ptr<mqtt::ssl_options> ssl;
  // Declared last: destroyed first, so no Paho callback outlives what it uses.
  std::unique_ptr<mqtt::async_client> client;

  // Runs `fn` on the loop if the Impl still exists. Called from Paho threads.
  void toLoop(std::function<void(Impl&)> fn) {
    asio::post(io, [weak = weak_from_this(), fn = std::move(fn)] {
      if (auto self = weak.lock()) fn(*self);
    });
  }

  std::string statusBody(const char* state_name, const char* reason,
                         std::optional<std::int64_t> will) {
    nlohmann::json body{{"state", state_name}, {"reason", reason}, {"agent_version", "0.1.0"}};
    if (will) body["will_seq"] = *will;
    return body.dump();
  }

  void init() {
    // Stable per car: the broker keeps the persistent session under it.
    if (cfg.client_id.empty()) cfg.client_id = "crm-agent-" + vin;
    try {
      client = std::make_unique<mqtt::async_client>(cfg.broker, cfg.client_id, createOptions(cfg));
    } catch (const mqtt::exception& e) {
      // The configuration check should have caught it; the agent keeps
      // collecting and the outbox keeps everything until a good broker URI.
      log::error("mqtt: cannot use broker {}: {}; not connecting", cfg.broker, e.what());
      return;
    }
    if (usesTls(cfg) && cfg.broker.rfind("tcp://", 0) == 0) {
      // Paho would connect in the clear and ignore the TLS files.
      log::warn("mqtt: mqtt.tls is set but {} is not a TLS URI (ssl://): not encrypted",
                cfg.broker);
    }
    client->set_callback(*this);
    connect_listener.fn = [this](const mqtt::token& tok, bool ok) {
      if (ok) {
        toLoop([](Impl& self) { self.onConnected(); });
        return;
      }
      ConnectFailure failure = failureOf(tok);
      toLoop([failure = std::move(failure)](Impl& self) mutable {
        self.onConnectFailed(std::move(failure));
      });
    };
    publish_listener.fn = [this](const mqtt::token& tok, bool ok) {
      const auto seq =
          static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(tok.get_user_context()));
      toLoop([ok, seq](Impl& self) { self.onPublished(seq, ok); });
    };
    status_listener.fn = [](const mqtt::token&, bool) {};
    subscribe_listener.fn = [this](const mqtt::token&, bool ok) {
      toLoop([ok](Impl& self) { self.onSubscribed(ok); });
    };
    disconnect_listener.fn = [this](const mqtt::token&, bool) {
      toLoop([](Impl& self) { self.finishStop(); });
    };
  }

  // On Paho's thread, from the failed connect's token.
  ConnectFailure failureOf(const mqtt::token& tok) {
    ConnectFailure f;
    f.return_code = tok.get_return_code();
    try {
      // Complete by now: this only rethrows what Paho recorded (no wait).
      (void)tok.get_connect_response();
    } catch (const mqtt::exception& e) {
      f.return_code = e.get_return_code();
      f.message = e.get_message();
    } catch (const std::exception&) {
      // No response: the return code is all there is.
    }
    return f;
  }

  void connect() {
    if (state == State::kStopping || state == State::kStopped || !client) return;
    state = State::kConnecting;
    attempt_started = std::chrono::steady_clock::now();
    auto password = readConnectFiles(cfg);
    if (!password) {
      onRefused({password.error().code, password.error().message});
      return;
    }
    // The will is what the broker publishes if the car vanishes; it needs its
    // own durable seq, which the store reserves without a database write.
    // Should even that fail, the agent connects without a will: the outbox
    // draining matters more than an "offline" the broker would publish.
    if (!pending_will) {
      will_seq.reset();
      if (auto taken = store.reserve(); taken) {
        pending_will =
            Will{statusTopic(),
                 envelope(wire::spec(wire::Kind::kStatus).schema, taken->id, taken->seq, vin,
                          clock.nowMs(), statusBody("offline", "unexpected", std::nullopt)),
                 taken->id};
        will_seq = taken->seq;
      } else {
        log::error("mqtt: connecting without a last will: {}", taken.error().message);
      }
    }
    const std::optional<Will>& will = pending_will;
    // Replaced only here, while no attempt is under way (state was idle).
    ssl = sslOptions(cfg);
    mqtt::connect_options options;
    fillConnectOptions(options, cfg, will, *password, ssl.get());
    try {
      client->connect(options, nullptr, connect_listener);
    } catch (const mqtt::exception& e) {
      ConnectFailure f;
      f.return_code = e.get_return_code();
      f.message = e.get_message();
      onConnectFailed(std::move(f));
    }
  }

  void scheduleRetry() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto delay = backoffDelay(attempt++, milliseconds(cfg.reconnect_min_ms),
                                    milliseconds(cfg.reconnect_max_ms), unit(rng));
    // Debug: the reason was logged when it appeared; a days-long outage must
    // not fill the log with one line per retry.
    log::debug("mqtt: reconnecting to {} in {} ms (attempt {})", cfg.broker, delay.count(),
               attempt);
    retry.expires_after(delay);
    retry.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      // Idle only: retryNow() may have connected already while this waited to run.
      if (!ec && self && self->state == State::kIdle) self->connect();
    });
  }

  void onConnectFailed(ConnectFailure failure) {
    failure.tls = usesTls(cfg);
    failure.client_cert = !cfg.tls.cert_file.empty();
    // A second of slack: Paho's own timer and ours do not start together.
    failure.timed_out = std::chrono::steady_clock::now() - attempt_started >=
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            kConnectTimeout - std::chrono::seconds(1));
    if (failure.tls && !failure.timed_out &&
        failure.message.find("TCP/TLS connect failure") != std::string::npos) {
      probeTcp(std::move(failure));
      return;
    }
    onRefused(classifyConnectFailure(failure));
  }

  // Tries a plain TCP connection to the broker's host and port, then
  // classifies: reachable means the TLS handshake is what failed.
  void probeTcp(ConnectFailure failure) {
    const auto target = hostAndPort(cfg.broker);
    if (!target) {
      onRefused(classifyConnectFailure(failure));
      return;
    }
    resolver = std::make_unique<asio::ip::tcp::resolver>(io);
    resolver->async_resolve(
        target->first, target->second,
        [weak = weak_from_this(), failure](const boost::system::error_code& ec,
                                           const asio::ip::tcp::resolver::results_type& found) {
          auto self = weak.lock();
          if (!self) return;
          if (ec) {
            self->onRefused(classifyConnectFailure(failure));
            return;
          }
          self->probe = std::make_unique<asio::ip::tcp::socket>(self->io);
          asio::async_connect(
              *self->probe, found,
              [weak = self->weak_from_this(), failure](const boost::system::error_code& cec,
                                                       const asio::ip::tcp::endpoint&) mutable {
                auto me = weak.lock();
                if (!me) return;
                failure.tcp_reachable = !cec;
                boost::system::error_code ignored;
                me->probe->close(ignored);
                me->onRefused(classifyConnectFailure(failure));
              });
        });
  }

  void onRefused(Refusal refusal) {
    ++stats.connect_failures;
    if (state != State::kConnecting) return;
    state = State::kIdle;
    if (last_refusal != refusal) {
      log::warn("mqtt: cannot connect to {}: {} [{}]; retrying with backoff up to {} ms",
                cfg.broker, refusal.reason, refusalKindName(refusal.kind), cfg.reconnect_max_ms);
      last_refusal = refusal;
    }
    stats.last_refusal = refusal.reason;
    scheduleRetry();
  }

  void onConnected() {
    if (state != State::kConnecting) return;
    state = State::kConnected;
    attempt = 0;
    ++stats.connects;
    stats.connected = true;
    stats.last_refusal.reset();
    last_refusal.reset();
    sent_upto = 0;
    in_flight.clear();
    log::info("mqtt: connected to {}", cfg.broker);
    publishStatus("online", "connected", will_seq);
    // This will is the broker's now: the next connection needs its own.
    pending_will.reset();
    subscribe();
    pump();
  }

  std::string commandFilter() const { return root + "/" + std::string(wire::kCommandTopic) + "/+"; }

  void subscribe() {
    if (!on_command || state != State::kConnected) return;
    try {
      client->subscribe(commandFilter(), 1, nullptr, subscribe_listener);
    } catch (const mqtt::exception& e) {
      // The connection is going away; the next connect subscribes again.
      log::warn("mqtt: subscribe failed: {}", e.what());
    }
  }

  void onSubscribed(bool ok) {
    if (ok) {
      log::info("mqtt: subscribed to {}", commandFilter());
      return;
    }
    if (state != State::kConnected) return;
    // Deaf to commands while connected would go unnoticed: try again.
    log::warn("mqtt: subscription to {} refused; retrying", commandFilter());
    resubscribe.expires_after(milliseconds(cfg.reconnect_min_ms));
    resubscribe.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self) self->subscribe();
    });
  }

  void onMessage(const std::string& topic, std::string payload) {
    const std::string prefix = root + "/" + std::string(wire::kCommandTopic) + "/";
    if (!on_command || topic.compare(0, prefix.size(), prefix) != 0) return;
    ++stats.commands_received;
    on_command(topic.substr(prefix.size()), std::move(payload));
  }

  void onLost() {
    if (state != State::kConnected) return;
    state = State::kIdle;
    stats.connected = false;
    in_flight.clear();
    log::warn("mqtt: connection lost; outbox keeps filling");
    scheduleRetry();
  }

  std::string statusTopic() const {
    return topicFor(cfg.prefix, vin, wire::spec(wire::Kind::kStatus).topic);
  }

  // A status message in its envelope, with a seq that is durable when
  // reserve() returns (no commit: a full disk does not stop it): the broker
  // may publish it (the will) after this process is gone.
  void publishStatus(const char* state_name, const char* reason,
                     std::optional<std::int64_t> will = std::nullopt) {
    auto taken = store.reserve();
    if (!taken) {
      log::error("mqtt: status {} not sent: {}", state_name, taken.error().message);
      return;
    }
    const auto env = envelope(wire::spec(wire::Kind::kStatus).schema, taken->id, taken->seq, vin,
                              clock.nowMs(), statusBody(state_name, reason, will));
    try {
      client->publish(mqtt::message::create(statusTopic(), env.data(), env.size(), 1, true,
                                            messageProperties(cfg, taken->id, 0)),
                      nullptr, status_listener);
    } catch (const mqtt::exception& e) {
      log::warn("mqtt: status publish failed: {}", e.what());
    }
  }

  void pump() {
    while (state == State::kConnected &&
           in_flight.size() < static_cast<std::size_t>(cfg.max_inflight)) {
      const auto car_now = car_time ? car_time() : std::nullopt;
      auto batch =
          store.pendingOutbox(sent_upto, cfg.max_inflight - in_flight.size(), car_now.value_or(0));
      if (!batch) {
        // Tried again at the next kick or acknowledgement; nothing is lost.
        log::error("mqtt: {}", batch.error().message);
        return;
      }
      if (batch->empty()) return;
      for (const auto& m : *batch) {
        const auto kind = wire::kindFromTopic(m.kind);
        const bool retained = kind && wire::spec(*kind).retained;
        const auto expiry_s = kind ? messageExpirySeconds(m.created_ms, wire::spec(*kind).ttl_hours,
                                                          car_now.value_or(m.created_ms))
                                   : 0;
        const auto payload = envelope(m);
        auto msg =
            mqtt::message::create(topicFor(cfg.prefix, vin, m.kind), payload.data(), payload.size(),
                                  1, retained, messageProperties(cfg, m.id, expiry_s));
        try {
          // Paho hands back an opaque context pointer: it carries the seq itself,
          // so no per-message allocation has to outlive the callback.
          // NOLINTNEXTLINE(performance-no-int-to-ptr)
          client->publish(msg, reinterpret_cast<void*>(static_cast<std::intptr_t>(m.seq)),
                          publish_listener);
        } catch (const mqtt::exception& e) {
          // The connection is going away; connection_lost will follow.
          log::warn("mqtt: publish failed: {}", e.what());
          return;
        }
        sent_upto = m.seq;
        in_flight.insert(m.seq);
      }
    }
    stats.in_flight = in_flight.size();
  }

  void onPublished(std::int64_t seq, bool ok) {
    if (ok) {
      if (auto st = store.ackOutbox(seq); !st) {
        // Sent again after a restart; the CRM removes the duplicate by id.
        log::error("mqtt: {}", st.error().message);
      }
      ++stats.published;
      stats.last_ack_ms = clock.nowMs();
    }
    in_flight.erase(seq);
    stats.in_flight = in_flight.size();
    if (!ok && state == State::kConnected) {
      // Not acknowledged: send it again from this seq on, in order.
      sent_upto = std::min(sent_upto, seq - 1);
    }
    if (state == State::kStopping && in_flight.empty()) disconnect();
    pump();
  }

  // Nothing committed left to send and nothing awaiting a PUBACK.
  bool drained() {
    if (state != State::kConnected || !in_flight.empty()) return false;
    auto rest = store.pendingOutbox(0, 1);
    return rest && rest->empty();
  }

  void drain(milliseconds timeout, std::function<void(bool)> done) {
    on_drained = std::move(done);
    drain_deadline = std::chrono::steady_clock::now() + timeout;
    drainStep();
  }

  // Looks every 50 ms: the loop keeps serving acknowledgements meanwhile.
  void drainStep() {
    if (!on_drained) return;
    const bool ok = drained();
    if (ok || std::chrono::steady_clock::now() >= drain_deadline || state == State::kStopping ||
        state == State::kStopped) {
      asio::post(io, [done = std::move(on_drained), ok] { done(ok); });
      on_drained = nullptr;
      return;
    }
    pump();
    drain_timer.expires_after(milliseconds(50));
    drain_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self) self->drainStep();
    });
  }

  void stop(milliseconds timeout, std::function<void()> done) {
    on_stopped = std::move(done);
    retry.cancel();
    resubscribe.cancel();
    drain_timer.cancel();
    if (on_drained) {
      asio::post(io, [done = std::move(on_drained)] { done(false); });
      on_drained = nullptr;
    }
    const bool was_connected = state == State::kConnected;
    state = State::kStopping;
    stop_timer.expires_after(timeout);
    stop_timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self) self->finishStop();
    });
    if (!was_connected) {
      finishStop();
      return;
    }
    publishStatus("offline", "stopped");
    if (in_flight.empty()) disconnect();
  }

  void disconnect() {
    try {
      client->disconnect(cfg.keepalive_s * 1000, nullptr, disconnect_listener);
    } catch (const mqtt::exception&) {
      finishStop();
    }
  }

  void finishStop() {
    if (state == State::kStopped) return;
    state = State::kStopped;
    stats.connected = false;
    stop_timer.cancel();
    if (on_stopped) asio::post(io, std::move(on_stopped));
  }

  // mqtt::callback, on Paho's thread.
  void connection_lost(const std::string&) override {
    toLoop([](Impl& self) { self.onLost(); });
  }
  // Copies what arrived; nothing else happens on Paho's thread.
  void message_arrived(mqtt::const_message_ptr msg) override {
    toLoop([topic = msg->get_topic(), payload = msg->to_string()](Impl& self) mutable {
      self.onMessage(topic, std::move(payload));
    });
  }
};

Publisher::Publisher(asio::io_context& io, store::Outbox& store, const os::Clock& clock,
                     MqttOptions config, std::string vin)
    : impl_(std::make_shared<Impl>(io, store, clock, std::move(config), std::move(vin))) {
  impl_->init();
}

// Never waits: stop() is the orderly way out. Destroyed without it, the
// connection simply ends and the broker publishes the will ("offline").
Publisher::~Publisher() = default;

void Publisher::onCommand(CommandHandler handler) {
  impl_->on_command = std::move(handler);
}

void Publisher::setCarTime(CarTime now) {
  impl_->car_time = std::move(now);
}

void Publisher::start() {
  impl_->connect();
}

void Publisher::kick() {
  impl_->pump();
}

void Publisher::retryNow() {
  Impl& im = *impl_;
  if (im.state == Impl::State::kIdle && im.client) {
    // Waiting out a backoff: the technician asked, so this attempt is now
    // (the backoff starts over if it fails).
    im.retry.cancel();
    im.attempt = 0;
    im.connect();
    return;
  }
  im.pump();
}

void Publisher::drain(std::chrono::milliseconds timeout, std::function<void(bool)> done) {
  impl_->drain(timeout, std::move(done));
}

void Publisher::stop(std::chrono::milliseconds timeout, std::function<void()> done) {
  impl_->stop(timeout, std::move(done));
}

PublisherStats Publisher::stats() const {
  return impl_->stats;
}

}  // namespace crm::sync
