// Publishes the outbox to the dealer's MQTT broker.
//
// - Connects through Paho's async client; Paho's callbacks arrive on Paho's
//   own threads and only post copies onto the event loop: all state lives on
//   the loop, nothing here blocks it.
// - Status: "online" (retained) at every connect; "offline" as the last will
//   and at a clean stop. Both carry the envelope and a durable seq.
// - Outbox messages go out at QoS 1 in seq order, at most max_inflight at a
//   time; one is removed from the outbox only when the broker acknowledges it
//   (PUBACK). After a reconnect everything unacknowledged is sent again with
//   the same id, so the CRM sees duplicates only as re-sends.
// - Broker down: the agent keeps collecting; reconnects with capped
//   exponential backoff and jitter. Why a connection is refused (TLS, a
//   file, credentials, refused, unreachable, timeout) is logged once when
//   it appears or changes, with the broker URI; the retries log at debug.
// - MQTT 3.1.1 or 5 (options.h). With 5 every message carries its envelope
//   id as user property "id", and outbox messages the rest of their kind's
//   time to live as message-expiry-interval.
// - "online" names in will_seq the seq reserved for this connection's will,
//   so that the CRM knows that seq is missing by design, not lost.
// - Commands: with a command handler set, subscribes to {root}/cmd/+ at QoS 1
//   at every connect and hands each arrival to the handler on the loop. The
//   session is persistent (the client id is stable per car): a command the
//   CRM sends while the car is offline waits at the broker and arrives at
//   the next connect. (Outgoing messages do not rely on the session: the
//   outbox re-sends what was not acknowledged.)
//
// Threading: every public method must be called on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crm/os/clock.h"
#include "crm/store/store.h"
#include "crm/sync/options.h"

namespace crm::sync {

struct PublisherStats {
  bool connected = false;
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t published = 0;  // PUBACKs received for outbox messages
  std::uint64_t in_flight = 0;
  std::uint64_t commands_received = 0;
  // The clock's time of the last PUBACK of an outbox message; nullopt:
  // none since the publisher was made.
  std::optional<std::int64_t> last_ack_ms;
  // Why the last connect attempt failed (refusal.h), while not connected;
  // nullopt once connected. Never holds a secret.
  std::optional<std::string> last_refusal;
};

class Publisher {
 public:
  // `io`, `store` and `clock` must outlive the Publisher. The clock stamps
  // status messages.
  Publisher(boost::asio::io_context& io, store::Outbox& store, const os::Clock& clock,
            MqttOptions config, std::string vin);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Receives a command: `name` is the topic's last level, `payload` the raw
  // bytes, unchecked. Called on the loop; the handler must not block.
  using CommandHandler = std::function<void(std::string name, std::string payload)>;
  // Set before start(); without a handler the publisher does not subscribe.
  void onCommand(CommandHandler handler);

  // The car's time, against which a queued message's time to live is
  // judged (the outbox drops what is stale, counted; MQTT 5's message
  // expiry is what is left of it). The envelope's ts is the car's time, so
  // staleness is too: a recording or the simulated car runs on its own
  // timeline, not the wall clock's. nullopt (or no function set): nothing
  // is judged stale, and MQTT 5 messages carry their whole time to live.
  using CarTime = std::function<std::optional<std::int64_t>()>;
  void setCarTime(CarTime now);

  // Starts connecting; returns at once.
  void start();
  // Tells the publisher that new messages were committed to the outbox.
  void kick();
  // Someone is waiting (the technician's sync-now): a connection waiting
  // out its backoff is tried now; a live one is pumped as kick() does.
  // Connecting or stopping: nothing changes.
  void retryNow();
  // Calls `done(true)` on the loop once every committed outbox message has
  // been acknowledged by the broker, or `done(false)` after `timeout` (the
  // broker is away: the messages stay in the outbox for the next start).
  // For a finite run (--until-source-ends) that should leave nothing behind.
  void drain(std::chrono::milliseconds timeout, std::function<void(bool)> done);
  // Publishes "offline" (retained), waits for it up to `timeout` without
  // blocking the loop, disconnects, then calls `done` on the loop. Safe when
  // never connected. Destroying a Publisher never blocks either.
  void stop(std::chrono::milliseconds timeout, std::function<void()> done);

  PublisherStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace crm::sync
