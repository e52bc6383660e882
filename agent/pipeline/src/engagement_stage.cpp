#include "engagement_stage.h"

#include <nlohmann/json.hpp>

#include "crm/common/log.h"
#include "crm/common/wire.h"
#include "crm/engagement/rules.h"
#include "crm/store/meta_keys.h"

namespace crm::pipeline {
namespace {

using nlohmann::json;

engagement::Campaign toCampaign(const store::CampaignRecord& r) {
  engagement::Campaign c;
  c.campaign_id = r.campaign_id;
  c.kind = r.kind;
  c.severity = engagement::severityFromName(r.severity).value_or(engagement::Severity::kInfo);
  c.title = {r.title_en, r.title_zh};
  c.message = {r.message_en, r.message_zh};
  c.valid_until = r.valid_until;
  c.received_ms = r.received_ms;
  return c;
}

engagement::Appointment toAppointment(const store::AppointmentRecord& r) {
  return {r.appointment_id, r.at_ms, r.dealer_name, r.items, r.received_ms};
}

// The engine needs a zone that exists; the configuration checked it. Should
// tzdata have changed under us, local time falls back to the fixed offset.
std::unique_ptr<engagement::Engine> makeEngine(store::Store& store,
                                               engagement::EngagementSettings& settings, bool share,
                                               const std::string& vin) {
  auto engine =
      engagement::Engine::make({store, store}, {vin, share}, settings, store.utcOffsetMinutes());
  if (!engine) {
    log::error("engagement: {}; using the fixed UTC offset", engine.error().message);
    settings.time_zone.clear();
    engine =
        engagement::Engine::make({store, store}, {vin, share}, settings, store.utcOffsetMinutes());
  }
  return std::move(engine).value();
}

}  // namespace

EngagementStage::EngagementStage(store::Store& store, engagement::EngagementSettings settings,
                                 bool share_prompt_history)
    : share_history_(share_prompt_history),
      store_(store),
      file_settings_(settings),
      settings_(std::move(settings)),
      engine_(makeEngine(store, settings_, share_prompt_history, {})) {}

bool EngagementStage::start(const vehicle::VehicleInfo& vehicle,
                            const reports::ReportContext& context) {
  engine_->setVin(vehicle.vin);
  // Consent is what the configuration says now: prompt history queued while
  // it was given, by a run before the file changed, is not sent.
  if (!share_history_) withdrawQueuedHistory();
  const bool read = readData();
  setVehicle(vehicle);
  seedLive();
  const auto newest = store_.newestSampleMs();
  if (!newest) return read;
  return refresh(*newest + 1, vehicle, context) && read;
}

bool EngagementStage::readData() {
  // Read whole, then swapped in: a failed read keeps what was known (an empty
  // campaign list would withdraw every open campaign prompt).
  engagement::EngagementData next;
  if (auto tier = store_.meta(store::kProfileTierKey)) {
    next.profile.tier = engagement::tierFromName(*tier).value_or(engagement::Tier::kBasic);
  }
  if (auto language = store_.meta(store::kProfileLanguageKey)) {
    next.profile.language = engagement::languageFromName(*language);
  }
  next.profile.dealer_id = store_.meta(store::kProfileDealerKey).value_or("");
  auto campaigns = store_.campaigns();
  auto appointments = store_.appointments();
  if (!campaigns || !appointments || store_.takeReadError()) {
    log::error("engagement: cannot read what the CRM said; keeping what was read before");
    return false;
  }
  for (const auto& c : *campaigns) next.campaigns.push_back(toCampaign(c));
  for (const auto& a : *appointments) next.appointments.push_back(toAppointment(a));
  data_ = std::move(next);
  engine_->setProfile(data_.profile);
  applyOverrides();
  return true;
}

// After a restart the newest tyre, brake and motion figures are in the
// store: the rules see them at once instead of the period's old lowest
// values, and a car restarted mid-drive is known to move.
void EngagementStage::seedLive() {
  namespace sig = vehicle::sig;
  for (const auto& last : store_.lastValues()) {
    const bool wanted = last.signal == sig::kTyreFrontLeft || last.signal == sig::kTyreFrontRight ||
                        last.signal == sig::kTyreRearLeft || last.signal == sig::kTyreRearRight ||
                        last.signal == sig::kBrakeFluidLevel || last.signal == sig::kSpeed;
    if (last.signal == sig::kIsMoving && last.number) {
      // A restart mid-drive must not take the car for parked.
      (void)live_.update(vehicle::Sample{last.ts_ms, last.signal, *last.number != 0, 0});
      continue;
    }
    if (!wanted || !last.number) continue;
    (void)live_.update(vehicle::Sample{last.ts_ms, last.signal, *last.number, 0});
  }
}

void EngagementStage::setVehicle(const vehicle::VehicleInfo& vehicle) {
  placard_kpa_ = vehicle.tyre_placard_kpa;
  live_.setBands(placard_kpa_, settings_.thresholds);
  engine_->setVin(vehicle.vin);
}

void EngagementStage::applyOverrides() {
  settings_ = file_settings_;
  if (data_.profile.language) settings_.language = *data_.profile.language;
  const auto stored = store_.meta(store::kEngagementOverridesKey);
  if (stored) {
    const auto overrides = json::parse(*stored, nullptr, /*allow_exceptions=*/false);
    engagement::EngagementSettings next = settings_;
    // Checked when the command arrived; a newer configuration file can make
    // an old override inconsistent (a threshold pair): then the file wins.
    if (auto st = engagement::applySettings(overrides, "engagement.overrides", next); st) {
      settings_ = next;
    } else {
      log::warn("engagement: the CRM's settings no longer apply: {}", st.error().message);
    }
  }
  engine_->setSettings(settings_);
  live_.setBands(placard_kpa_, settings_.thresholds);
}

bool EngagementStage::onSample(const vehicle::Sample& sample, const vehicle::VehicleInfo& vehicle) {
  const bool changed = live_.update(sample);
  if (changed || !last_eval_ms_ || sample.ts_ms - *last_eval_ms_ >= kEvaluateEveryMs) {
    return evaluate(sample.ts_ms, vehicle);
  }
  return true;
}

bool EngagementStage::refresh(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle,
                              const reports::ReportContext& context) {
  auto facts = engagement::buildPeriodFacts(store_, vehicle, now_ms, context);
  if (!facts) {
    // Kept: yesterday's picture is better than none; tried again tomorrow.
    // With no picture at all the rules do not run: they would withdraw
    // every prompt the picture holds up.
    log::error("engagement: period facts: {}", facts.error().message);
    if (!period_) {
      period_unreadable_ = true;
      return facts.error().code == store::StoreError::kRead;
    }
    return facts.error().code == store::StoreError::kRead && evaluate(now_ms, vehicle);
  }
  period_ = std::move(facts).value();
  period_unreadable_ = false;
  return evaluate(now_ms, vehicle);
}

bool EngagementStage::reload(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle) {
  return readData() && evaluate(now_ms, vehicle);
}

bool EngagementStage::forget(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle,
                             const reports::ReportContext& context) {
  // Emptied first: should the re-read fail, nothing of the old profile stays.
  data_ = engagement::EngagementData{};
  engine_->setProfile({});
  applyOverrides();
  const bool read = readData();
  const bool open = engine_->reload();
  period_.reset();
  return refresh(now_ms, vehicle, context) && read && open;
}

bool EngagementStage::evaluate(std::int64_t now_ms, const vehicle::VehicleInfo& vehicle) {
  // The engine's time never goes back: a sample stamped a little behind the
  // wall clock's last evaluation is judged at that evaluation's time.
  if (last_eval_ms_) now_ms = std::max(now_ms, *last_eval_ms_);
  if (period_unreadable_) return true;  // until the next day's facts
  engagement::Facts facts;
  facts.now_ms = now_ms;
  facts.vehicle = &vehicle;
  facts.period = period_ ? &*period_ : nullptr;
  facts.live = &live_.facts();
  facts.data = &data_;
  // The zone's offset now (summer time included) dates the words: an
  // appointment "tomorrow at 09:00" is the driver's 09:00.
  facts.utc_offset_minutes = engine_->localTime().offsetMinutes(now_ms);
  facts.open = &engine_->openKeys();
  const auto holding = engagement::evaluateRules(facts, settings_, data_.profile.tier);
  last_eval_ms_ = now_ms;
  return engine_->evaluate(holding, now_ms, live_.facts().moving);
}

std::optional<std::int64_t> EngagementStage::nowMs() const {
  const std::int64_t sample = live_.facts().last_sample_ms;
  if (sample == 0 && !last_eval_ms_) return std::nullopt;
  return std::max(sample, last_eval_ms_.value_or(0));
}

void EngagementStage::setFileSettings(engagement::EngagementSettings settings) {
  file_settings_ = std::move(settings);
  applyOverrides();
}

void EngagementStage::setShareHistory(bool share) {
  const bool revoked = share_history_ && !share;
  share_history_ = share;
  engine_->setShareHistory(share);
  if (revoked) withdrawQueuedHistory();
}

// Consent withdrawn: prompt history still waiting in the outbox is taken
// back, not sent (what the broker already has cannot be).
void EngagementStage::withdrawQueuedHistory() {
  const std::string_view topic = wire::spec(wire::Kind::kPrompts).topic;
  std::int64_t after = 0, withdrawn = 0;
  for (;;) {
    auto batch = store_.pendingOutbox(after, 500);
    if (!batch) {
      log::error("engagement: queued prompt history not withdrawn: {}", batch.error().message);
      return;
    }
    if (batch->empty()) break;
    for (const auto& m : *batch) {
      after = m.seq;
      if (m.kind != topic) continue;
      if (auto st = store_.ackOutbox(m.seq); !st) {
        log::error("engagement: queued prompt history not withdrawn: {}", st.error().message);
        return;
      }
      ++withdrawn;
    }
  }
  if (withdrawn > 0) {
    log::info(
        "engagement: no consent to share prompt history; {} queued prompts messages will "
        "not be sent",
        withdrawn);
  }
}

}  // namespace crm::pipeline
