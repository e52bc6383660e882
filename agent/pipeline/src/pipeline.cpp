#include "crm/pipeline/pipeline.h"

#include <cstdlib>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/reports/health_report.h"

namespace crm::pipeline {

struct Pipeline::Impl {
  Impl(store::Store& s, const os::Clock& c, PipelineOptions o)
      : store(s),
        clock(c),
        options(std::move(o)),
        ingest(s, options.vehicle, options.vin_from),
        analytics(s, s, ingest.vehicle()),
        commands(s) {
    ingest.onAccepted([this](const vehicle::Sample& sample) { return analytics.onSample(sample); });
    ingest.onDayClosed(
        [this](std::int64_t day_start) { return maybeReport(day_start + civil::kMsPerDay); });
  }

  reports::ReportContext reportContext() const {
    return reports::ReportContext{&options.maintenance};
  }

  commands::Context commandContext() const {
    return commands::Context{ingest.vehicle(), clock.nowMs(), reportContext()};
  }

  // Each report period, at the end of a local day. A report that could not
  // be read is logged and tried again at the next day's end (it is still
  // due; nothing was written): the data keeps flowing meanwhile. A failed
  // write is a store failure like any other.
  bool maybeReport(std::int64_t day_end_ms) {
    auto due = reports::reportDue(store, day_end_ms, options.report_period_days);
    if (!due) return readFailed(due.error());
    if (!*due) return true;
    const auto period = reports::periodEnding(day_end_ms, options.report_period_days);
    auto report =
        reports::generateReport(store, store, store, ingest.vehicle(), period, reportContext());
    if (!report) return readFailed(report.error());
    log::info("pipeline: health report queued for the {} days ending {}",
              options.report_period_days, civil::isoDate(day_end_ms - 1, store.utcOffsetMinutes()));
    return true;
  }

  bool readFailed(const Error<store::StoreError>& error) {
    log::error("pipeline: health report: {}", error.message);
    return error.code == store::StoreError::kRead;
  }

  void counted(const commands::Outcome& outcome, int line) {
    switch (outcome.status) {
      case commands::CommandStatus::kOk:
        ++command_counts.ok;
        break;
      case commands::CommandStatus::kRejected:
        ++command_counts.rejected;
        break;
      case commands::CommandStatus::kError:
        ++command_counts.error;
        break;
    }
    if (on_command) on_command(outcome, line);
  }

  store::Store& store;
  const os::Clock& clock;
  PipelineOptions options;
  telemetry::Ingest ingest;
  analytics::Analytics analytics;
  commands::Processor commands;
  CommandCounts command_counts;
  // The clock's now minus the last sample's time, when it was fed.
  std::optional<std::int64_t> last_lag_ms;
  std::function<void(const commands::Outcome&, int)> on_command;
};

Pipeline::Pipeline(store::Store& store, const os::Clock& clock, PipelineOptions options)
    : impl_(std::make_unique<Impl>(store, clock, std::move(options))) {}

Pipeline::~Pipeline() = default;

bool Pipeline::feed(const vehicle::Record& record) {
  Impl& im = *impl_;
  if (const auto* sample = std::get_if<vehicle::Sample>(&record)) {
    im.last_lag_ms = im.clock.nowMs() - sample->ts_ms;
  }
  if (!im.ingest.feed(record)) return false;
  if (std::holds_alternative<vehicle::VehicleFacts>(record)) {
    im.analytics.setVehicle(im.ingest.vehicle());
  }
  if (const auto* cmd = std::get_if<vehicle::Command>(&record)) {
    const auto outcome = im.commands.handleRecorded(*cmd, im.commandContext());
    im.counted(outcome, cmd->line);
    if (outcome.status == commands::CommandStatus::kError) return false;
  }
  return true;
}

commands::Outcome Pipeline::command(std::string_view name, std::string_view payload) {
  Impl& im = *impl_;
  auto outcome = im.commands.handleMqtt(name, payload, im.commandContext());
  im.counted(outcome, 0);
  return outcome;
}

bool Pipeline::tick() {
  Impl& im = *impl_;
  // Live: the last sample arrived when the clock agreed with its time. A
  // simulated or recorded car behind (or ahead of) the clock is not.
  if (!im.last_lag_ms || std::abs(*im.last_lag_ms) > im.options.live_lag_ms) return true;
  const auto newest = im.store.newestSampleMs();
  if (!newest) return true;
  const std::int64_t now = im.clock.nowMs();
  if (now - *newest > im.options.live_window_ms) return true;
  return im.ingest.advanceTo(now - im.options.day_close_grace_ms);
}

Result<std::optional<FinalReport>, store::StoreError> Pipeline::finish() {
  Impl& im = *impl_;
  if (!im.analytics.finish() || !im.ingest.finish()) {
    return fail(store::StoreError::kIo, "closing the stream failed (see the log)");
  }
  const auto newest = im.store.newestSampleMs();
  if (!newest) return std::optional<FinalReport>();
  const auto period = reports::periodEnding(*newest + 1, im.options.report_period_days);
  auto report = reports::generateReport(im.store, im.store, im.store, im.ingest.vehicle(), period,
                                        im.reportContext());
  if (!report) return report.error();
  return std::optional<FinalReport>(FinalReport{period, std::move(report).value()});
}

void Pipeline::setReportPeriodDays(int days) {
  impl_->options.report_period_days = days;
}

void Pipeline::setMaintenance(reports::MaintenanceTable table) {
  impl_->options.maintenance = std::move(table);
}

void Pipeline::onReject(std::function<void(const vehicle::Rejected&)> fn) {
  impl_->ingest.onReject(std::move(fn));
}

void Pipeline::onCommand(std::function<void(const commands::Outcome&, int line)> fn) {
  impl_->on_command = std::move(fn);
}

const vehicle::VehicleInfo& Pipeline::vehicle() const {
  return impl_->ingest.vehicle();
}

const telemetry::IngestCounters& Pipeline::ingestCounters() const {
  return impl_->ingest.counters();
}

const analytics::AnalyticsCounters& Pipeline::analyticsCounters() const {
  return impl_->analytics.counters();
}

const CommandCounts& Pipeline::commandCounts() const {
  return impl_->command_counts;
}

}  // namespace crm::pipeline
