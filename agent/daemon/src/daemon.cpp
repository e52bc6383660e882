// The daemon: one Asio event loop driving the vehicle source through the
// pipeline (crm/pipeline), the store's batched commits, the MQTT publisher,
// signals and the systemd watchdog. What is the daemon's own: wall-clock
// time, pacing a simulated car, fsync per commit, the outbox to MQTT.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <iostream>

#include "crm/common/log.h"
#include "crm/config/config.h"
#include "crm/localapi/hmi_routes.h"
#include "crm/localapi/server.h"
#include "crm/localapi/sovd_routes.h"
#include "crm/os/clock.h"
#include "crm/os/systemd.h"
#include "crm/pipeline/pipeline.h"
#include "crm/store/store.h"
#include "crm/sync/publisher.h"
#include "hmi_service.h"
#include "options.h"
#include "programs.h"
#include "reload.h"
#include "sources.h"
#include "sovd_service.h"

namespace crm::daemon {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Records handled per loop turn before yielding, so that signals, timers,
// MQTT callbacks and the driver's screen are served even when an
// accelerated source has a backlog: at most this many, and no longer than
// kTurnBudget (an HMI request then waits a few ms, not a whole turn).
constexpr int kRecordsPerTurn = 2000;
constexpr std::chrono::milliseconds kTurnBudget{5};
// How often time is looked at when no record arrives (a day may end).
constexpr milliseconds kTickInterval{60'000};
// How long --until-source-ends waits for the broker to take the outbox.
constexpr milliseconds kDrainTimeout{30'000};
// While the disk is full, how often the log says so (with the count).
constexpr std::chrono::seconds kFullLogInterval{60};
// Stable: the meta key counting records dropped while the disk was full.
constexpr std::string_view kDroppedWhileFullKey = "ingest.dropped_disk_full";

class Daemon {
 public:
  // `technician_token`: the technician API's bearer token; empty: that API
  // is not served.
  Daemon(const DaemonOptions& options, config::Config config, std::unique_ptr<store::Store> store,
         std::unique_ptr<vehicle::VehicleSource> source, std::string technician_token)
      : options_(options),
        config_(std::move(config)),
        technician_token_(std::move(technician_token)),
        store_(std::move(store)),
        source_(std::move(source)),
        pipeline_(*store_, clock_,
                  pipelineOptions(config_, telemetry::Ingest::VinFrom::kConfiguration)),
        signals_(io_, SIGINT, SIGTERM),
        hup_(io_, SIGHUP),
        pace_(io_),
        commit_timer_(io_),
        tick_timer_(io_),
        watchdog_(io_) {
    resume_after_ = store_->newestSampleMs();
    if (auto dropped = store_->metaInt(kDroppedWhileFullKey); dropped && *dropped) {
      dropped_while_full_ = static_cast<std::uint64_t>(**dropped);
    }
  }

  int run() {
    if (config_.mqtt.enabled) {
      startPublisher();
    }
    startLocalApi();
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (!ec) shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    });
    waitHup();
    scheduleCommit();
    scheduleTick();
    startWatchdog();
    asio::post(io_, [this] { pumpSource(); });
    os::notifyReady();
    log::info("agent: running, vin={} source={} cache={}", config_.vehicle.vin,
              config_.source.kind == config::SourceKind::kSimulator ? "simulator" : "recording",
              config_.storage.path);
    io_.run();
    return exit_code_;
  }

 private:
  void pumpSource() {
    if (stopping_ || source_done_) return;
    const auto turn_end = Clock::now() + kTurnBudget;
    for (int i = 0; i < kRecordsPerTurn; ++i) {
      if (i % 64 == 63 && Clock::now() >= turn_end) break;
      if (!pending_) pending_ = source_->next();
      if (!pending_) {
        sourceEnded();
        return;
      }
      const auto ts = vehicle::timeOf(*pending_);
      // After a restart the simulator replays from its start: skip what the
      // store already holds, samples and a recording's commands alike (a
      // command met again would only be answered "already processed").
      if (resume_after_ && ts && *ts <= *resume_after_) {
        pending_.reset();
        continue;
      }
      if (ts) {
        if (!sim_origin_) {
          sim_origin_ = *ts;
          wall_origin_ = Clock::now();
        }
        const auto due =
            wall_origin_ +
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(
                static_cast<double>(*ts - *sim_origin_) / config_.source.acceleration));
        if (due > Clock::now()) {
          pace_.expires_at(due);
          pace_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) pumpSource();
          });
          return;
        }
      }
      if (ingest_paused_) {
        // The disk is full: the record is dropped, and counted.
        ++dropped_while_full_;
        pending_.reset();
        continue;
      }
      // A recording source's command lines are commands as from the CRM.
      if (!pipeline_.feed(*pending_)) {
        pending_.reset();
        if (!pauseIfFull()) {
          storeFailed();
          return;
        }
        ++dropped_while_full_;
        continue;
      }
      pending_.reset();
    }
    asio::post(io_, [this] { pumpSource(); });
  }

  void sourceEnded() {
    source_done_ = true;
    // A recording that could not be read to its end says why.
    if (auto why = source_->endError()) log::error("agent: {}", *why);
    const auto& c = pipeline_.ingestCounters();
    log::info("agent: vehicle source finished; accepted={} rejected={}", c.accepted,
              c.rejected.total());
    if (!options_.until_source_ends) {
      if (!commitNow()) storeFailed();
      return;
    }
    // The data is complete: its last day and the report for the period
    // ending at its last sample go out, as a replay of it would send them.
    if (auto last = pipeline_.finish(); !last) {
      log::error("agent: closing the source's data: {}", last.error().message);
      storeFailed();
      return;
    }
    if (!commitNow()) {
      storeFailed();
      return;
    }
    if (!publisher_) {
      shutdown("source finished");
      return;
    }
    // A finite run leaves nothing behind that the broker could have had.
    publisher_->drain(kDrainTimeout, [this](bool drained) {
      if (!drained) {
        log::warn(
            "agent: the broker did not take every message in time; the rest stays in "
            "the outbox for the next start");
      }
      shutdown("source finished");
    });
  }

  // A full disk degrades instead of stopping: ingest pauses (records are
  // dropped and counted), the publisher keeps sending and acknowledging
  // the outbox, and each commit tick tries again. False when the failure
  // was not a full disk.
  bool pauseIfFull() {
    if (!store_->full()) return false;
    if (!ingest_paused_) {
      ingest_paused_ = true;
      last_full_log_ = Clock::now();
      log::error(
          "agent: the disk is full; ingest paused until space returns (samples are dropped and "
          "counted in meta {}); the outbox is still sent",
          kDroppedWhileFullKey);
    }
    return true;
  }

  // On the commit tick while paused: a small write (the drop counter) that
  // succeeds means there is space again.
  void tryResume() {
    auto st = store_->setMeta(kDroppedWhileFullKey, std::to_string(dropped_while_full_));
    if (st) st = store_->commit();
    if (!st) {
      if (Clock::now() - last_full_log_ >= kFullLogInterval) {
        last_full_log_ = Clock::now();
        log::error("agent: the disk is still full ({}); ingest paused, {} records dropped so far",
                   st.error().message, dropped_while_full_);
      }
      return;
    }
    ingest_paused_ = false;
    log::info("agent: space is back; ingest resumed ({} records dropped while the disk was full)",
              dropped_while_full_);
    if (publisher_) publisher_->kick();
  }

  void storeFailed() {
    log::error("agent: store write failed; stopping");
    exit_code_ = 1;
    shutdown("store failure");
  }

  void scheduleTick() {
    tick_timer_.expires_after(kTickInterval);
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      if (!ingest_paused_ && !pipeline_.tick() && !pauseIfFull()) {
        storeFailed();
        return;
      }
      scheduleTick();
    });
  }

  // False when the store failed (logged); the caller decides whether that
  // stops the agent.
  bool commitNow() {
    if (!store_->hasStaged()) return true;
    if (auto st = store_->commit(); !st) {
      log::error("agent: {}", st.error().message);
      return false;
    }
    if (publisher_) publisher_->kick();
    // The screen learns of a prompt change once it is durable, never before.
    if (prompts_changed_ && local_api_) {
      prompts_changed_ = false;
      (void)local_api_->publish("prompts", R"({"changed":true})");
    }
    return true;
  }

  // The driver's HMI API. Without it the agent still collects, reports and
  // syncs: a port in use is logged, not fatal.
  void startLocalApi() {
    pipeline_.onPromptEvent([this](const engagement::LifecycleEvent&) { prompts_changed_ = true; });
    if (!config_.local_api.enabled) return;
    hmi_ = std::make_unique<HmiService>(pipeline_, *store_, config_.maintenance.table,
                                        [this] { return commitNow(); });
    std::vector<localapi::Mount> mounts;
    mounts.push_back(localapi::hmiMount(*hmi_));
    // The technician's API beside it, behind its token.
    if (!technician_token_.empty()) {
      sovd_ = std::make_unique<SovdService>(
          io_, pipeline_, *store_, config_, clock_, [this] { return publisher_.get(); },
          [this] { return commitNow(); });
      mounts.push_back(localapi::sovdMount(*sovd_, technician_token_));
    }
    auto server = localapi::Server::create(io_, config_.local_api, std::move(mounts));
    if (!server) {
      log::error("agent: the driver's HMI API is not served: {}", server.error().message);
      return;
    }
    local_api_ = std::move(server).value();
    const char* technician = sovd_ ? " (and the technician API at /sovd/v1)" : "";
    if (config_.local_api.unix_socket.empty()) {
      log::info("agent: HMI at http://{}:{}/hmi/{}", config_.local_api.address, local_api_->port(),
                technician);
    } else {
      log::info("agent: HMI API on unix socket {}{}", config_.local_api.unix_socket, technician);
    }
  }

  void scheduleCommit() {
    commit_timer_.expires_after(milliseconds(config_.storage.commit_interval_ms));
    commit_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      // A failed commit is logged and the next one tries again: the agent
      // keeps running; a full disk pauses ingest until space returns.
      if (ingest_paused_) {
        tryResume();
      } else if (!commitNow()) {
        ++failed_commits_;
        pauseIfFull();
      }
      scheduleCommit();
    });
  }

  void startWatchdog() {
    auto interval = os::watchdogInterval();
    if (!interval) return;
    watchdog_interval_ = std::chrono::duration_cast<milliseconds>(*interval / 2);
    pingWatchdog();
  }

  void pingWatchdog() {
    // Pinged from the loop itself: a stuck loop stops the pings and systemd
    // restarts the agent.
    os::notifyWatchdog();
    watchdog_.expires_after(watchdog_interval_);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) pingWatchdog();
    });
  }

  void waitHup() {
    hup_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec || stopping_) return;
      reload();
      waitHup();
    });
  }

  void reload() {
    os::notifyReloading();
    auto loaded = config::loadConfig(options_.config_path);
    if (!loaded) {
      log::error("agent: reload refused, keeping the running configuration: {}",
                 loaded.error().message);
      os::notifyReady();
      return;
    }
    config::Config next = std::move(loaded).value();
    const ReloadPlan plan = planReload(config_, next);
    if (!plan.need_restart.empty()) {
      // Kept as they run: the cache, the car's identity and its source are
      // opened once. Said by name, so that nobody thinks them applied.
      log::warn("agent: reload: {} changed; the running values stay until the next start",
                joinKeys(plan.need_restart));
    }
    spdlog::set_level(spdlog::level::from_str(next.log_level));
    config_.engagement = next.engagement;
    config_.privacy = next.privacy;
    config_.maintenance = next.maintenance;
    config_.report_period_days = next.report_period_days;
    pipeline_.setReportPeriodDays(next.report_period_days);
    pipeline_.setMaintenance(next.maintenance.table);
    // Committed first, so that consent withdrawn also takes back the prompt
    // history the open batch holds.
    if (!commitNow()) ++failed_commits_;
    pipeline_.setEngagement(next.engagement, next.privacy.share_prompt_history);
    config_.log_level = next.log_level;
    config_.storage.commit_interval_ms = next.storage.commit_interval_ms;
    config_.mqtt = next.mqtt;
    if (!plan.mqtt_changed.empty()) {
      // Every mqtt.* key is applied the one way that covers them all: a new
      // connection with the new settings (the outbox keeps what is unsent).
      log::info("agent: reload: {} changed; reconnecting to the broker with them",
                joinKeys(plan.mqtt_changed));
      restartPublisher();
    }
    log::info("agent: configuration reloaded");
    os::notifyReady();
  }

  void startPublisher() {
    publisher_ =
        std::make_unique<sync::Publisher>(io_, *store_, clock_, config_.mqtt, config_.vehicle.vin);
    publisher_->onCommand([this](const std::string& name, const std::string& payload) {
      onMqttCommand(name, payload);
    });
    // Staleness on the car's timeline: the newest sample's time (a live
    // car's is the wall clock's; a recording or the simulated car has its own).
    publisher_->setCarTime([this] { return store_->newestSampleMs(); });
    publisher_->start();
  }

  // On the loop, from the publisher. Whatever the payload, the processor
  // answers it with a cmd-result and never throws: a bad command cannot stop
  // the agent. Committed without waiting for the commit timer, but once per
  // burst: commands queued at the broker while the car was away arrive
  // together, and each commit is an fsync.
  void onMqttCommand(const std::string& name, const std::string& payload) {
    // The outcome is in the outbox (cmd-result) and in the log.
    (void)pipeline_.command(name, payload);
    if (command_commit_posted_) return;
    command_commit_posted_ = true;
    asio::post(io_, [this] {
      command_commit_posted_ = false;
      if (!commitNow()) ++failed_commits_;
    });
  }

  void restartPublisher() {
    auto old = std::shared_ptr<sync::Publisher>(std::move(publisher_));
    auto startNew = [this] {
      if (stopping_ || !config_.mqtt.enabled) return;
      startPublisher();
    };
    if (!old) {
      startNew();
      return;
    }
    old->stop(milliseconds(3000), [this, old, startNew]() mutable {
      // Destroy after the stop handler returns, outside the publisher's own call stack.
      asio::post(io_, [old = std::move(old)] {});
      startNew();
    });
  }

  void shutdown(const char* why) {
    if (stopping_) return;
    stopping_ = true;
    os::notifyStopping();
    log::info("agent: stopping ({}){}", why,
              failed_commits_ > 0 ? fmt::format("; {} commits had failed", failed_commits_) : "");
    pace_.cancel();
    if (local_api_) local_api_->stop();
    commit_timer_.cancel();
    tick_timer_.cancel();
    watchdog_.cancel();
    signals_.cancel();
    hup_.cancel();
    if (!commitNow()) exit_code_ = 1;
    auto finish = [this] {
      if (!commitNow()) exit_code_ = 1;
      io_.stop();
    };
    if (publisher_) {
      publisher_->stop(milliseconds(5000), finish);
    } else {
      finish();
    }
  }

  DaemonOptions options_;
  config::Config config_;
  std::string technician_token_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<vehicle::VehicleSource> source_;
  bool command_commit_posted_ = false;
  std::uint64_t failed_commits_ = 0;
  os::SystemClock clock_;
  pipeline::Pipeline pipeline_;
  asio::io_context io_;
  asio::signal_set signals_, hup_;
  asio::steady_timer pace_, commit_timer_, tick_timer_, watchdog_;
  std::unique_ptr<sync::Publisher> publisher_;
  std::unique_ptr<HmiService> hmi_;
  std::unique_ptr<SovdService> sovd_;
  std::unique_ptr<localapi::Server> local_api_;
  bool prompts_changed_ = false;
  std::optional<vehicle::Record> pending_;
  std::optional<std::int64_t> resume_after_;
  std::optional<std::int64_t> sim_origin_;
  Clock::time_point wall_origin_;
  milliseconds watchdog_interval_{0};
  bool stopping_ = false;
  bool source_done_ = false;
  bool ingest_paused_ = false;            // the disk is full
  std::uint64_t dropped_while_full_ = 0;  // all time (meta ingest.dropped_disk_full)
  Clock::time_point last_full_log_;
  int exit_code_ = 0;
};

}  // namespace

int runDaemon(const DaemonOptions& options) {
  auto loaded = config::loadConfig(options.config_path);
  if (!loaded) {
    std::cerr << "crm-agent: " << loaded.error().message << "\n";
    return 2;
  }
  config::Config config = std::move(loaded).value();
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  // The token is read once, now: a bad one stops the start like a bad
  // configuration (its permissions were checked with it).
  std::string technician_token;
  if (const auto& file = config.local_api.technician_token_file; !file.empty()) {
    if (!config.local_api.enabled) {
      log::warn(
          "agent: local_api.technician_token_file is set but local_api.enabled is false: "
          "the technician API is not served");
    } else {
      auto token = localapi::readTokenFile(file);
      if (!token) {
        std::cerr << "crm-agent: " << options.config_path
                  << ": local_api.technician_token_file: " << token.error().message << "\n";
        return 2;
      }
      technician_token = std::move(token).value();
    }
  }
  auto store =
      store::Store::open(storeOptions(config, config.storage.path, Durability::kAsConfigured));
  if (!store) {
    log::error("agent: cannot open the cache: {}", store.error().message);
    return 1;
  }
  auto source = makeSource(config.source);
  if (!source) {
    std::cerr << "crm-agent: "
              << (source.error().code == SourceError::kCannotOpen ? "source.recording: " : "")
              << source.error().message << "\n";
    return 2;
  }
  Daemon daemon(options, std::move(config), std::move(store).value(), std::move(source).value(),
                std::move(technician_token));
  return daemon.run();
}

}  // namespace crm::daemon
