// toJson: the report's JSON form, key for key as docs/mqtt/schemas/
// health-report.json has it. The values are rounded already (report.h);
// this only spells nullopt as null.
#include <cstdint>
#include <optional>
#include <string>

#include "crm/reports/report.h"

namespace crm::reports {
namespace {

using nlohmann::json;

template <typename T>
json orNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json battery(const BatterySection& b) {
  return {{"soh",
           {{"value", orNull(b.soh.value)},
            {"low", orNull(b.soh.low)},
            {"high", orNull(b.soh.high)},
            {"source", orNull(b.soh.source)}}},
          {"soh_bms_percent", orNull(b.soh_bms_percent)},
          {"soh_estimated_percent", orNull(b.soh_estimated_percent)},
          {"degradation_percent_per_year", orNull(b.degradation_percent_per_year)},
          {"fleet_typical_percent_per_year", b.fleet_typical_percent_per_year},
          {"projected_80_percent",
           {{"date", orNull(b.projected_80_percent.date)},
            {"odometer_km", orNull(b.projected_80_percent.odometer_km)}}},
          {"cell_imbalance_mv_max", orNull(b.cell_imbalance_mv_max)},
          {"status", b.status}};
}

json charging(const ChargingSection& c) {
  return {{"sessions", c.sessions},
          {"energy_kwh", c.energy_kwh},
          {"dc_energy_share", orNull(c.dc_energy_share)},
          {"dc_sessions", c.dc_sessions},
          {"sessions_over_100kw", c.sessions_over_100kw},
          {"average_start_soc", orNull(c.average_start_soc)},
          {"average_end_soc", orNull(c.average_end_soc)},
          {"high_soc_dwell_hours", c.high_soc_dwell_hours},
          {"deep_discharge_events", c.deep_discharge_events},
          {"hot_charging_sessions", c.hot_charging_sessions},
          {"habit_scores",
           {{"fast_charging", c.habit_scores.fast_charging},
            {"high_soc_parking", c.habit_scores.high_soc_parking},
            {"deep_discharge", c.habit_scores.deep_discharge},
            {"charging_temperature", c.habit_scores.charging_temperature}}}};
}

json tyres(const TyresSection& t) {
  json positions = json::array();
  for (const auto& p : t.positions) {
    positions.push_back({{"position", p.position},
                         {"pressure_kpa", orNull(p.pressure_kpa)},
                         {"status", orNull(p.status)}});
  }
  return {{"status", orNull(t.status)}, {"positions", positions}};
}

json faults(const std::vector<Fault>& list) {
  json out = json::array();
  for (const auto& f : list) {
    out.push_back({{"code", f.code},
                   {"first_seen", f.first_seen},
                   {"last_seen", f.last_seen},
                   {"active", f.active}});
  }
  return out;
}

json service(const ServiceSection& s) {
  json due = json::array();
  for (const auto& d : s.due) {
    due.push_back({{"item", d.item},
                   {"due_in_km", orNull(d.due_in_km)},
                   {"due_in_days", orNull(d.due_in_days)},
                   {"overdue", d.overdue}});
  }
  return {{"due", due},
          {"last_visit", orNull(s.last_visit)},
          {"visits_12_months", s.visits_12_months},
          {"customer_status", s.customer_status}};
}

}  // namespace

json toJson(const HealthReport& r) {
  json j;
  j["schema"] = kHealthReportSchema;
  j["period"] = {{"from", r.period.from_ms}, {"to", r.period.to_ms}};
  j["vehicle"] = {{"vin", r.vehicle.vin},
                  {"model", r.vehicle.model},
                  {"odometer_km", orNull(r.vehicle.odometer_km)}};
  j["battery"] = battery(r.battery);
  j["charging"] = charging(r.charging);
  j["driving"] = {{"distance_km", r.driving.distance_km},
                  {"trips", r.driving.trips},
                  {"average_daily_km", orNull(r.driving.average_daily_km)},
                  {"efficiency_kwh_per_100km", orNull(r.driving.efficiency_kwh_per_100km)}};
  j["usage"] = {{"profile", r.usage.profile},
                {"average_daily_km", orNull(r.usage.average_daily_km)},
                {"active_days_share", orNull(r.usage.active_days_share)},
                {"night_driving_share", orNull(r.usage.night_driving_share)},
                {"dc_sessions_per_week", orNull(r.usage.dc_sessions_per_week)}};
  const auto& lv = r.low_voltage_battery;
  j["low_voltage_battery"] = {{"min_rest_voltage_v", orNull(lv.min_rest_voltage_v)},
                              {"trend_v_per_month", orNull(lv.trend_v_per_month)},
                              {"status", orNull(lv.status)}};
  j["tyres"] = tyres(r.tyres);
  j["brakes"] = {{"pad_wear_percent_max", orNull(r.brakes.pad_wear_percent_max)},
                 {"worst_position", orNull(r.brakes.worst_position)},
                 {"km_to_pad_limit", orNull(r.brakes.km_to_pad_limit)},
                 {"fluid_level_percent_min", orNull(r.brakes.fluid_level_percent_min)},
                 {"status", orNull(r.brakes.status)}};
  j["faults"] = faults(r.faults);
  j["service"] = service(r.service);
  j["prompts"] = {{"raised", orNull(r.prompts.raised)},
                  {"delivered", orNull(r.prompts.delivered)},
                  {"accepted", orNull(r.prompts.accepted)},
                  {"snoozed", orNull(r.prompts.snoozed)},
                  {"dismissed", orNull(r.prompts.dismissed)}};
  j["data_quality"] = {{"samples", r.data_quality.samples},
                       {"rejected", orNull(r.data_quality.rejected)},
                       {"gaps", r.data_quality.gaps}};
  return j;
}

}  // namespace crm::reports
