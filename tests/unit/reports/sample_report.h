// Health reports for the HTML tests (unit and browser): one with every value
// of docs/contract.md §4 filled in, one for a car with no data yet, and the
// chart series (and prompt history) that go with the full one.
#pragma once

#include <cstdint>
#include <vector>

#include "crm/reports/chart_data.h"
#include "crm/reports/report.h"

namespace crm::reports::testing {

inline HealthReport sampleReport() {
  HealthReport r;
  r.period = {1767225600000, 1769817600000};
  r.vehicle = {"LSVAU2A37N2100001", "Aurora S 75 kWh", 48210};
  auto& b = r.battery;
  b.soh = {94.2, 93.1, 95.0, "estimated"};
  b.soh_bms_percent = 94.8;
  b.soh_estimated_percent = 94.2;
  b.degradation_percent_per_year = 2.1;
  b.fleet_typical_percent_per_year = 2.3;
  b.projected_80_percent = {"2032-09-15", 246000};
  b.cell_imbalance_mv_max = 62;
  b.status = "watch";
  auto& c = r.charging;
  c.sessions = 18;
  c.energy_kwh = 312.4;
  c.dc_energy_share = 0.22;
  c.dc_sessions = 4;
  c.sessions_over_100kw = 1;
  c.average_start_soc = 28.5;
  c.average_end_soc = 86.0;
  c.high_soc_dwell_hours = 14.5;
  c.deep_discharge_events = 1;
  c.hot_charging_sessions = 0;
  c.habit_scores = {3, 4, 5, 5};
  r.driving = {1320.4, 64, 44.0, 16.8};
  r.usage = {"private", 44.0, 0.87, 0.12, 0.9};
  r.low_voltage_battery = {12.45, -0.02, "good"};
  r.brakes = {31.0, "front_left", 52000, 96.0, "good"};
  r.tyres = {"watch",
             {{"front_left", 248.0, "good"},
              {"front_right", 247.5, "good"},
              {"rear_left", 214.0, "low"},
              {"rear_right", 246.0, "good"}}};
  r.faults = {{"U0100", 1768176000000, 1768176000000, false}};
  r.service.due = {{"tire_rotation", 1790, std::nullopt, false},
                   {"cabin_filter", std::nullopt, 392, false},
                   {"brake_fluid", std::nullopt, 1123, false},
                   {"annual_inspection", std::nullopt, -8, true}};
  r.service.last_visit = 1762128000000;
  r.service.visits_12_months = 1;
  r.service.customer_status = "active";
  r.prompts = {5, 4, 2, 1, 1};
  r.data_quality = {1284500, 312, 3};
  return r;
}

// A car with no data yet: every optional value null, counts zero, no habit
// scored, no tyre, fault or service item, not even a VIN or a period.
inline HealthReport allNullReport() {
  return HealthReport{};
}

// The period's prompts, oldest first, one of each severity.
inline std::vector<ChartData::PromptLine> samplePrompts() {
  return {
      {1767600000000, "tyres.pressure_low", "warning", "withdrawn", "Rear left tyre pressure low",
       "左后轮胎压过低", "Rear left tyre 214 kPa, 26 % below 290 kPa. Inflate it or book a check.",
       "左后轮胎压214 kPa，比标准值290 kPa低26 %。请充气或预约检查。"},
      {1768176000000, "battery.dc_fast_share", "advisory", "dismissed",
       "Fast charging 22 % of energy", "快充占比22 %",
       "22 % of the energy charged in 30 days came from DC fast chargers.",
       "近30天22 %的电量来自直流快充。"},
      {1768800000000, "campaign.R-2026-01", "warning", "accepted", "Safety recall: seat belt",
       "安全召回：安全带", "A free seat belt check is due. Book a visit.",
       "需免费检查安全带。请预约到店。"},
      {1769500000000, "report.ready", "info", "delivered", "Your car's health report is ready",
       "车辆健康报告已生成", "Battery health, charging habits and service on one page.",
       "动力电池健康、充电习惯和保养一页看全。"}};
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
  c.prompts = samplePrompts();
  return c;
}

}  // namespace crm::reports::testing
