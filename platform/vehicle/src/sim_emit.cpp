// Emission: how samples leave the simulated car (see sim_impl.h).
#include "sim_fp.h"  // first: see there

#include <algorithm>
#include <cmath>

#include "sim_impl.h"

namespace crm::vehicle {
namespace {

// How each signal is emitted: values are rounded to 1/scale (what real CAN
// signals resolve, and it keeps recordings short), and with noise switched
// on get Gaussian-ish noise of `sigma` in the signal's unit.
struct EmitSpec {
  double scale;
  double sigma;
};
constexpr std::array<EmitSpec, sim::kSignalCount> kEmit{{
    {1, 0},         // TraveledDistance (whole metres)
    {10, 0.3},      // Speed
    {1, 0},         // IsMoving
    {10, 0.1},      // StateOfHealth
    {100, 0.05},    // SOC current
    {1, 0},         // SOC displayed: whole percent, as dashboards show it
    {100, 0.03},    // CurrentEnergy
    {10, 0.1},      // NetCapacity
    {10, 0.3},      // CurrentCurrent
    {10, 0.3},      // CurrentVoltage
    {1, 100},       // CurrentPower
    {10, 0.2},      // Temperature.Average
    {10, 0.2},      // Temperature.Min
    {10, 0.2},      // Temperature.Max
    {1000, 0.002},  // CellVoltage.Min
    {1000, 0.002},  // CellVoltage.Max
    {1, 0},         // IsCharging
    {1, 0},         // IsChargingCableConnected
    {10, 0.2},      // ChargeCurrent.DC
    {10, 0.2},      // ChargeCurrent.Phase1
    {10, 0.2},      // ChargeCurrent.Phase2
    {10, 0.2},      // ChargeCurrent.Phase3
    {1, 0},         // ChargeLimit
    {1, 0},         // TimeToComplete (whole seconds)
    {1000, 0},      // AccumulatedChargedEnergy: a counter, never noisy
    {1000, 0},      // AccumulatedConsumedEnergy
    {100, 0.02},    // LowVoltageBattery.CurrentVoltage
    {10, 1.0},      // tyre pressure, front left
    {10, 1.0},      // front right
    {10, 1.0},      // rear left
    {10, 1.0},      // rear right
    {100, 0.1},     // pad wear, front left
    {100, 0.1},     // front right
    {100, 0.1},     // rear left
    {100, 0.1},     // rear right
    {10, 0.2},      // brake fluid level
    {1, 0},         // DTCList
    {1e6, 2e-5},    // latitude
    {1e6, 2e-5},    // longitude
    {10, 0.3},      // ambient
}};

}  // namespace

void Simulator::Impl::emitNumber(SignalId id, double value) {
  if (in_gap_ || t_ <= last_ts_[id]) return;
  if (!cfg_.energy_counters && (id == sig::kChargedEnergy || id == sig::kConsumedEnergy)) return;
  const SignalInfo& info = signalInfo(id);
  const EmitSpec& spec = kEmit[id];
  if (cfg_.noise && spec.sigma > 0 && value != 0.0) {
    // Exact zeros (contactors open, car standing) stay exact; otherwise
    // an occasional stale repeat, else Gaussian-ish noise.
    if (has_last_[id] && noise_rng_.chance(0.005)) {
      value = last_value_[id];
    } else {
      value += spec.sigma * noise_rng_.gauss();
    }
  }
  if (id == sig::kSoh && cfg_.soh_whole_percent) value = std::round(value);
  if (info.type == ValueType::kUInt32) {
    value = std::floor(value);
  } else {
    value = std::round(value * spec.scale) / spec.scale;
  }
  value = std::clamp(value, info.min, info.max);
  last_value_[id] = value;
  has_last_[id] = true;
  push(id).value.emplace<double>(value);
}

Sample& Simulator::Impl::push(SignalId id) {
  // Built in place: no temporary Sample, and a reused slot's storage.
  Sample& sample = out_.emplace_back();
  sample.ts_ms = t_;
  sample.signal = id;
  last_ts_[id] = t_;
  return sample;
}

void Simulator::Impl::emitBool(SignalId id, bool value) {
  if (in_gap_ || t_ <= last_ts_[id]) return;
  push(id).value.emplace<bool>(value);
}

void Simulator::Impl::emitDtcList() {
  if (in_gap_ || t_ <= last_ts_[sig::kDtcList]) return;
  std::vector<std::string> active;
  const double day = daysSinceStart();
  for (const auto& dtc : cfg_.dtcs) {
    if (day >= dtc.on_day && (dtc.off_day < 0 || day < dtc.off_day)) active.push_back(dtc.code);
  }
  push(sig::kDtcList).value.emplace<std::vector<std::string>>(std::move(active));
}

void Simulator::Impl::emitSocState() {
  if (hold_first_soc_) {
    hold_first_soc_ = false;
    return;
  }
  const double soc = reportedSocPercent();
  emitNumber(sig::kSocCurrent, soc);
  emitNumber(sig::kSocDisplayed, soc);
  // Cars that hide SOH also hide the energy content (SOC / energy would
  // reveal the capacity); the analytics must then estimate it.
  if (cfg_.bms_reports_soh) {
    emitNumber(sig::kCurrentEnergy,
               cfg_.lfp_soc_noise ? soc / 100.0 * battery_.capacityKwh() : battery_.energyKwh());
  }
}

double Simulator::Impl::reportedSocPercent() {
  const double truth = battery_.soc() * 100.0;
  if (!cfg_.lfp_soc_noise) return truth;
  // On the flat part of an LFP voltage curve the BMS counts coulombs and its
  // error grows; at full charge the voltage knee re-anchors it.
  if (battery_.soc() >= 0.995) {
    soc_anchor_ms_ = t_;
    soc_drift_per_day_ = std::clamp(bms_rng_.gauss(0, 0.15), -0.4, 0.4);
  }
  const double days = static_cast<double>(t_ - soc_anchor_ms_) / sim::kMsPerDay;
  double error = soc_drift_per_day_ * days + 0.4 * bms_rng_.gauss();
  if (bms_rng_.chance(1.0 / 70)) {
    const double stray = bms_rng_.uniform(2.5, 4.5);
    error += bms_rng_.chance(0.5) ? stray : -stray;
  }
  return std::clamp(truth + error, 0.0, 100.0);
}

void Simulator::Impl::emitTemperatures() {
  const double t = battery_.temperatureC();
  const double spread = battery_.temperatureSpreadC();
  emitNumber(sig::kPackTempAvg, t);
  emitNumber(sig::kPackTempMin, t - spread * 0.5);
  emitNumber(sig::kPackTempMax, t + spread * 0.5);
}

void Simulator::Impl::emitElectrical() {
  emitNumber(sig::kPackCurrent, current_a_);
  emitNumber(sig::kPackVoltage, voltage_v_);
  emitNumber(sig::kPackPower, power_w_);
}

void Simulator::Impl::emitCells() {
  emitNumber(sig::kCellVoltageMin, battery_.cellMinV());
  emitNumber(sig::kCellVoltageMax, battery_.cellMaxV());
}

void Simulator::Impl::emitChargeCurrents() {
  const bool charging = mode_ == Mode::kCharging;
  emitNumber(sig::kChargeCurrentDc, charging && charge_.dc ? current_a_ : 0.0);
  double phase = 0;
  bool three_phase = false;
  if (charging && !charge_.dc) {
    // Grid side of the on-board charger: up to 7.4 kW on one 230 V phase,
    // above that on three.
    const double grid_w = power_w_ / sim::kAcChargerEfficiency;
    three_phase = cfg_.home_charger_kw > 7.4 + 1e-9;
    phase = three_phase ? grid_w / (3 * 230.0) : grid_w / 230.0;
  }
  emitNumber(sig::kChargeCurrentPhase1, phase);
  emitNumber(sig::kChargeCurrentPhase2, three_phase ? phase : 0.0);
  emitNumber(sig::kChargeCurrentPhase3, three_phase ? phase : 0.0);
}

void Simulator::Impl::emitLocation() {
  if (!cfg_.location) return;
  emitNumber(sig::kLatitude, lat_);
  emitNumber(sig::kLongitude, lon_);
}

void Simulator::Impl::emitSnapshot() {
  emitNumber(sig::kTraveledDistance, odometer_m_);
  emitNumber(sig::kSpeed, speed_kmh_);
  emitBool(sig::kIsMoving, mode_ == Mode::kDriving);
  emitSocState();
  if (cfg_.bms_reports_soh) {
    emitNumber(sig::kSoh, std::min(100.0, battery_.sohPercent() + soh_bias_));
    emitNumber(sig::kNetCapacity, battery_.capacityKwh() * (1.0 + soh_bias_ / 100.0));
  }
  emitElectrical();
  emitTemperatures();
  if (mode_ == Mode::kParked) emitCells();
  const bool charging = mode_ == Mode::kCharging;
  emitBool(sig::kIsCharging, charging);
  emitBool(sig::kCableConnected, cable_);
  emitChargeCurrents();
  emitNumber(sig::kChargeLimit, charge_limit_ * 100.0);
  emitNumber(sig::kTimeToComplete, charging ? timeToCompleteS(power_w_) : 0.0);
  emitNumber(sig::kChargedEnergy, charged_kwh_);
  emitNumber(sig::kConsumedEnergy, consumed_kwh_);
  if (mode_ == Mode::kParked) emitNumber(sig::kLvBatteryVoltage, lvRestVoltageNow());
  for (int i = 0; i < 4; ++i) {
    emitNumber(static_cast<SignalId>(sig::kTyreFrontLeft + i), tyres_.pressureKpa(i));
    emitNumber(static_cast<SignalId>(sig::kPadWearFrontLeft + i), brakes_.padWearPercent(i));
  }
  emitNumber(sig::kBrakeFluidLevel, brakes_.fluidLevelPercent());
  emitDtcList();
  emitLocation();
  emitNumber(sig::kAmbientTemp, climate_.ambientC(t_));
}

}  // namespace crm::vehicle
