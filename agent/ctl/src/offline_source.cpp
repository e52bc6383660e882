#include "offline_source.h"

#include <sqlite3.h>

#include <chrono>

#include "cache_copy.h"
#include "crm/diagnostics/diagnostics.h"
#include "crm/reports/health_report.h"
#include "crm/reports/html.h"
#include "crm/reports/report.h"
#include "crm/store/store.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Folds the copy's WAL into the copy (a checkpoint), so that the store
// opens it as a cleanly closed cache. A WAL with frames tells the store the
// last run did not close, and it would read every page first (its full
// check: tens of ms for each 10 MiB, the bulk of offline mode's time on a
// cache copied from a running car). Pages SQLite cannot read still fail
// the reads that meet them, and are reported. Best effort: when the
// checkpoint cannot run, the store's open judges the copy as it is.
void foldWal(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
}

class OfflineSource final : public Source {
 public:
  OfflineSource(std::unique_ptr<CacheCopy> copy, std::unique_ptr<store::Store> store,
                config::Config config)
      : copy_(std::move(copy)), store_(std::move(store)), config_(std::move(config)) {}

  CtlResult<json> data(std::string_view id) override {
    auto data = diagnostics::readData(id, sources());
    if (!data) return fail(CtlError::kFailed, data.error().message);
    if (!data->has_value()) return fail(CtlError::kUsage, "no data item " + std::string(id));
    return std::move(**data);
  }

  CtlResult<json> faults(const FaultQuery& query) override {
    auto list = diagnostics::faults(sources(), {query.active_only, query.code_prefix});
    if (!list) return fail(CtlError::kFailed, list.error().message);
    return std::move(list).value();
  }

  CtlResult<json> startOperation(std::string_view op, const json&) override {
    if (op == "export-data") return exportData();
    if (op != "generate-report") {
      return fail(CtlError::kUsage,
                  std::string(op) + " needs the running daemon (--db reads a copy)");
    }
    // Made as the daemon makes one on request, stored in the copy (so it
    // has an id, and the copy's newest report is this one); the copy and
    // what was queued with it go when crm-agentctl exits.
    auto report =
        reports::generateReport(*store_, *store_, *store_, config_.vehicle, period(), context());
    if (!report) return fail(CtlError::kFailed, "the report: " + report.error().message);
    if (auto st = store_->commit(); !st) {
      return fail(CtlError::kFailed, "the report: " + st.error().message);
    }
    const auto stored = store_->latestReport();
    if (!stored) return fail(CtlError::kFailed, "the report was not stored in the copy");
    last_ = json{{"id", "offline-" + std::to_string(stored->id)},
                 {"operation", "generate-report"},
                 {"status", "completed"},
                 {"result", {{"report_id", stored->id}, {"report", reports::toJson(*report)}}}};
    return last_;
  }

  CtlResult<json> execution(std::string_view, std::string_view id) override {
    if (last_.is_null() || last_["id"] != id) {
      return fail(CtlError::kFailed, "no execution " + std::string(id));
    }
    return last_;
  }

  CtlResult<std::string> latestReportHtml() override {
    auto report = buildReport();
    if (!report) return report.error();
    auto charts = reports::buildChartData(*store_, config_.vehicle, period());
    if (auto history = reports::promptHistory(*store_, period())) {
      charts.prompts = std::move(history).value();
    }
    if (auto err = store_->takeReadError()) {
      return fail(CtlError::kFailed, "the report page: a read failed: " + *err);
    }
    return reports::renderHtml(*report, charts, "en");
  }

 private:
  // The driver's data from a car that does not boot: the copy holds all the
  // cache held. What the driver consented to is the car's configuration,
  // not the cache's: unknown here (null in the document).
  CtlResult<json> exportData() {
    auto document = store_->exportData({config_.vehicle, wallMs(), std::nullopt});
    if (!document) return fail(CtlError::kFailed, "the export: " + document.error().message);
    last_ = json{{"id", "offline-export"},
                 {"operation", "export-data"},
                 {"status", "completed"},
                 {"result", std::move(document).value()}};
    return last_;
  }

  diagnostics::Sources sources() const {
    return diagnostics::Sources{*store_, *store_, config_, wallMs(), {}, "offline", std::nullopt};
  }

  // The report period ending at the cache's newest sample, as the daemon's
  // views and a report requested now would have it.
  analytics::Period period() const {
    const auto newest = store_->newestSampleMs();
    return reports::periodEnding(newest ? *newest + 1 : wallMs(), config_.report_period_days);
  }

  reports::ReportContext context() const {
    reports::ReportContext c{&config_.maintenance.table};
    c.on_request = true;
    c.prompts = store_.get();
    return c;
  }

  CtlResult<reports::HealthReport> buildReport() {
    (void)store_->takeReadError();
    auto report = reports::buildHealthReport(*store_, config_.vehicle, period(), context());
    if (auto err = store_->takeReadError()) {
      return fail(CtlError::kFailed, "the report: a read failed: " + *err);
    }
    return report;
  }

  // Declared first: destroyed last, after the store closed the copy.
  std::unique_ptr<CacheCopy> copy_;
  std::unique_ptr<store::Store> store_;
  config::Config config_;
  json last_;
};

}  // namespace

CtlResult<std::unique_ptr<Source>> openOffline(const std::string& db,
                                               const config::Config& config) {
  auto copy = CacheCopy::create(db);
  if (!copy) return copy.error();
  if ((*copy)->hadWal()) foldWal((*copy)->path());
  store::StoreOptions so;
  so.path = (*copy)->path();
  so.quota_bytes = config.storage.quota_mib * 1024 * 1024;
  so.raw_retention_days = config.storage.raw_retention_days;
  so.utc_offset_minutes = config.vehicle.utc_offset_minutes;
  so.full_sync = false;  // a throwaway copy
  auto store = store::Store::open(so);
  if (!store) {
    return fail(CtlError::kBadFile, "--db " + db + ": cannot open: " + store.error().message);
  }
  if (!(*store)->recoveredFrom().empty()) {
    // The store set the damaged copy aside and started afresh: nothing of
    // the car would be shown.
    return fail(CtlError::kBadFile,
                "--db " + db + ": the cache is damaged (SQLite cannot read it)");
  }
  config::Config offline = config;
  // The storage resource and status show the file the technician named.
  offline.storage.path = db;
  return std::unique_ptr<Source>(std::make_unique<OfflineSource>(
      std::move(copy).value(), std::move(store).value(), std::move(offline)));
}

}  // namespace crm::ctl
