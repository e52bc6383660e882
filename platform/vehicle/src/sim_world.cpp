#include "sim_fp.h"  // first: see there

#include "sim_world.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace crm::vehicle::sim {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kDaysPerYear = 365.2425;
// 1970-01-15 is day 14; adding whole mean Gregorian years keeps the coldest
// day near 15 January in every year.
constexpr double kColdestDay = 14.0;
constexpr double kAtmosphereKpa = 101.325;

}  // namespace

Climate::Climate(double mean_c, double amplitude_c, std::uint64_t seed, std::int64_t utc_offset_ms)
    : mean_c_(mean_c), amplitude_c_(amplitude_c), seed_(seed), offset_ms_(utc_offset_ms) {}

double Climate::anomalyC(std::int64_t local_day) const {
  return 2.5 * hashGauss(seed_ ^ 0x5EA5011ULL, static_cast<std::uint64_t>(local_day));
}

double Climate::ambientC(std::int64_t t_ms) const {
  const double local_days = static_cast<double>(t_ms + offset_ms_) / kMsPerDay;
  const double season = -std::cos(kTwoPi * (local_days - kColdestDay) / kDaysPerYear);
  const double day_fraction = local_days - std::floor(local_days);
  const double diurnal = 4.5 * std::cos(kTwoPi * (day_fraction - 15.0 / 24.0));
  // Weather: one anomaly per local day, interpolated between noons so that
  // the temperature never jumps.
  const double x = local_days - 0.5;
  const double d = std::floor(x);
  const double f = x - d;
  const auto day = static_cast<std::int64_t>(d);
  const double weather = anomalyC(day) * (1.0 - f) + anomalyC(day + 1) * f;
  return std::clamp(mean_c_ + amplitude_c_ * season + diurnal + weather, -55.0, 65.0);
}

Tyres::Tyres(double placard_kpa, std::optional<SlowLeak> leak, Rng& persona)
    : placard_kpa_(placard_kpa), leak_(leak) {
  for (int i = 0; i < 4; ++i) {
    cold_kpa_[i] = placard_kpa_ + persona.uniform(-4.0, 4.0);
    // 1-2.5 kPa a month: what a healthy tyre loses through its rubber.
    drift_kpa_day_[i] = persona.uniform(0.033, 0.083);
  }
  inflation_interval_days_ = persona.uniform(45.0, 120.0);
}

void Tyres::advance(double dt_s, double day, double ambient_c, bool driving) {
  const double dt_days = dt_s / 86400.0;
  for (int i = 0; i < 4; ++i) cold_kpa_[i] -= drift_kpa_day_[i] * dt_days;
  if (leaking(day)) {
    const double leak_days = std::min(dt_days, day - leak_->start_day);
    cold_kpa_[leak_->position & 3] -= leak_->kpa_per_day * leak_days;
  }
  for (auto& p : cold_kpa_) p = std::max(p, 0.0);
  // Tyres warm about 12 K above ambient while driving (tau 15 min) and cool
  // back when parked (tau 30 min).
  const double target = driving ? ambient_c + 12.0 : ambient_c;
  const double tau_s = driving ? 900.0 : 1800.0;
  temp_c_ = target + (temp_c_ - target) * std::exp(-dt_s / tau_s);
}

double Tyres::pressureKpa(int position) const {
  const double absolute = (cold_kpa_[position & 3] + kAtmosphereKpa) * (temp_c_ + 273.15) / 293.15;
  return std::max(0.0, absolute - kAtmosphereKpa);
}

void Tyres::maybeInflate(double day, Rng& rng) {
  const double draw = rng.uniform();  // drawn every day: keeps the stream aligned
  if (leak_ && day >= leak_->start_day) return;
  const double lowest = *std::min_element(cold_kpa_.begin(), cold_kpa_.end());
  const bool due = day - last_inflation_day_ >= inflation_interval_days_;
  if (!due && lowest >= 0.9 * placard_kpa_) return;
  for (auto& p : cold_kpa_) p = placard_kpa_ + (draw - 0.3) * 8.0;
  last_inflation_day_ = day;
}

Brakes::Brakes(double initial_odometer_km, Rng& persona) {
  for (int i = 0; i < 4; ++i) {
    // Fronts do most of the friction braking; about 120,000 km of mixed
    // driving wears a front pad out.
    const double axle = i < 2 ? 1.6e-8 : 1.0e-8;
    rate_[i] = axle * persona.uniform(0.95, 1.05);
    wear_[i] = std::min(90.0, initial_odometer_km * (i < 2 ? 7.0e-4 : 4.5e-4));
  }
}

void Brakes::addFrictionEnergy(double joules) {
  for (int i = 0; i < 4; ++i) wear_[i] = std::min(100.0, wear_[i] + joules * rate_[i]);
}

double Brakes::fluidLevelPercent() const {
  // The reservoir level drops a little as pistons follow thinner pads.
  return 98.0 - 0.04 * (wear_[0] + wear_[1]) / 2.0;
}

double lvRestVoltage(double years, double decline_v_per_year, double ambient_c,
                     double hours_since_active, double offset_v) {
  const double v = 12.72 + offset_v - decline_v_per_year * years + 0.005 * (ambient_c - 15.0) +
                   0.25 * std::exp(-hours_since_active / 4.0);
  return std::clamp(v, 10.5, 13.2);
}

}  // namespace crm::vehicle::sim
