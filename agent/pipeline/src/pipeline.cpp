#include "crm/pipeline/pipeline.h"

#include <algorithm>
#include <cstdlib>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/reports/health_report.h"
#include "engagement_stage.h"
#include "fault_stage.h"

namespace crm::pipeline {

struct Pipeline::Impl {
  Impl(store::Store& s, const os::Clock& c, PipelineOptions o)
      : store(s),
        clock(c),
        options(std::move(o)),
        ingest(s, options.vehicle, options.vin_from),
        analytics(s, s, ingest.vehicle()),
        commands(s),
        engagement(s, options.engagement, options.share_prompt_history),
        faults(s) {
    ingest.onAccepted([this](const vehicle::Sample& sample) {
      return analytics.onSample(sample) && faults.onSample(sample, ingest.vehicle().vin) &&
             engagement.onSample(sample, ingest.vehicle());
    });
    ingest.onDayClosed([this](std::int64_t day_start) {
      const std::int64_t day_end = day_start + civil::kMsPerDay;
      return maybeReport(day_end) && engagement.refresh(day_end, ingest.vehicle(), reportContext());
    });
    if (!engagement.start(ingest.vehicle(), reportContext())) {
      log::error("pipeline: engagement starts without part of its data (see above)");
    }
  }

  reports::ReportContext reportContext() const {
    reports::ReportContext context{&options.maintenance};
    context.prompts = &store;
    return context;
  }

  commands::Context commandContext() const {
    commands::Context context{ingest.vehicle(), clock.nowMs(), reportContext()};
    context.engagement = &engagement.settings();
    return context;
  }

  // The car's time: the newest sample's or a later evaluation's, else the
  // clock's. A car asleep overnight is evaluated on the wall clock by tick(),
  // so a morning's action is stamped with the morning.
  std::int64_t carNowMs() const { return engagement.nowMs().value_or(clock.nowMs()); }

  // After an accepted command, what the engagement works from may have
  // changed. One unit of the batch: a failure undoes the evaluation's
  // writes, never half of them (the command itself stays applied).
  bool afterCommand(const commands::Outcome& outcome, std::int64_t at_ms) {
    if (outcome.status != commands::CommandStatus::kOk) return true;
    const bool engagement_command = commands::isEngagementCommand(outcome.command);
    const bool erase = commands::isEraseCommand(outcome.command);
    if (!engagement_command && !erase && outcome.command != "service-record") return true;
    if (!store.beginUnit()) return false;
    bool ok = false;
    if (erase) {
      analytics.forgetOpenTrip();
      ok = engagement.forget(at_ms, ingest.vehicle(), reportContext());
    } else if (engagement_command) {
      ok = engagement.reload(at_ms, ingest.vehicle());
    } else {
      ok = engagement.refresh(at_ms, ingest.vehicle(), reportContext());
    }
    return store.endUnit(ok).ok() && ok;
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
  EngagementStage engagement;
  FaultStage faults;
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
    im.engagement.setVehicle(im.ingest.vehicle());
  }
  if (const auto* cmd = std::get_if<vehicle::Command>(&record)) {
    const auto outcome = im.commands.handleRecorded(*cmd, im.commandContext());
    im.counted(outcome, cmd->line);
    if (outcome.status == commands::CommandStatus::kError) return false;
    if (!im.afterCommand(outcome, cmd->ts_ms)) return false;
  }
  return true;
}

commands::Outcome Pipeline::command(std::string_view name, std::string_view payload) {
  Impl& im = *impl_;
  auto outcome = im.commands.handleMqtt(name, payload, im.commandContext());
  im.counted(outcome, 0);
  if (!im.afterCommand(outcome, im.carNowMs())) {
    log::error("pipeline: engagement could not take in command {} (see above)", outcome.command);
  }
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
  // A live car asleep sends nothing: quiet hours still end, snoozes too.
  return im.ingest.advanceTo(now - im.options.day_close_grace_ms) &&
         im.engagement.evaluate(now, im.ingest.vehicle());
}

Result<std::optional<FinalReport>, store::StoreError> Pipeline::finish() {
  Impl& im = *impl_;
  if (!im.analytics.finish() || !im.ingest.finish()) {
    return fail(store::StoreError::kIo, "closing the stream failed (see the log)");
  }
  const auto newest = im.store.newestSampleMs();
  if (!newest) return std::optional<FinalReport>();
  // The last picture, so prompts and their counts are complete in the report.
  if (!im.engagement.refresh(*newest + 1, im.ingest.vehicle(), im.reportContext())) {
    return fail(store::StoreError::kIo, "engagement: the last evaluation failed (see the log)");
  }
  const auto period = reports::periodEnding(*newest + 1, im.options.report_period_days);
  auto report = reports::generateReport(im.store, im.store, im.store, im.ingest.vehicle(), period,
                                        im.reportContext());
  if (!report) return report.error();
  return std::optional<FinalReport>(FinalReport{period, std::move(report).value()});
}

Result<FinalReport, store::StoreError> Pipeline::reportNow() {
  Impl& im = *impl_;
  // The period ends at the newest data, as report-request's does: the
  // car's "now" as its data knows it.
  const auto newest = im.store.newestSampleMs();
  const std::int64_t end = newest ? *newest + 1 : im.clock.nowMs();
  const auto period = reports::periodEnding(end, im.options.report_period_days);
  reports::ReportContext context = im.reportContext();
  context.on_request = true;
  if (auto st = im.store.beginUnit(); !st) return st.error();
  auto report =
      reports::generateReport(im.store, im.store, im.store, im.ingest.vehicle(), period, context);
  if (auto st = im.store.endUnit(report.ok()); !st) return st.error();
  if (!report) return report.error();
  return FinalReport{period, std::move(report).value()};
}

Status<engagement::ActionError> Pipeline::promptAction(std::int64_t prompt_id,
                                                       engagement::Action action) {
  Impl& im = *impl_;
  const std::int64_t now = im.carNowMs();
  // Only what the driver can see may be acted on: while the car moves, the
  // critical prompts.
  auto shown = im.engagement.engine().shownNow(now, im.engagement.moving());
  if (!shown) return fail(engagement::ActionError::kStore, shown.error().message);
  const bool on_screen = std::any_of(
      shown->begin(), shown->end(), [&](const engagement::Prompt& p) { return p.id == prompt_id; });
  const std::string which = "prompt " + std::to_string(prompt_id);
  if (!on_screen) {
    auto stored = im.store.prompt(prompt_id);
    if (!stored) return fail(engagement::ActionError::kStore, stored.error().message);
    if (!stored->has_value()) {
      return fail(engagement::ActionError::kUnknownPrompt, which + ": no such prompt");
    }
    return fail(engagement::ActionError::kNotActionable, which + " is not shown now");
  }
  // One unit of the batch: the prompt's state, its event and any message,
  // all or nothing (a failed service-request must not leave "accepted").
  if (auto st = im.store.beginUnit(); !st) {
    return fail(engagement::ActionError::kStore, st.error().message);
  }
  auto done = im.engagement.engine().act(prompt_id, action, now);
  if (auto st = im.store.endUnit(done.ok()); !st) {
    return fail(engagement::ActionError::kStore, st.error().message);
  }
  return done;
}

Result<store::ErasedCounts, store::StoreError> Pipeline::erasePersonal() {
  Impl& im = *impl_;
  if (auto st = im.store.beginUnit(); !st) return st.error();
  auto erased = im.store.erasePersonal();
  if (!erased) {
    (void)im.store.endUnit(false);  // the erase's own error says more
    return erased.error();
  }
  if (auto st = im.store.endUnit(true); !st) return st.error();
  im.analytics.forgetOpenTrip();
  // As after the command: the erase stays even if the evaluation that
  // follows fails (it runs again within a minute).
  if (auto st = im.store.beginUnit(); !st) return st.error();
  const bool ok = im.engagement.forget(im.carNowMs(), im.ingest.vehicle(), im.reportContext());
  if (auto st = im.store.endUnit(ok); !st) return st.error();
  if (!ok) log::error("pipeline: engagement could not run after the erase (see above)");
  return erased;
}

Result<std::vector<engagement::Prompt>, store::StoreError> Pipeline::visiblePrompts() const {
  return impl_->engagement.engine().shownNow(impl_->carNowMs(), impl_->engagement.moving());
}

engagement::Language Pipeline::language() const {
  return impl_->engagement.settings().language;
}

void Pipeline::onPromptEvent(std::function<void(const engagement::LifecycleEvent&)> fn) {
  impl_->engagement.engine().onEvent(std::move(fn));
}

void Pipeline::setEngagement(engagement::EngagementSettings settings, bool share_prompt_history) {
  impl_->engagement.setFileSettings(std::move(settings));
  impl_->engagement.setShareHistory(share_prompt_history);
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
