#include "charging_detector.h"

#include <algorithm>
#include <cmath>

#include "crm/common/log.h"
#include "robust.h"

namespace crm::analytics::detail {
namespace {

namespace sig = vehicle::sig;

// An SOC rise across a silence above this many points is a charge the agent
// missed; below it, sensor noise and BMS recalibration can explain it.
// Noisier packs need more: at least kNoiseSigmas (soc_track.h) times the
// scatter of one reading at rest.
constexpr double kInferredRisePoints = 3.0;
// The BMS's charged-energy counter is never noisy: a rise above this (kWh)
// across a silence is a charge.
constexpr double kCountedMinKwh = 0.5;
// A rise is confirmed by the median of the first readings after the
// silence: this many outvote a bad reading and a stale repeat of it.
constexpr std::size_t kConfirmReadings = 5;
// A candidate still waiting when a silence this long begins is judged on
// what it has (a parked car reports every 30 minutes).
constexpr std::int64_t kJudgeSilenceMs = 3 * kMsPerHour;
// Driving seen on the odometer during a silence is converted to energy at
// the recent efficiency, which is known to perhaps a quarter: that much of
// it is added to the threshold so that driving cannot fake a charge.
constexpr double kDriveUncertainty = 0.25;
// A session found running after a silence began during it when the SOC rose
// by more than this meanwhile; else it began as the samples resumed (a
// parked car's 30-minute silence ending with a timer-started charge).
constexpr double kBeganDuringPoints = 1.0;
// The odometer moved: the car was driven while the agent was off.
constexpr double kDroveKm = 0.2;
// DC when the DC charge current carried more than this, and more than the
// phases did.
constexpr double kDcMinA = 5.0;
// Without charge currents, a session above what on-board chargers do is DC.
constexpr double kAcMaxKw = 11.5;

// Energy into the battery across a silence, kWh (negative when it fell),
// from `from_soc` before it: the BMS energy content when both sides report
// it and it agrees, else SOC times capacity. nullopt without an SOC after.
std::optional<double> energyChangeKwh(double from_soc, const LiveState& before,
                                      const LiveState& now, const CarModel& car) {
  const auto to_soc = reportedSoc(now);
  if (!to_soc) return std::nullopt;
  double points = *to_soc - from_soc;
  // A stale repeat of the precise SOC reads as "no change"; the displayed
  // SOC (whole points) then tells whether it really moved.
  if (std::fabs(points) < 0.01 && before.has(sig::kSocDisplayed) && now.has(sig::kSocDisplayed)) {
    const double shown = now.get(sig::kSocDisplayed) - before.get(sig::kSocDisplayed);
    if (std::fabs(shown) > 1.0) points = shown;
  }
  const double by_soc = points * car.kwh_per_point;
  if (before.has(sig::kCurrentEnergy) && now.has(sig::kCurrentEnergy)) {
    const double by_bms = now.get(sig::kCurrentEnergy) - before.get(sig::kCurrentEnergy);
    // The BMS energy content is the better measure unless it was not
    // refreshed (a stale value) or disagrees grossly with the SOC.
    if (std::fabs(by_bms - by_soc) <= 0.2 * std::fabs(by_soc) + 0.5) return by_bms;
  }
  return by_soc;
}

// Energy the BMS counted into the battery across a silence, kWh: only when
// the counter was reported after the silence, and before it no earlier than
// the last observed session's end (else it may lag energy already measured).
std::optional<double> countedKwh(const LiveState& before, const LiveState& now,
                                 const Silence& silence, std::int64_t last_end_ms) {
  if (!before.has(sig::kChargedEnergy) || now.ts(sig::kChargedEnergy) < silence.to_ms ||
      before.ts(sig::kChargedEnergy) < last_end_ms) {
    return std::nullopt;
  }
  return std::max(0.0, now.get(sig::kChargedEnergy) - before.get(sig::kChargedEnergy));
}

// Distance driven across a silence, km; nullopt when the odometer is unknown
// on either side.
std::optional<double> odometerChangeKm(const LiveState& before, const LiveState& now) {
  if (!before.has(sig::kTraveledDistance) || !now.has(sig::kTraveledDistance)) return std::nullopt;
  return std::max(0.0, now.get(sig::kTraveledDistance) - before.get(sig::kTraveledDistance)) /
         1000.0;
}

// The rise (kWh) an inferred charge must exceed.
double inferredThresholdKwh(const SocTrack& soc, const CarModel& car, double drive_kwh) {
  const double points = std::max(kInferredRisePoints, kNoiseSigmas * soc.restNoise());
  return points * car.kwh_per_point + kDriveUncertainty * drive_kwh;
}

}  // namespace

void ChargingDetector::accumulate(const LiveState& held, double dt_s) {
  if (!open_) return;
  const double kwh = held.powerW() * dt_s / 3.6e6;
  open_->energy_kwh += kwh;
  open_->measured_kwh += kwh;
  open_->measured_s += dt_s;
}

void ChargingDetector::onInstant(std::int64_t t, const LiveState& now, const Silence* silence,
                                 SocTrack& soc, const CarModel& car,
                                 std::vector<store::ChargingSession>& out) {
  const bool charging = now.charging();
  if (candidate_) {
    // A session starting, or another long silence, ends the confirmation:
    // their readings belong to something else.
    if (charging || (silence != nullptr && silence->to_ms - silence->from_ms > kJudgeSilenceMs)) {
      judge(car, soc, out);
    } else if (const auto reading = readingAt(t, now)) {
      candidate_->readings.push_back(*reading);
      if (candidate_->readings.size() >= kConfirmReadings) judge(car, soc, out);
    }
  }
  if (silence != nullptr) onSilence(now, *silence, soc, car, out);
  if (!open_ && charging) open(t, reportedSoc(now), now);
  if (open_) observe(t, now);
  if (open_ && !charging) close(t, out);
  // Readings from before a session, or early in it, do not describe the car
  // after it: while it runs, the level keeps only its newest reading.
  if (open_) soc.restartLevel();
}

void ChargingDetector::onSilence(const LiveState& now, const Silence& silence, SocTrack& soc,
                                 const CarModel& car, std::vector<store::ChargingSession>& out) {
  const LiveState& before = *silence.before;
  const bool charging = now.charging();
  const auto km = odometerChangeKm(before, now);
  const bool drove = km && *km > kDroveKm;
  const auto level = soc.level();
  const auto after = reportedSoc(now);
  const auto counted = countedKwh(before, now, silence, last_end_ms_);
  if (open_ && !drove) {
    // Still the same session: what the SOC (or BMS energy) gained meanwhile
    // went in; unknown counts as nothing.
    const auto change = level ? energyChangeKwh(*level, before, now, car) : std::optional<double>{};
    const double bridged = std::max(0.0, change.value_or(0.0));
    open_->energy_kwh += bridged;
    if (after) open_->last_soc = after;
    if (!charging) {
      // It ended during the silence; at the rate seen before it, this is
      // when.
      const double rate_kw =
          open_->measured_s > 0 ? open_->measured_kwh / (open_->measured_s / 3600.0) : 0;
      std::int64_t end = silence.to_ms;
      if (rate_kw > 0.5) {
        end = std::min(end, silence.from_ms + static_cast<std::int64_t>(bridged / rate_kw * 3.6e6));
      }
      close(end, out);
    }
    return;
  }
  if (open_) {
    // The session ended and the car was driven: keep what was observed;
    // the rest of the silence is judged below like any other.
    close(open_->last_ms, out);
  }
  // Without an SOC on both sides nothing can be said about the silence.
  if (!level || !after) return;
  const double noise_points = kNoiseSigmas * soc.restNoise();
  if (charging && !drove) {
    const auto change = counted ? counted : energyChangeKwh(*level, before, now, car);
    const double began_kwh = std::max(kBeganDuringPoints, noise_points) * car.kwh_per_point;
    if (change && *change > began_kwh) {
      // It began while the agent was off and is still running.
      open(silence.from_ms, level, now);
      open_->energy_kwh += *change;
      return;
    }
  }
  // A candidate still waiting absorbs this silence: one charge, one session.
  if (candidate_) return;
  if (counted) {
    if (*counted > kCountedMinKwh) {
      // Charged while the agent was off, as the BMS counted it; a session
      // running now is counted from now on only, so nothing twice.
      store::ChargingSession s;
      s.start_ms = silence.from_ms;
      s.end_ms = silence.to_ms;
      s.start_soc = *level;
      s.end_soc = *after;
      s.energy_kwh = *counted;
      s.inferred = true;
      out.push_back(s);
      soc.restartLevel();
    }
    return;
  }
  const double drive_kwh = km.value_or(0.0) * car.kwh_per_km;
  const double rise_kwh = (*after - *level) * car.kwh_per_point + drive_kwh;
  if (rise_kwh <= inferredThresholdKwh(soc, car, drive_kwh)) return;
  candidate_ = Candidate{silence.from_ms, silence.to_ms, *level, drive_kwh, {*after}};
  soc.restartLevel();
  // A session running now would move the following readings: judge now.
  if (charging) judge(car, soc, out);
}

void ChargingDetector::judge(const CarModel& car, const SocTrack& soc,
                             std::vector<store::ChargingSession>& out) {
  Candidate c = std::move(*candidate_);
  candidate_.reset();
  // The median of the readings (the lower middle of an even count): a value the car
  // reported, and one bad reading cannot make it.
  std::sort(c.readings.begin(), c.readings.end());
  const double after = c.readings[(c.readings.size() - 1) / 2];
  // With driving in between, the energy is the SOC rise plus what the
  // distance took.
  const double rise_kwh = (after - c.start_soc) * car.kwh_per_point + c.drive_kwh;
  if (rise_kwh <= inferredThresholdKwh(soc, car, c.drive_kwh)) return;
  store::ChargingSession s;
  s.start_ms = c.from_ms;
  s.end_ms = c.to_ms;
  s.start_soc = c.start_soc;
  s.end_soc = after;
  s.energy_kwh = rise_kwh;
  s.inferred = true;
  out.push_back(s);
}

void ChargingDetector::finish(const CarModel& car, const SocTrack& soc,
                              std::vector<store::ChargingSession>& out) {
  if (candidate_) judge(car, soc, out);
  if (open_) close(open_->last_ms, out);
}

void ChargingDetector::open(std::int64_t t, std::optional<double> start_soc, const LiveState& now) {
  open_ = Open{};
  open_->start_ms = t;
  open_->last_ms = t;
  open_->start_soc = start_soc;
  open_->last_soc = start_soc;
  open_->charge_limit = now.get(sig::kChargeLimit, 100);
}

void ChargingDetector::observe(std::int64_t t, const LiveState& now) {
  Open& o = *open_;
  o.last_ms = t;
  if (const auto soc = reportedSoc(now)) {
    o.last_soc = soc;
    // Opened before the car reported any SOC: its first report is the start.
    if (!o.start_soc) o.start_soc = soc;
  }
  if (now.charging()) o.peak_kw = std::max(o.peak_kw, now.powerW() / 1000.0);
  o.max_dc_a = std::max(o.max_dc_a, std::fabs(now.get(sig::kChargeCurrentDc)));
  for (auto id : {sig::kChargeCurrentPhase1, sig::kChargeCurrentPhase2, sig::kChargeCurrentPhase3})
    o.max_phase_a = std::max(o.max_phase_a, std::fabs(now.get(id)));
  const auto temp_id = now.has(sig::kPackTempMax) ? sig::kPackTempMax : sig::kPackTempAvg;
  if (now.has(temp_id)) {
    o.temp_max_c = std::max(o.temp_max_c.value_or(-100.0), now.get(temp_id));
  }
  if (now.has(sig::kChargeLimit)) o.charge_limit = now.get(sig::kChargeLimit);
}

void ChargingDetector::close(std::int64_t end_ms, std::vector<store::ChargingSession>& out) {
  const Open o = *open_;
  open_.reset();
  if (!o.start_soc || !o.last_soc) {
    // A session needs its SOC at both ends, and the car never reported one.
    log::warn("event=charging_session_without_soc start_ms={} energy_kwh={:.2f}", o.start_ms,
              o.energy_kwh);
    return;
  }
  store::ChargingSession s;
  s.start_ms = o.start_ms;
  s.end_ms = std::max(end_ms, o.start_ms);
  s.start_soc = *o.start_soc;
  s.end_soc = *o.last_soc;
  s.energy_kwh = o.energy_kwh;
  s.peak_kw = o.peak_kw;
  s.average_kw = o.measured_s > 0 ? o.measured_kwh / (o.measured_s / 3600.0) : 0;
  if (o.max_dc_a > 0 || o.max_phase_a > 0) {
    s.dc = o.max_dc_a > kDcMinA && o.max_dc_a >= o.max_phase_a;
  } else {
    s.dc = o.peak_kw > kAcMaxKw;
  }
  s.pack_temp_max_c = o.temp_max_c;
  // Stopped short of the limit without the pack being full: unplugged early,
  // a breaker, a driver leaving the DC charger.
  s.interrupted = s.end_soc < o.charge_limit - 1.0 && s.end_soc < 99.0;
  last_end_ms_ = s.end_ms;
  out.push_back(s);
}

}  // namespace crm::analytics::detail
