// The simulated car's surroundings and slow-wearing parts: ambient
// temperature by season, hour and weather; tyre pressures; brake pads and
// fluid; the 12 V battery's resting voltage.
//
// Threading: plain values, one thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "crm/common/civil_time.h"
#include "crm/vehicle/simulator.h"
#include "sim_random.h"

namespace crm::vehicle::sim {

using civil::kMsPerDay;
inline constexpr std::int64_t kMsPerHour = 3'600'000;

// Ambient air temperature: a yearly sine (coldest about 15 January), a daily
// swing (warmest at 15:00 local) and a day-to-day weather anomaly. A pure
// function of time, so any instant can be looked up without replay.
class Climate {
 public:
  Climate(double mean_c, double amplitude_c, std::uint64_t seed, std::int64_t utc_offset_ms);
  double ambientC(std::int64_t t_ms) const;

 private:
  double anomalyC(std::int64_t local_day) const;
  double mean_c_;
  double amplitude_c_;
  std::uint64_t seed_;
  std::int64_t offset_ms_;
};

// Four tyres. Pressure follows the gas law with tyre temperature (gauge
// pressure from absolute), loses air slowly by permeation, and a configured
// slow leak drains one tyre steadily. The driver re-inflates to placard now
// and then, but never while a leak is active (the leak must show in the data).
class Tyres {
 public:
  Tyres(double placard_kpa, std::optional<SlowLeak> leak, Rng& persona);

  // The dt seconds that end `day` days after the start; tyres warm up while
  // driving.
  void advance(double dt_s, double day, double ambient_c, bool driving);
  double pressureKpa(int position) const;
  // Daily: the driver's occasional top-up.
  void maybeInflate(double day, Rng& rng);

 private:
  bool leaking(double day) const { return leak_ && day >= leak_->start_day; }
  double placard_kpa_;
  std::optional<SlowLeak> leak_;
  std::array<double, 4> cold_kpa_{};       // gauge pressure at 20 °C
  std::array<double, 4> drift_kpa_day_{};  // permeation
  double temp_c_ = 15;
  double last_inflation_day_ = 0;
  double inflation_interval_days_ = 90;
};

// Brake pads wear with friction braking energy (regeneration takes most of
// it, so EV pads last long). Wear is reported as VSS defines PadWear:
// 0 % = new, 100 % = worn out.
class Brakes {
 public:
  Brakes(double initial_odometer_km, Rng& persona);
  void addFrictionEnergy(double joules);
  double padWearPercent(int position) const { return wear_[position]; }
  double fluidLevelPercent() const;

 private:
  std::array<double, 4> wear_{};
  std::array<double, 4> rate_{};  // percent per joule of friction braking
};

// Resting voltage of the 12 V battery: declines with age, lower in the cold,
// raised for a few hours after the DC-DC converter has charged it.
double lvRestVoltage(double years, double decline_v_per_year, double ambient_c,
                     double hours_since_active, double offset_v);

}  // namespace crm::vehicle::sim
