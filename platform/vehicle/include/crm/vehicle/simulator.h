// The built-in simulated electric car: a seeded, deterministic model of an EV
// over days to years (trips by usage profile, AC and DC charging with power and
// temperature curves, pack current and voltage, battery ageing, seasons, a
// declining 12 V battery, tyre pressures with an optional slow leak, brake pad
// wear, injectable DTCs). It also keeps its ground truth so that tests can
// score the analytics against what really happened.
//
// Same seed and config => the same records, bit for bit, on every machine.
//
// Threading: one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crm/common/result.h"
#include "crm/vehicle/vehicle_source.h"

namespace crm::vehicle {

enum class UsageProfile : std::uint8_t { kPrivate, kRideHailing, kLogistics };
// Stable names: "private", "ride_hailing", "logistics".
const char* usageProfileName(UsageProfile profile);
std::optional<UsageProfile> parseUsageProfile(std::string_view name);

struct SlowLeak {
  int position = 0;        // 0 front-left, 1 front-right, 2 rear-left, 3 rear-right
  double start_day = 10;   // days after start
  double kpa_per_day = 3;  // steady loss
};

struct InjectedDtc {
  std::string code;     // SAE J2012, e.g. "P0A7F"
  double on_day = 0;    // days after start
  double off_day = -1;  // cleared at; negative = never
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
};

// What really happened, for scoring analytics.
struct GroundTruth {
  struct CapacityPoint {
    std::int64_t ts_ms;
    double capacity_kwh;  // true usable capacity
    double soh_percent;   // capacity / nominal * 100
    double odometer_km;
  };
  struct ChargeSession {
    std::int64_t start_ms, end_ms;
    double start_soc, end_soc;  // percent
    double energy_kwh;          // into the battery
    double peak_kw;
    bool dc;
    bool interrupted;  // stopped before the target SOC
    bool during_gap;   // happened while the agent was off
  };
  struct Trip {
    std::int64_t start_ms, end_ms;
    double distance_km;
    double energy_kwh;  // out of the battery
  };
  std::vector<CapacityPoint> capacity;  // one point per simulated day
  std::vector<ChargeSession> charges;
  std::vector<Trip> trips;
  std::vector<std::pair<std::int64_t, std::int64_t>> gaps;  // [start, end) ms
};

class Simulator final : public VehicleSource {
 public:
  explicit Simulator(SimulatorConfig config);
  ~Simulator() override;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // The first record is VehicleFacts (vin from the seed, model, capacity,
  // chemistry, delivery date, placard); then samples in global time order.
  std::optional<Record> next() override;

  // The truth so far (complete once next() has returned nullopt).
  const GroundTruth& truth() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

enum class TruthError : std::uint8_t { kCannotWrite };
// Writes the ground truth as one JSON document (keys documented in
// docs/recording-format.md).
Status<TruthError> writeGroundTruth(const GroundTruth& truth, const std::string& path);

}  // namespace crm::vehicle
