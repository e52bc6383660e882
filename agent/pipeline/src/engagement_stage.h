// The pipeline's engagement stage: keeps the facts the rules read (live
// values sample by sample, the period picture once a local day, what the
// CRM said) and runs the rules and the prompt engine when something changed
// or a minute of the car's time has passed. Private to the pipeline.
//
// Threading: the pipeline's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "crm/engagement/engine.h"
#include "crm/engagement/facts.h"
#include "crm/engagement/settings.h"
#include "crm/reports/health_report.h"
#include "crm/store/store.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::pipeline {

class EngagementStage {
 public:
  // Rules run at least this often (the car's time) while samples flow: the
  // end of quiet hours, a snooze or an expiry is noticed within a minute.
  static constexpr std::int64_t kEvaluateEveryMs = 60'000;

  EngagementStage(store::Store& store, engagement::EngagementSettings settings,
                  bool share_prompt_history);

  // Reads what the CRM said and the period facts (at start-up). False on a
  // store failure (the stage still runs, with what it has).
  bool start(const vehicle::VehicleInfo& vehicle, const reports::ReportContext& context);

  // An accepted sample: live facts, and an evaluation when one is due.
  bool onSample(const vehicle::Sample& sample, const vehicle::VehicleInfo& vehicle);
  // A local day closed (or a service record arrived): the period picture is
  // rebuilt as of `now_ms` and the rules run.
  bool refresh(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle,
               const reports::ReportContext& context);
  // The CRM changed what the engine works from (campaign, appointment,
  // customer-profile, config): re-read, then run the rules.
  bool reload(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle);
  // The driver's personal data was erased (the erase command): what the
  // stage and the engine hold of it in memory goes too (the profile, offers
  // and appointments, the open prompts, the period picture built from trips
  // and prompt history); then the rules run on what is left. Nothing erased
  // is written back from memory.
  bool forget(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle,
              const reports::ReportContext& context);
  // Runs the rules and the engine at `now_ms`.
  bool evaluate(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle);

  // A recording's vehicle line: the VIN and the tyre placard.
  void setVehicle(const vehicle::VehicleInfo& vehicle);

  // The car's time as the stage last saw it: the newest sample's, or a later
  // evaluation's (the daemon's tick runs a car asleep on the wall clock); nullopt
  // before either. Never goes back.
  std::optional<std::int64_t> nowMs() const;

  // The configuration file's settings changed (SIGHUP): CRM overrides stay.
  void setFileSettings(engagement::EngagementSettings settings);
  // Consent withdrawn: prompts messages still queued are taken back (staged).
  // So are those found queued at start without consent (the file changed
  // while the agent was stopped): start() calls it.
  void setShareHistory(bool share);

  engagement::Engine& engine() { return *engine_; }
  bool moving() const { return live_.facts().moving; }
  const engagement::EngagementSettings& settings() const { return settings_; }
  const engagement::EngagementData& data() const { return data_; }

 private:
  bool readData();
  void applyOverrides();
  void seedLive();
  void withdrawQueuedHistory();

  bool share_history_ = false;
  store::Store& store_;
  engagement::EngagementSettings file_settings_;
  engagement::EngagementSettings settings_;
  engagement::EngagementData data_;
  engagement::LiveTracker live_;
  std::optional<engagement::PeriodFacts> period_;
  std::unique_ptr<engagement::Engine> engine_;
  std::optional<std::int64_t> last_eval_ms_;
  double placard_kpa_ = 0;
  bool period_unreadable_ = false;  // the store has data the facts could not read
};

}  // namespace crm::pipeline
