#include "sim_fp.h"  // first: see there

#include "sim_battery.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace crm::vehicle::sim {
namespace {

// Cell open-circuit voltage at 0, 10, ..., 100 % SOC. NMC from typical
// 811/622 cells; LFP with its long flat plateau (why LFP SOC drifts and
// makers ask for a weekly full charge to recalibrate).
constexpr std::array<double, 11> kOcvNmc{3.00, 3.45, 3.55, 3.61, 3.66, 3.72,
                                         3.80, 3.89, 3.97, 4.07, 4.18};
constexpr std::array<double, 11> kOcvLfp{2.80, 3.20, 3.25, 3.28, 3.29, 3.30,
                                         3.31, 3.32, 3.33, 3.35, 3.55};

// Ageing constants (percent of nominal capacity), calibrated against the
// fleet figures in docs/domain-facts.md §3; see the header.
constexpr double kCalSqrt = 0.039;      // per sqrt(stress-weighted day)
constexpr double kCalLinear = 0.00224;  // per stress-weighted day
constexpr double kCycle = 0.0473;       // per (stressed equivalent full cycle)^0.7

constexpr double kSecondsPerDay = 86400.0;
// Lumped pack heat capacity per kWh (cells, modules, coolant): about
// 400 kJ/K for a 75 kWh pack.
constexpr double kHeatCapacityPerKwh = 5400.0;
// Pack resistance of a 75 kWh pack at 25 °C, scaled by parallel cell count.
constexpr double kResistance75 = 0.035;

double calendarFactor(Chemistry c) {
  return c == Chemistry::kLfp ? 0.7 : 1.0;
}
double cycleFactor(Chemistry c) {
  return c == Chemistry::kLfp ? 0.5 : (c == Chemistry::kNca ? 1.1 : 1.0);
}

}  // namespace

Chemistry parseChemistry(std::string_view name) {
  if (name == "LFP") return Chemistry::kLfp;
  if (name == "NCA") return Chemistry::kNca;
  return Chemistry::kNmc;
}

Battery::Battery(double nominal_kwh, Chemistry chemistry, double initial_soh_percent,
                 double initial_soc, double initial_temp_c)
    : nominal_kwh_(std::max(nominal_kwh, 1.0)),
      chemistry_(chemistry),
      cells_series_(chemistry == Chemistry::kLfp ? 104 : 96),
      soc_(std::clamp(initial_soc, 0.0, 1.0)),
      capacity_kwh_(nominal_kwh_),
      temp_c_(initial_temp_c),
      heat_capacity_j_per_k_(kHeatCapacityPerKwh * nominal_kwh_) {
  // A used car: find the calendar age (at reference stress) that explains its
  // loss, so that its curve continues flat instead of restarting steep.
  const double loss =
      std::clamp(100.0 - initial_soh_percent, 0.0, 60.0) / calendarFactor(chemistry);
  if (loss > 0) {
    const double a = kCalSqrt;
    const double b = kCalLinear;
    const double y = (-a + std::sqrt(a * a + 4 * b * loss)) / (2 * b);
    initial_age_days_ = y * y;
    cal_sqrt_days_ = initial_age_days_;
    cal_lin_days_ = initial_age_days_;
  }
  refreshCapacity();
}

double Battery::ocvCellV() const {
  const auto& table = chemistry_ == Chemistry::kLfp ? kOcvLfp : kOcvNmc;
  const double x = soc_ * 10.0;
  const int i = std::clamp(static_cast<int>(x), 0, 9);
  const double f = x - i;
  return table[i] + (table[i + 1] - table[i]) * f;
}

double Battery::ocvPackV() const {
  return ocvCellV() * cells_series_;
}

double Battery::resistanceOhm() const {
  const double base = kResistance75 * 75.0 / nominal_kwh_;
  const double cold = 1.0 + 0.025 * std::max(0.0, 25.0 - temp_c_);
  const double aged = 1.0 + 3.0 * std::max(0.0, 1.0 - sohPercent() / 100.0);
  return base * cold * aged;
}

double Battery::currentForPower(double power_w) const {
  // Root of R*I^2 + OCV*I - P = 0 in the form that stays accurate near P = 0.
  const double ocv = ocvPackV();
  const double r = resistanceOhm();
  const double disc = std::max(ocv * ocv + 4.0 * r * power_w, 0.25 * ocv * ocv);
  return 2.0 * power_w / (ocv + std::sqrt(disc));
}

double Battery::cellMinV() const {
  const double spread = 0.008 + 0.04 * std::max(0.0, 1.0 - sohPercent() / 100.0) +
                        0.015 * std::max(0.0, 0.2 - soc_) / 0.2;
  return ocvCellV() - spread * 0.6;
}

double Battery::cellMaxV() const {
  const double spread = 0.008 + 0.04 * std::max(0.0, 1.0 - sohPercent() / 100.0) +
                        0.015 * std::max(0.0, 0.2 - soc_) / 0.2;
  return ocvCellV() + spread * 0.4;
}

double Battery::dcAcceptanceW(double charger_w, double soc) const {
  const bool lfp = chemistry_ == Chemistry::kLfp;
  const double peak = std::min(charger_w, (lfp ? 1.6 : 2.0) * nominal_kwh_ * 1000.0);
  const double knee = lfp ? 0.65 : 0.55;
  double p = peak;
  if (soc > knee) {
    const double x = (soc - knee) / (1.0 - knee);
    p = peak * std::max(0.06, std::pow(std::max(0.0, 1.0 - 0.92 * x), 1.4));
  }
  // Lithium plating risk: the BMS limits current into a cold pack.
  double thermal = 1.0;
  if (temp_c_ < 25.0) thermal = std::clamp(0.3 + 0.028 * temp_c_, 0.2, 1.0);
  if (temp_c_ > 45.0) thermal = std::max(0.3, 1.0 - 0.05 * (temp_c_ - 45.0));
  return std::max(3000.0, p * thermal);
}

void Battery::applyPower(double power_w, double dt_s) {
  const double kwh = power_w * dt_s / 3.6e6;
  soc_ = std::clamp(soc_ + kwh / capacity_kwh_, 0.0, 1.0);
  const double cycles = std::abs(kwh) / (2.0 * nominal_kwh_);
  const double c_rate = std::abs(power_w) / 1000.0 / nominal_kwh_;
  double stress = 1.0 + 0.7 * std::max(0.0, c_rate - 0.5);
  if (power_w > 0 && temp_c_ < 10.0) stress += 0.05 * (10.0 - temp_c_);
  efc_ += cycles;
  efc_stressed_ += cycles * stress;
}

void Battery::updateThermal(double dt_s, double ambient_c, double power_w, ThermalMode mode) {
  const double c = heat_capacity_j_per_k_;
  if (mode == ThermalMode::kParked) {
    // Passive exchange only: time constant about 8 h.
    const double g = c / (8.0 * 3600.0);
    temp_c_ = ambient_c + (temp_c_ - ambient_c) * std::exp(-dt_s * g / c);
    temp_spread_c_ = 0.6;
    return;
  }
  const double current = currentForPower(power_w);
  double heat = current * current * resistanceOhm();
  if (mode == ThermalMode::kDriving && temp_c_ < 10.0) heat += 2500.0;
  if (mode == ThermalMode::kDcCharging && temp_c_ < 20.0) heat += 5000.0;  // preconditioning
  if (mode == ThermalMode::kAcCharging && temp_c_ < 0.0) heat += 1500.0;
  // The chiller starts at 35 °C and is sized for a temperate climate, so a
  // fast charge on a hot day can still push the pack past 45 °C.
  if (temp_c_ > 35.0) heat -= std::min(5000.0, 500.0 * (temp_c_ - 35.0));
  const double g = c / (3.0 * 3600.0);  // coolant loop running
  const double equilibrium = ambient_c + heat / g;
  temp_c_ = equilibrium + (temp_c_ - equilibrium) * std::exp(-dt_s * g / c);
  temp_spread_c_ = 0.6 + 0.004 * std::abs(current);
}

double Battery::heaterLoadW(ThermalMode mode) const {
  return (mode == ThermalMode::kDriving && temp_c_ < 10.0) ? 2500.0 : 0.0;
}

void Battery::ageCalendar(double dt_s) {
  const double days = dt_s / kSecondsPerDay;
  const double f_temp = std::exp2((temp_c_ - 15.0) / 12.0);
  const double f_soc = chemistry_ == Chemistry::kLfp ? 0.85 + 0.3 * soc_ : 0.55 + 0.75 * soc_;
  const double s = f_temp * f_soc;
  cal_sqrt_days_ += days * s * s;
  cal_lin_days_ += days * s;
}

double Battery::lossPercent() const {
  const double calendar = calendarFactor(chemistry_) *
                          (kCalSqrt * std::sqrt(cal_sqrt_days_) + kCalLinear * cal_lin_days_);
  const double cycle = cycleFactor(chemistry_) * kCycle * std::pow(efc_stressed_, 0.7);
  return std::min(calendar + cycle, 60.0);
}

void Battery::refreshCapacity() {
  capacity_kwh_ = nominal_kwh_ * (1.0 - lossPercent() / 100.0);
}

}  // namespace crm::vehicle::sim
