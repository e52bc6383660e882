// Health reports for the HTML tests (unit and browser): one with every key of
// contracts.md §4 filled in, one with every value null, and the chart series
// that go with the full one.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "crm/reports/html.h"

namespace crm::reports::testing {

inline nlohmann::json sampleReport() {
  return nlohmann::json::parse(R"json({
  "schema": "crm.v1.health-report",
  "period": {"from": 1767225600000, "to": 1769817600000},
  "vehicle": {"vin": "LSVAU2A37N2100001", "model": "Aurora S 75 kWh", "odometer_km": 48210},
  "battery": {
    "soh": {"value": 94.2, "low": 93.1, "high": 95.0, "source": "estimated"},
    "soh_bms_percent": 94.8, "soh_estimated_percent": 94.2,
    "degradation_percent_per_year": 2.1, "fleet_typical_percent_per_year": 2.3,
    "projected_80_percent": {"date": "2032-09-15", "odometer_km": 246000},
    "cell_imbalance_mv_max": 62, "status": "watch"
  },
  "charging": {
    "sessions": 18, "energy_kwh": 312.4, "dc_energy_share": 0.22, "dc_sessions": 4,
    "sessions_over_100kw": 1, "average_start_soc": 28.5, "average_end_soc": 86.0,
    "high_soc_dwell_hours": 14.5, "deep_discharge_events": 1, "hot_charging_sessions": 0,
    "habit_scores": {"fast_charging": 3, "high_soc_parking": 4, "deep_discharge": 5,
                     "charging_temperature": 5}
  },
  "driving": {"distance_km": 1320.4, "trips": 64, "average_daily_km": 44.0,
              "efficiency_kwh_per_100km": 16.8},
  "usage": {"profile": "private", "average_daily_km": 44.0, "active_days_share": 0.87,
            "night_driving_share": 0.12, "dc_sessions_per_week": 0.9},
  "low_voltage_battery": {"min_rest_voltage_v": 12.45, "trend_v_per_month": -0.02, "status": "good"},
  "brakes": {"pad_wear_percent_max": 31.0, "worst_position": "front_left", "km_to_pad_limit": 52000,
             "fluid_level_percent_min": 96.0, "status": "good"},
  "tyres": {"status": "watch", "positions": [
    {"position": "front_left", "pressure_kpa": 248.0, "status": "good"},
    {"position": "front_right", "pressure_kpa": 247.5, "status": "good"},
    {"position": "rear_left", "pressure_kpa": 214.0, "status": "low"},
    {"position": "rear_right", "pressure_kpa": 246.0, "status": "good"}]},
  "faults": [{"code": "U0100", "first_seen": 1768176000000, "last_seen": 1768176000000,
              "active": false}],
  "service": {
    "due": [
      {"item": "tire_rotation", "due_in_km": 1790, "due_in_days": null, "overdue": false},
      {"item": "cabin_filter", "due_in_km": null, "due_in_days": 392, "overdue": false},
      {"item": "brake_fluid", "due_in_km": null, "due_in_days": 1123, "overdue": false},
      {"item": "annual_inspection", "due_in_km": null, "due_in_days": -8, "overdue": true}],
    "last_visit": 1762128000000, "visits_12_months": 1, "customer_status": "active"
  },
  "prompts": {"raised": 5, "delivered": 4, "accepted": 2, "snoozed": 1, "dismissed": 1},
  "data_quality": {"samples": 1284500, "rejected": 312, "gaps": 3}
})json");
}

// Every key present, every value null: a car with no data yet.
inline nlohmann::json allNullReport() {
  return nlohmann::json::parse(R"json({
  "schema": "crm.v1.health-report",
  "period": {"from": null, "to": null},
  "vehicle": {"vin": null, "model": null, "odometer_km": null},
  "battery": {
    "soh": {"value": null, "low": null, "high": null, "source": null},
    "soh_bms_percent": null, "soh_estimated_percent": null,
    "degradation_percent_per_year": null, "fleet_typical_percent_per_year": null,
    "projected_80_percent": {"date": null, "odometer_km": null},
    "cell_imbalance_mv_max": null, "status": null
  },
  "charging": {
    "sessions": null, "energy_kwh": null, "dc_energy_share": null, "dc_sessions": null,
    "sessions_over_100kw": null, "average_start_soc": null, "average_end_soc": null,
    "high_soc_dwell_hours": null, "deep_discharge_events": null, "hot_charging_sessions": null,
    "habit_scores": {"fast_charging": null, "high_soc_parking": null, "deep_discharge": null,
                     "charging_temperature": null}
  },
  "driving": {"distance_km": null, "trips": null, "average_daily_km": null,
              "efficiency_kwh_per_100km": null},
  "usage": {"profile": null, "average_daily_km": null, "active_days_share": null,
            "night_driving_share": null, "dc_sessions_per_week": null},
  "low_voltage_battery": {"min_rest_voltage_v": null, "status": null},
  "tyres": {"status": null, "positions": null},
  "faults": null,
  "service": {"due": null, "last_visit": null, "visits_12_months": null, "customer_status": null},
  "prompts": {"raised": null, "delivered": null, "accepted": null, "snoozed": null,
              "dismissed": null},
  "data_quality": {"samples": null, "rejected": null, "gaps": null}
})json");
}

// A year of monthly SOH points ending with the report's value, and the
// period's sessions, months and ambient bands.
inline ChartData sampleCharts() {
  ChartData c;
  constexpr std::int64_t kMonth = 2629746000;     // a mean Gregorian month in ms
  constexpr std::int64_t kStart = 1738368000000;  // 2025-02-01
  const double soh[] = {96.4, 96.1, 95.9, 95.7, 95.5, 95.3, 95.1, 94.9, 94.7, 94.6, 94.4, 94.2};
  for (int i = 0; i < 12; ++i) {
    const double half = 2.2 - 0.12 * i;  // the interval narrows as estimates pile up
    c.soh.push_back({kStart + i * kMonth, soh[i], soh[i] - half, soh[i] + half * 0.8});
  }
  c.start_soc = {28, 35, 22, 41, 18, 30, 25, 33, 12, 45, 29, 27, 38, 21, 31, 26, 24, 36};
  c.end_soc = {85, 90, 80, 100, 82, 88, 85, 80, 95, 85, 90, 84, 86, 81, 89, 80, 100, 79};
  c.monthly_distance_km = {{"2025-02", 1105}, {"2025-03", 1240}, {"2025-04", 1380},
                           {"2025-05", 1415}, {"2025-06", 1520}, {"2025-07", 1890},
                           {"2025-08", 1710}, {"2025-09", 1330}, {"2025-10", 1290},
                           {"2025-11", 1180}, {"2025-12", 1240}, {"2026-01", 1320}};
  c.efficiency_by_ambient = {
      {"below_0", 22.4}, {"0_10", 19.1}, {"10_20", 16.2}, {"20_30", 15.1}, {"above_30", 17.3}};
  return c;
}

}  // namespace crm::reports::testing
