// The one pipeline from the car's records to what leaves the car:
//
//   record -> ingest (validation, store, day roll-over -> telemetry/daily)
//          -> analytics (charging sessions, trips, capacity -> charge-session)
//          -> faults (a DTC appears in or leaves the DTCList -> faults)
//          -> commands (a recording's command lines; MQTT commands)
//          -> reports (each report period at a local day's end; on request;
//                      and at the end of a finite source)
//
// The daemon, `crm-agent replay` and `crm-agent simulate --replay` all run
// this class; what differs between them is theirs to choose and is explicit:
// the clock (wall time, the recording's time, a test's manual clock), pacing
// and durability (commit cadence, fsync) and where the outbox goes (MQTT or
// outbox.jsonl). Everything that depends on "now" asks the clock given here,
// except engagement, which lives on the car's time (the newest sample's):
// a replayed or accelerated car's prompts follow its own days and nights.
//
//          -> engagement (rules over live values, the period picture and
//             what the CRM said; the prompt lifecycle and delivery policy)
//
// Nothing is committed here: the caller commits the store when it chooses,
// and only then is anything acknowledged or published.
//
// Threading: one thread (the event loop, or the replay's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "crm/analytics/analytics.h"
#include "crm/analytics/health.h"
#include "crm/commands/processor.h"
#include "crm/common/result.h"
#include "crm/engagement/engine.h"
#include "crm/engagement/settings.h"
#include "crm/os/clock.h"
#include "crm/reports/maintenance.h"
#include "crm/reports/report.h"
#include "crm/store/store.h"
#include "crm/telemetry/ingest.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::pipeline {

struct PipelineOptions {
  vehicle::VehicleInfo vehicle;
  // The daemon's VIN is its configuration's; a replay takes the recording's.
  telemetry::Ingest::VinFrom vin_from = telemetry::Ingest::VinFrom::kConfiguration;
  int report_period_days = 30;
  reports::MaintenanceTable maintenance;
  // tick() closes a local day by the clock only while the car's data is
  // live: the last sample's time was within live_lag_ms of the clock when
  // it arrived, and it is no older than live_window_ms. A simulated or
  // recorded car whose data is not "now" never has its days closed by the
  // wall clock, however close behind it runs.
  std::int64_t live_lag_ms = 5LL * 60'000;
  std::int64_t live_window_ms = 6LL * 3'600'000;
  // And only this long after midnight: a sample of the old day still in
  // flight when the day turns belongs to it.
  std::int64_t day_close_grace_ms = 10LL * 60'000;
  // The engagement section of the configuration (CRM overrides are applied
  // over it from the store), and the driver's consent to share prompt
  // history (privacy.share_prompt_history).
  engagement::EngagementSettings engagement;
  bool share_prompt_history = false;
};

struct CommandCounts {
  std::uint64_t ok = 0, rejected = 0, error = 0;
};

// The report made when a finite source ends: the period ending at its last sample.
struct FinalReport {
  analytics::Period period;
  reports::HealthReport report;
};

class Pipeline {
 public:
  // `store` and `clock` must outlive the Pipeline.
  Pipeline(store::Store& store, const os::Clock& clock, PipelineOptions options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // One record from the vehicle source. A recording's command line is
  // applied as a command from the CRM at its ts. Returns false when the store
  // failed (what this record staged may be lost with the batch; the caller
  // stops or retries as its durability policy says).
  bool feed(const vehicle::Record& record);

  // A command from MQTT, judged (expiry) at the clock's now. Never throws;
  // always answered with a cmd-result.
  commands::Outcome command(std::string_view name, std::string_view payload);

  // Time has passed without records (the daemon's timer; tests): closes the
  // local day the clock has left, if the data is live. Returns false when the
  // store failed.
  bool tick();

  // The source has ended (a recording, a finite simulation): closes what
  // analytics can close honestly, reports the last day, and makes the report
  // for the period ending at the last sample. nullopt: there was no data.
  Result<std::optional<FinalReport>, store::StoreError> finish();

  // A health report now, as the CRM's report-request makes one (the
  // technician's generate-report): the report period ending at the newest
  // sample, stored as made on request (the periodic schedule does not move)
  // and queued as health-report. One unit of the batch: on error nothing
  // is staged. Staged: the caller commits.
  Result<FinalReport, store::StoreError> reportNow();

  // The driver acts on a prompt (the HMI), at the car's time. Staged: the
  // caller commits, then answers.
  Status<engagement::ActionError> promptAction(std::int64_t prompt_id, engagement::Action action);
  // Prompts the driver can see now, most important first.
  Result<std::vector<engagement::Prompt>, store::StoreError> visiblePrompts() const;
  // The language prompts and reports speak: the profile's, else the configuration's.
  engagement::Language language() const;
  // Every prompt lifecycle step, once staged (replay's prompts.jsonl, the HMI's stream).
  void onPromptEvent(std::function<void(const engagement::LifecycleEvent&)> fn);

  // The driver's personal data erased on the technician's request (the
  // erase-personal-data operation, crm-agentctl erase --personal), as the
  // erase command does it: the store's erase in one unit of the batch, then
  // the engagement forgets what it held in memory and runs again. Staged:
  // the caller commits, and that commit also truncates the WAL
  // (store::PersonalData::erasePending). Errors: the store's; nothing of the
  // erase is staged then.
  Result<store::ErasedCounts, store::StoreError> erasePersonal();

  // Settings that may change while running (SIGHUP).
  void setReportPeriodDays(int days);
  void setMaintenance(reports::MaintenanceTable table);
  void setEngagement(engagement::EngagementSettings settings, bool share_prompt_history);

  // Rejected records, for --strict and for logs.
  void onReject(std::function<void(const vehicle::Rejected&)> fn);
  // Every command answered: `line` > 0 for a recording's command line.
  void onCommand(std::function<void(const commands::Outcome&, int line)> fn);

  const vehicle::VehicleInfo& vehicle() const;
  const telemetry::IngestCounters& ingestCounters() const;
  const analytics::AnalyticsCounters& analyticsCounters() const;
  const CommandCounts& commandCounts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crm::pipeline
