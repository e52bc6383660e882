// The simulated car's settings (source.simulator in the configuration).
// Part of crm_vehicle, so that every build reads and checks these keys, even a
// head-unit build without the simulator itself.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm::vehicle {

enum class UsageProfile : std::uint8_t { kPrivate, kRideHailing, kLogistics };
// Stable names: "private", "ride_hailing", "logistics".
const char* usageProfileName(UsageProfile profile);
std::optional<UsageProfile> parseUsageProfile(std::string_view name);

struct SlowLeak {
  int position = 0;        // 0 front-left, 1 front-right, 2 rear-left, 3 rear-right
  double start_day = 10;   // days after start
  double kpa_per_day = 3;  // steady loss

  bool operator==(const SlowLeak&) const = default;
};

struct InjectedDtc {
  std::string code;     // SAE J2012, e.g. "P0A7F"
  double on_day = 0;    // days after start
  double off_day = -1;  // cleared at; negative = never

  bool operator==(const InjectedDtc&) const = default;
};

struct SimulatorConfig {
  std::uint64_t seed = 1;
  UsageProfile profile = UsageProfile::kPrivate;
  std::int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  double days = 30;                       // length of the simulation; 0 = endless
  int utc_offset_minutes = 0;             // local time drives daily routines

  // The car.
  double nominal_capacity_kwh = 75.0;
  std::string chemistry = "NMC";  // NMC, NCA or LFP
  double tyre_placard_kpa = 290;
  double initial_soh_percent = 100;  // a used car starts lower
  double initial_odometer_km = 0;
  bool bms_reports_soh = true;  // some cars do not publish SOH

  // Habits. Negative means "what the profile usually does".
  double dc_share = -1;              // probability that a charge is DC
  double charge_limit_percent = -1;  // AC target SOC
  double home_charger_kw = 7.4;
  double dc_charger_kw = 150;

  // Climate: daily mean ambient follows a sine over the year.
  double ambient_mean_c = 15;
  double ambient_amplitude_c = 10;

  // Faults and wear.
  std::optional<SlowLeak> slow_leak;
  double lv_battery_decline_v_per_year = 0.15;  // resting-voltage loss
  std::vector<InjectedDtc> dtcs;

  // Realism switches used by accuracy tests: sensor noise, and gaps when the
  // agent is off (the car may charge meanwhile: SOC jumps across the gap).
  bool noise = false;
  bool gaps = false;
  bool location = false;  // emit GPS (personal data)

  // Cars as recordings made elsewhere bring them (docs/analytics.md, "What
  // the agent can and cannot see"). Off, the records are what they were.
  // First data while parked, the first SOC one 30-minute report later.
  bool late_first_soc = false;
  // The BMS of an LFP pack: its SOC scatters by about ±0.8 points (σ 0.4),
  // one reading in about 70 is several points off, and it drifts until the
  // BMS re-anchors at a full charge (a jump). Energy content follows it.
  bool lfp_soc_noise = false;
  bool soh_whole_percent = false;  // StateOfHealth in whole percent
  bool energy_counters = true;     // AccumulatedCharged/ConsumedEnergy reported

  bool operator==(const SimulatorConfig&) const = default;
};

}  // namespace crm::vehicle
