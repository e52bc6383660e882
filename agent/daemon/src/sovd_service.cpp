#include "sovd_service.h"

#include "crm/common/log.h"
#include "crm/diagnostics/diagnostics.h"
#include "crm/reports/report.h"

namespace crm::daemon {
namespace {

using localapi::OperationOutcome;
using localapi::Reading;
using nlohmann::json;

constexpr std::chrono::milliseconds kSyncPoll{100};

OperationOutcome failed(std::string code, std::string message) {
  return {false, nullptr, std::move(code), std::move(message)};
}

Reading fromDiagnostics(Result<json, diagnostics::DiagnosticsError> read) {
  if (!read) {
    log::error("technician: {}", read.error().message);
    return {Reading::Outcome::kUnavailable, nullptr, read.error().message};
  }
  return {Reading::Outcome::kOk, std::move(read).value(), {}};
}

}  // namespace

SovdService::SovdService(boost::asio::io_context& io, pipeline::Pipeline& pipeline,
                         store::Store& store, const config::Config& config, const os::Clock& clock,
                         std::function<sync::Publisher*()> publisher, std::function<bool()> commit)
    : pipeline_(pipeline),
      store_(store),
      config_(config),
      clock_(clock),
      publisher_(std::move(publisher)),
      commit_(std::move(commit)),
      started_ms_(clock.nowMs()),
      sync_poll_(io) {}

json SovdService::dataItems() {
  json items = json::array();
  for (const auto& item : diagnostics::dataItems()) {
    items.push_back({{"id", item.id}, {"name", item.name}, {"category", item.category}});
  }
  return items;
}

namespace {

// What the views read, with what only the running daemon knows.
diagnostics::Sources sourcesOf(const store::Store& store, const config::Config& config,
                               std::int64_t now_ms, std::int64_t started_ms,
                               const sync::Publisher* publisher,
                               const vehicle::VehicleInfo& vehicle) {
  diagnostics::Runtime runtime{started_ms, std::nullopt, std::nullopt};
  if (publisher != nullptr) {
    const auto stats = publisher->stats();
    runtime.broker_connected = stats.connected;
    runtime.last_ack_ms = stats.last_ack_ms;
  } else {
    runtime.broker_connected = false;  // MQTT is off: never connected
  }
  return diagnostics::Sources{store, store, config, now_ms, runtime, "daemon", vehicle};
}

}  // namespace

localapi::Reading SovdService::data(std::string_view id) {
  const auto sources =
      sourcesOf(store_, config_, clock_.nowMs(), started_ms_, publisher_(), pipeline_.vehicle());
  auto read = diagnostics::readData(id, sources);
  if (!read) return fromDiagnostics(read.error());
  if (!read->has_value()) return {Reading::Outcome::kUnknown, nullptr, {}};
  return {Reading::Outcome::kOk, std::move(**read), {}};
}

localapi::Reading SovdService::faults(bool active_only, std::string_view code_prefix) {
  const auto sources =
      sourcesOf(store_, config_, clock_.nowMs(), started_ms_, publisher_(), pipeline_.vehicle());
  return fromDiagnostics(diagnostics::faults(
      sources, diagnostics::FaultFilter{active_only, std::string(code_prefix)}));
}

bool SovdService::supports(std::string_view operation) {
  // ---- Export and erase: the store's exportData/erasePersonal come with
  // the privacy work (issue 11, branch eng-priv). Until it is merged these
  // two answer 501 not_implemented; wire them here (and in start()).
  if (operation == "export-data" || operation == "erase-personal-data") return false;
  // ----
  return operation == "generate-report" || operation == "sync-now";
}

void SovdService::start(std::string_view operation, const json& /*body*/, Done done) {
  if (operation == "generate-report") {
    generateReport(done);
    return;
  }
  if (operation == "sync-now") {
    syncNow(std::move(done));
    return;
  }
  // The routes ask supports() first; an operation without one never gets here.
  done(failed("not_implemented", std::string(operation) + " is not available in this build"));
}

void SovdService::generateReport(Done& done) {
  auto made = pipeline_.reportNow();
  if (!made) {
    log::error("technician: generate-report: {}", made.error().message);
    done(failed("report_failed", "the report could not be made: " + made.error().message));
    return;
  }
  // Durable before it is answered: the id given is the stored report's.
  if (!commit_()) {
    done(failed("store_failed", "the report could not be stored"));
    return;
  }
  const auto stored = store_.latestReport();
  if (!stored) {
    done(failed("store_failed", "the report was stored but cannot be read back"));
    return;
  }
  log::info("technician: health report {} made on request", stored->id);
  done({true, {{"report_id", stored->id}, {"report", reports::toJson(made->report)}}, {}, {}});
}

OperationOutcome SovdService::syncOutcome() {
  auto outbox = store_.outboxSummary();
  if (!outbox)
    return failed("store_failed", "the outbox cannot be read: " + outbox.error().message);
  const auto* publisher = publisher_();
  const bool connected = publisher != nullptr && publisher->stats().connected;
  return {true, {{"connected", connected}, {"outbox_pending", outbox->pending}}, {}, {}};
}

void SovdService::syncNow(Done done) {
  auto* publisher = publisher_();
  if (publisher == nullptr) {
    done(failed("sync_disabled", "mqtt.enabled is false: there is no broker to sync with"));
    return;
  }
  publisher->retryNow();
  if (publisher->stats().connected) {
    done(syncOutcome());
    return;
  }
  // Give a broker that is back a moment to take the connection.
  sync_waiters_.push_back({std::chrono::steady_clock::now() + kSyncWait, std::move(done)});
  if (sync_waiters_.size() == 1) pollSync();
}

void SovdService::pollSync() {
  sync_poll_.expires_after(kSyncPoll);
  sync_poll_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // the service is going away
    const auto* publisher = publisher_();
    const bool connected = publisher != nullptr && publisher->stats().connected;
    const auto now = std::chrono::steady_clock::now();
    std::vector<SyncWaiter> still;
    for (auto& w : sync_waiters_) {
      if (connected || now >= w.deadline) {
        w.done(syncOutcome());
      } else {
        still.push_back(std::move(w));
      }
    }
    sync_waiters_ = std::move(still);
    if (!sync_waiters_.empty()) pollSync();
  });
}

}  // namespace crm::daemon
