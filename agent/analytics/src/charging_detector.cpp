#include "charging_detector.h"

#include <algorithm>
#include <cmath>

namespace crm::analytics::detail {
namespace {

namespace sig = vehicle::sig;

// An SOC rise across a silence above this many points is a charge the agent
// missed; below it, sensor noise and BMS recalibration can explain it.
constexpr double kInferredRisePoints = 3.0;
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

double soc(const LiveState& s) {
  return s.get(sig::kSocCurrent, s.get(sig::kSocDisplayed));
}

}  // namespace

double socChange(const LiveState& before, const LiveState& now) {
  const double precise = soc(now) - soc(before);
  // A stale repeat of the precise SOC reads as "no change"; the displayed
  // SOC (whole points) then tells whether it really moved.
  if (std::fabs(precise) < 0.01 && before.has(sig::kSocDisplayed) && now.has(sig::kSocDisplayed)) {
    const double shown = now.get(sig::kSocDisplayed) - before.get(sig::kSocDisplayed);
    if (std::fabs(shown) > 1.0) return shown;
  }
  return precise;
}

double energyChangeKwh(const LiveState& before, const LiveState& now, const CarModel& car) {
  const double by_soc = socChange(before, now) * car.kwh_per_point;
  if (before.has(sig::kCurrentEnergy) && now.has(sig::kCurrentEnergy)) {
    const double by_bms = now.get(sig::kCurrentEnergy) - before.get(sig::kCurrentEnergy);
    // The BMS energy content is the better measure unless it was not
    // refreshed (a stale value) or disagrees grossly with the SOC.
    if (std::fabs(by_bms - by_soc) <= 0.2 * std::fabs(by_soc) + 0.5) return by_bms;
  }
  return by_soc;
}

double odometerChangeKm(const LiveState& before, const LiveState& now) {
  if (!before.has(sig::kTraveledDistance) || !now.has(sig::kTraveledDistance)) return 0;
  return std::max(0.0, now.get(sig::kTraveledDistance) - before.get(sig::kTraveledDistance)) /
         1000.0;
}

void ChargingDetector::accumulate(const LiveState& held, double dt_s) {
  if (!open_) return;
  const double kwh = held.powerW() * dt_s / 3.6e6;
  open_->energy_kwh += kwh;
  open_->measured_kwh += kwh;
  open_->measured_s += dt_s;
}

void ChargingDetector::onInstant(std::int64_t t, const LiveState& now, const Silence* silence,
                                 const CarModel& car, std::vector<store::ChargingSession>& out) {
  const bool charging = now.charging();
  if (silence != nullptr) {
    const LiveState& before = *silence->before;
    const double km = odometerChangeKm(before, now);
    const bool drove = km > kDroveKm;
    const double change_kwh = energyChangeKwh(before, now, car);
    bool explained = false;  // the silence's energy went into a session
    if (open_ && !drove) {
      const double bridged = std::max(0.0, change_kwh);
      open_->energy_kwh += bridged;
      explained = true;
      if (!charging) {
        // It ended during the silence; at the rate seen before it, this is
        // when.
        const double rate_kw =
            open_->measured_s > 0 ? open_->measured_kwh / (open_->measured_s / 3600.0) : 0;
        std::int64_t end = silence->to_ms;
        if (rate_kw > 0.5) {
          end = std::min(end,
                         silence->from_ms + static_cast<std::int64_t>(bridged / rate_kw * 3.6e6));
        }
        out.push_back(close(end, soc(now)));
      }
    } else if (open_) {
      // The session ended and the car was driven: keep what was observed;
      // the rest of the silence is judged below like any other.
      out.push_back(close(open_->last_ms, open_->last_soc));
    } else if (charging && !drove && change_kwh > kBeganDuringPoints * car.kwh_per_point) {
      // It began while the agent was off and is still running.
      open(silence->from_ms, soc(before), now);
      open_->energy_kwh += change_kwh;
      explained = true;
    }
    const double drive_kwh = km * car.kwh_per_km;
    const double rise_kwh = change_kwh + drive_kwh;
    if (!explained &&
        rise_kwh > kInferredRisePoints * car.kwh_per_point + kDriveUncertainty * drive_kwh) {
      // Charged while the agent was off. With driving in between, the
      // energy is the SOC rise plus what the distance took; a session
      // running now is counted from now on only, so nothing is counted twice.
      store::ChargingSession s;
      s.start_ms = silence->from_ms;
      s.end_ms = silence->to_ms;
      s.start_soc = soc(before);
      s.end_soc = soc(now);
      s.energy_kwh = rise_kwh;
      s.inferred = true;
      out.push_back(s);
    }
  }
  if (!open_ && charging) open(t, soc(now), now);
  if (open_) observe(t, now);
  if (open_ && !charging) out.push_back(close(t, soc(now)));
}

void ChargingDetector::finish(const LiveState& now, std::vector<store::ChargingSession>& out) {
  if (open_) out.push_back(close(open_->last_ms, soc(now)));
}

void ChargingDetector::open(std::int64_t t, double start_soc, const LiveState& now) {
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
  o.last_soc = soc(now);
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

store::ChargingSession ChargingDetector::close(std::int64_t end_ms, double end_soc) {
  const Open& o = *open_;
  store::ChargingSession s;
  s.start_ms = o.start_ms;
  s.end_ms = std::max(end_ms, o.start_ms);
  s.start_soc = o.start_soc;
  s.end_soc = end_soc;
  s.energy_kwh = o.energy_kwh;
  s.peak_kw = o.peak_kw;
  s.average_kw = o.measured_s > 0 ? o.measured_kwh / (o.measured_s / 3600.0) : 0;
  if (o.max_dc_a > 0 || o.max_phase_a > 0) {
    s.dc = o.max_dc_a > kDcMinA && o.max_dc_a >= o.max_phase_a;
  } else {
    s.dc = o.peak_kw > kAcMaxKw;
  }
  s.pack_temp_max_c = o.temp_max_c.value_or(0);
  // Stopped short of the limit without the pack being full: unplugged early,
  // a breaker, a driver leaving the DC charger.
  s.interrupted = end_soc < o.charge_limit - 1.0 && end_soc < 99.0;
  open_.reset();
  return s;
}

}  // namespace crm::analytics::detail
