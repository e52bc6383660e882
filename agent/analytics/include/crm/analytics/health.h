// Summaries the health report is made of, computed from the store's records
// and roll-ups for a period. Each function reads what it needs; a value that
// the data cannot support is nullopt (the report prints null), never guessed.
// Rules behind scores and statuses are documented in docs/analytics.md.
//
// Threading: one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::analytics {

struct Period {
  std::int64_t from_ms = 0;  // inclusive
  std::int64_t to_ms = 0;    // exclusive
};

struct SohSummary {
  std::optional<double> value, low,
      high;                           // percent; the interval holds the truth ~90 % of the time
  std::optional<std::string> source;  // "bms" | "estimated" | "combined"
  std::optional<double> bms_percent, estimated_percent;
  std::optional<double> degradation_percent_per_year;  // all history; null under 90 days
  double fleet_typical_percent_per_year = 2.3;
  std::optional<std::string> projected_80_date;  // YYYY-MM-DD
  std::optional<double> projected_80_odometer_km;
  std::optional<double> cell_imbalance_mv_max;
  std::string status = "good";  // good | watch | attention
};
// SOH at the end of the period, using all history up to it.
SohSummary summarizeSoh(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                        Period period);

struct HabitScores {
  int fast_charging = 5, high_soc_parking = 5, deep_discharge = 5, charging_temperature = 5;
};
struct ChargingSummary {
  int sessions = 0;
  double energy_kwh = 0;
  std::optional<double> dc_energy_share;  // 0..1
  int dc_sessions = 0, sessions_over_100kw = 0;
  std::optional<double> average_start_soc, average_end_soc;
  double high_soc_dwell_hours = 0;
  int deep_discharge_events = 0;
  int hot_charging_sessions = 0;
  HabitScores habit_scores;
};
ChargingSummary summarizeCharging(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                                  Period period);

// Parked time at high SOC (90 % or more), from the same walk over the SOC,
// IsMoving and IsCharging change points that gives the charging summary its
// dwell hours: for the engagement rule battery.high_soc_dwell.
struct ParkedSocSummary {
  double parked_hours = 0;
  double high_soc_hours = 0;          // parked at 90 % or more
  double longest_high_soc_hours = 0;  // at a stretch
};
ParkedSocSummary summarizeParkedSoc(const store::Reader& store, Period period);

struct DrivingSummary {
  double distance_km = 0;
  int trips = 0;
  std::optional<double> average_daily_km;
  std::optional<double> efficiency_kwh_per_100km;
  // Efficiency by ambient band: "below_0", "0_10", "10_20", "20_30", "above_30".
  std::vector<std::pair<std::string, double>> efficiency_by_ambient;
};
DrivingSummary summarizeDriving(const store::Reader& store, Period period);

struct UsageSummary {
  std::string profile = "unknown";  // private | ride_hailing | logistics | unknown
  std::optional<double> average_daily_km, active_days_share, night_driving_share,
      dc_sessions_per_week;
};
UsageSummary classifyUsage(const store::Reader& store, Period period);

struct BrakesSummary {
  // The most worn pad at the end of the period: VSS PadWear, 0 % new,
  // 100 % worn out; and where it is ("front_left", ...).
  std::optional<double> pad_wear_percent_max;
  std::optional<std::string> worst_position;
  // Distance until that pad reaches the replacement limit at its wear per km
  // over the last year; null while the wear has not moved measurably.
  std::optional<double> km_to_pad_limit;
  std::optional<double> fluid_level_percent_min;  // lowest in the period
  std::optional<std::string> status;              // good | watch | attention; null without data
};
BrakesSummary summarizeBrakes(const store::Reader& store, Period period);

struct LowVoltageSummary {
  // The lowest voltage in the period: the 12 V battery is read at rest (a car
  // asleep draws almost nothing), so this is its weakest resting voltage.
  std::optional<double> min_rest_voltage_v;
  // Change of the daily resting voltage, V per 30 days, over the last 90 days;
  // null under 30 days of readings.
  std::optional<double> trend_v_per_month;
  std::optional<std::string> status;  // good | watch | attention; null without data
};
LowVoltageSummary summarizeLowVoltage(const store::Reader& store, Period period);

}  // namespace crm::analytics
