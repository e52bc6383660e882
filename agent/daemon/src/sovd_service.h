// The technician's API (localapi/sovd_routes.h) over the running agent: the
// data views and fault list from crm/diagnostics over the live store, with
// what only the daemon knows (uptime, the broker); generate-report through
// the pipeline, made durable before it is answered; sync-now through the
// publisher.
//
// Threading: the event loop (the server calls it there).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "crm/config/config.h"
#include "crm/localapi/sovd_backend.h"
#include "crm/os/clock.h"
#include "crm/pipeline/pipeline.h"
#include "crm/store/store.h"
#include "crm/sync/publisher.h"

namespace crm::daemon {

class SovdService final : public localapi::SovdBackend {
 public:
  // How long sync-now waits for a broker that is not connected yet.
  static constexpr std::chrono::milliseconds kSyncWait{5000};

  // `publisher` gives the current publisher (null: MQTT is off; it changes
  // at a reload). `commit` makes what an operation staged durable (false:
  // it failed). Everything referred to must outlive the service; `config`
  // is the daemon's running configuration (a reload changes it in place).
  SovdService(boost::asio::io_context& io, pipeline::Pipeline& pipeline, store::Store& store,
              const config::Config& config, const os::Clock& clock,
              std::function<sync::Publisher*()> publisher, std::function<bool()> commit);

  nlohmann::json dataItems() override;
  localapi::Reading data(std::string_view id) override;
  localapi::Reading faults(bool active_only, std::string_view code_prefix) override;
  bool supports(std::string_view operation) override;
  void start(std::string_view operation, const nlohmann::json& body, Done done) override;

 private:
  void generateReport(Done& done);
  void syncNow(Done done);
  void pollSync();
  localapi::OperationOutcome syncOutcome();

  pipeline::Pipeline& pipeline_;
  store::Store& store_;
  const config::Config& config_;
  const os::Clock& clock_;
  std::function<sync::Publisher*()> publisher_;
  std::function<bool()> commit_;
  std::int64_t started_ms_;
  // sync-now calls waiting for the broker, each until its deadline.
  struct SyncWaiter {
    std::chrono::steady_clock::time_point deadline;
    Done done;
  };
  std::vector<SyncWaiter> sync_waiters_;
  boost::asio::steady_timer sync_poll_;
};

}  // namespace crm::daemon
