// The vehicle health report as a value (schema crm.v1.health-report,
// docs/contract.md §4): one struct per section, named as the JSON keys.
// nullopt is the JSON null: the data cannot support a value. Numbers are
// already rounded as published (the decimals are part of the contract), so
// the JSON and the HTML page show the same figures.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crm/analytics/health.h"
#include "crm/reports/service.h"

namespace crm::reports {

// Stable: the value of the JSON "schema" key.
inline constexpr const char* kHealthReportSchema = "crm.v1.health-report";

struct VehicleSection {
  std::string vin;
  std::string model;
  std::optional<double> odometer_km;  // at the end of the period; 0.1 km
};

struct SohEstimate {
  std::optional<double> value, low, high;  // percent, 0.1
  std::optional<std::string> source;       // bms | estimated | combined
};

struct Projection80 {
  std::optional<std::string> date;    // YYYY-MM-DD
  std::optional<double> odometer_km;  // whole km
};

struct BatterySection {
  SohEstimate soh;
  std::optional<double> soh_bms_percent, soh_estimated_percent;  // 0.1
  std::optional<double> degradation_percent_per_year;            // 0.01
  double fleet_typical_percent_per_year = 0;                     // as configured, not rounded
  Projection80 projected_80_percent;
  std::optional<double> cell_imbalance_mv_max;  // whole mV
  std::string status;                           // good | watch | attention
};

struct HabitScores {
  // 1 (worst) to 5 (best); 0 only in a report that was never built.
  int fast_charging = 0, high_soc_parking = 0, deep_discharge = 0, charging_temperature = 0;
};

struct ChargingSection {
  int sessions = 0;
  double energy_kwh = 0;                  // 0.1
  std::optional<double> dc_energy_share;  // 0..1, 0.001
  int dc_sessions = 0, sessions_over_100kw = 0;
  std::optional<double> average_start_soc, average_end_soc;  // 0.1
  double high_soc_dwell_hours = 0;                           // 0.1
  int deep_discharge_events = 0;
  int hot_charging_sessions = 0;
  HabitScores habit_scores;
};

struct DrivingSection {
  double distance_km = 0;  // 0.1
  int trips = 0;
  std::optional<double> average_daily_km;          // 0.1
  std::optional<double> efficiency_kwh_per_100km;  // 0.1
};

struct UsageSection {
  std::string profile;                         // private | ride_hailing | logistics | unknown
  std::optional<double> average_daily_km;      // 0.1
  std::optional<double> active_days_share;     // 0.01
  std::optional<double> night_driving_share;   // 0.001
  std::optional<double> dc_sessions_per_week;  // 0.01
};

struct LowVoltageSection {
  std::optional<double> min_rest_voltage_v;  // 0.01
  std::optional<double> trend_v_per_month;   // 0.001
  std::optional<std::string> status;         // good | watch | attention
};

struct TyrePosition {
  std::string position;                // front_left | front_right | rear_left | rear_right
  std::optional<double> pressure_kpa;  // the last reading, 0.1; null without data
  std::optional<std::string> status;   // good | low | slow_leak | attention
};

struct TyresSection {
  std::optional<std::string> status;  // good | watch | attention; null without data
  std::vector<TyrePosition> positions;
};

// Not among docs/contract.md §4's keys (an addition).
struct BrakesSection {
  std::optional<double> pad_wear_percent_max;  // 0.1
  std::optional<std::string> worst_position;
  std::optional<double> km_to_pad_limit;          // hundreds of km
  std::optional<double> fluid_level_percent_min;  // 0.1
  std::optional<std::string> status;              // good | watch | attention
};

struct Fault {
  std::string code;
  std::int64_t first_seen = 0, last_seen = 0;  // epoch ms
  bool active = false;
};

struct ServiceSection {
  std::vector<DueItem> due;  // due_in_km in whole km
  // The last visit's date as epoch ms at midnight UTC, like the report's
  // other instants.
  std::optional<std::int64_t> last_visit;
  int visits_12_months = 0;
  std::string customer_status;  // active | swing | drifting | lost | new
};

// Prompt lifecycle events in the period, counted by the engagement engine;
// null when they could not be read (or engagement did not run).
struct PromptsSection {
  std::optional<std::int64_t> raised, delivered, accepted, snoozed, dismissed;
};

struct DataQualitySection {
  std::int64_t samples = 0;
  // Samples and lines rejected on the period's days (as ingest counted them
  // per local day); null when the count could not be read.
  std::optional<std::uint64_t> rejected;
  std::int64_t gaps = 0;
};

struct HealthReport {
  analytics::Period period;
  VehicleSection vehicle;
  BatterySection battery;
  ChargingSection charging;
  DrivingSection driving;
  UsageSection usage;
  LowVoltageSection low_voltage_battery;
  TyresSection tyres;
  BrakesSection brakes;
  std::vector<Fault> faults;  // sorted by code
  ServiceSection service;
  PromptsSection prompts;
  DataQualitySection data_quality;
};

// The report as published and stored (its dump() is the health-report
// body): every key of the schema present, nullopt as null.
nlohmann::json toJson(const HealthReport& report);

}  // namespace crm::reports
