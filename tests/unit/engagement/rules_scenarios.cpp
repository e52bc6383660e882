#include "rules_scenarios.h"

namespace crm::engagement::testing {

std::vector<Condition> conditionsOf(const std::vector<Condition>& all, const std::string& rule,
                                    const std::string* subject) {
  std::vector<Condition> out;
  for (const auto& c : all) {
    if (c.rule == rule && (subject == nullptr || c.subject == *subject)) out.push_back(c);
  }
  return out;
}

std::vector<RuleCase> ruleCases() {
  const Severity W = Severity::kWarning;
  return {
      {"soh_advisory", "battery.soh_low", "", Severity::kAdvisory, true,
       [](Scenario& s) { s.period.report.battery.soh.value = 83.2; }},
      {"soh_warning", "battery.soh_low", "", W, true,
       [](Scenario& s) { s.period.report.battery.soh.value = 78.4; }},
      {"degradation", "battery.degradation_fast", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.report.battery.degradation_percent_per_year = 3.46; }},
      {"dc_advisory", "battery.dc_fast_share", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.report.charging.dc_energy_share = 0.2; }},
      {"dc_warning", "battery.dc_fast_share", "", W, false,
       [](Scenario& s) { s.period.report.charging.dc_energy_share = 1.0; }},
      {"high_soc_stretch", "battery.high_soc_dwell", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.longest_high_soc_stretch_hours = 719; }},
      {"high_soc_share", "battery.high_soc_dwell", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.high_soc_parked_share = 1.0; }},
      {"deep_events", "battery.deep_discharge", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.report.charging.deep_discharge_events = 12; }},
      {"deep_low", "battery.deep_discharge", "", W, false,
       [](Scenario& s) {
         s.period.report.charging.deep_discharge_events = 1;
         s.period.min_soc_percent = 3.5;
       }},
      {"hot_charging", "battery.hot_charging", "", Severity::kAdvisory, false,
       [](Scenario& s) { s.period.report.charging.hot_charging_sessions = 2; }},
      {"cell_advisory", "battery.cell_imbalance", "", Severity::kAdvisory, true,
       [](Scenario& s) { s.period.report.battery.cell_imbalance_mv_max = 72; }},
      {"cell_warning", "battery.cell_imbalance", "", W, true,
       [](Scenario& s) { s.period.report.battery.cell_imbalance_mv_max = 999; }},
      {"lfp_full_charge", "battery.lfp_full_charge_due", "", Severity::kAdvisory, false,
       [](Scenario& s) {
         s.vehicle.chemistry = "LFP";
         s.period.days_since_full_charge = 60;
       }},
      {"lv_weak", "lv_battery.weak", "", Severity::kAdvisory, true,
       [](Scenario& s) { s.period.report.low_voltage_battery.min_rest_voltage_v = 12.05; }},
      {"lv_check_now", "lv_battery.weak", "", W, true,
       [](Scenario& s) { s.period.report.low_voltage_battery.min_rest_voltage_v = 11.62; }},
      {"tyre_warning", "tyres.pressure_low", "front_left", W, false,
       [](Scenario& s) {
         s.with_live = true;
         s.live.tyre_kpa[0] = 210;
       }},
      {"tyre_critical", "tyres.pressure_low", "front_right", Severity::kCritical, false,
       [](Scenario& s) {
         s.with_live = true;
         s.live.tyre_kpa[1] = 100;
       }},
      {"slow_leak", "tyres.slow_leak", "rear_right", W, true,
       [](Scenario& s) {
         s.period.report.tyres.positions[3].status = "slow_leak";
         s.period.report.tyres.positions[3].pressure_kpa = 265;
       }},
      {"pads_worn", "brakes.pads_worn", "", Severity::kAdvisory, true,
       [](Scenario& s) { s.period.report.brakes.pad_wear_percent_max = 82; }},
      {"pads_near", "brakes.pads_worn", "", Severity::kAdvisory, true,
       [](Scenario& s) {
         s.period.report.brakes.pad_wear_percent_max = 72;
         s.period.report.brakes.worst_position = "rear_right";
         s.period.report.brakes.km_to_pad_limit = 1500;
       }},
      {"fluid_low", "brakes.fluid_low", "", Severity::kCritical, true,
       [](Scenario& s) {
         s.with_live = true;
         s.live.brake_fluid_percent = 42;
       }},
      {"dtc_isolation", "dtc.active", "P0AA6", Severity::kCritical, true,
       [](Scenario& s) {
         s.with_live = true;
         s.live.dtcs_seen = true;
         s.live.active_dtcs = {"P0AA6"};
       }},
      {"dtc_pack", "dtc.active", "P0A7E", W, true,
       [](Scenario& s) {
         s.period.report.faults.push_back({"P0A7E", kNow - kDay, kNow, true});
       }},
      {"dtc_other", "dtc.active", "B1234", Severity::kAdvisory, true,
       [](Scenario& s) {
         s.period.report.faults.push_back({"B1234", kNow - kDay, kNow, true});
       }},
      {"tire_rotation_soon", "maintenance.tire_rotation", "tire_rotation", Severity::kAdvisory,
       true, [](Scenario& s) { s.period.report.service.due[0].due_in_km = 600; }},
      {"cabin_filter_overdue", "maintenance.cabin_filter", "cabin_filter", W, true,
       [](Scenario& s) {
         s.period.report.service.due[1] = {"cabin_filter", 12000.0, -12, true};
       }},
      {"brake_fluid_soon", "maintenance.brake_fluid", "brake_fluid", Severity::kAdvisory, true,
       [](Scenario& s) {
         s.period.report.service.due[2] = {"brake_fluid", 999.0, 29, false};
       }},
      {"ac_desiccant_overdue", "maintenance.ac_desiccant", "ac_desiccant", W, true,
       [](Scenario& s) {
         s.period.report.service.due[3] = {"ac_desiccant", -99999.0, -3650, true};
       }},
      {"annual_inspection_soon", "maintenance.annual_inspection", "annual_inspection",
       Severity::kAdvisory, true,
       [](Scenario& s) { s.period.report.service.due[4].due_in_days = 20; }},
      {"campaign_recall", "campaign.R-2026-11", "", W, true,
       [](Scenario& s) {
         Campaign c;
         c.campaign_id = "R-2026-11";
         c.kind = "recall";
         c.severity = Severity::kWarning;
         c.title = {"Recall: seat belt check", "召回：安全带检查"};
         c.message = {"Your car is part of a free seat belt recall. Book a visit.",
                      "您的车辆属于免费安全带召回范围。请预约到店。"};
         c.valid_until = kNow + 30 * kDay;
         s.data.campaigns.push_back(c);
       }},
      {"appointment", "appointment.reminder", "A-77", Severity::kInfo, false,
       [](Scenario& s) {
         // 2026-06-16 09:30 in China: tomorrow, seen at 18:00 local.
         s.data.appointments.push_back(
             {"A-77",
              dateMs("2026-06-16") + 90 * 60'000,
              "Shanghai Pudong Riverside Premium Electric Vehicle Service Centre North",
              {"tire_rotation"},
              kNow - 5 * kDay});
       }},
      {"report_ready", "report.ready", "42", Severity::kInfo, false,
       [](Scenario& s) {
         s.period.latest_report_id = 42;
         s.period.latest_report_generated_ms = kNow - 2 * kDay;
       }},
      {"visit_invitation", "engagement.visit_invitation", "", Severity::kInfo, true,
       [](Scenario& s) { s.period.report.service.last_visit = dateMs("2025-08-01"); }},
      {"visit_since_delivery", "engagement.visit_invitation", "", Severity::kInfo, true,
       [](Scenario& s) {
         s.period.report.service.last_visit.reset();
         s.vehicle.delivered = "2025-06-20";
       }},
  };
}

std::vector<Condition> of(const Scenario& s, const std::string& rule) {
  return conditionsOf(s.evaluate(), rule);
}

}  // namespace crm::engagement::testing
