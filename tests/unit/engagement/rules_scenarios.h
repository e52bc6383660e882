// Hand-made facts for the rule tests: a healthy car, and for every rule a
// change that makes it hold.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/engagement/facts.h"
#include "crm/engagement/rules.h"
#include "crm/engagement/settings.h"

namespace crm::engagement::testing {

inline constexpr std::int64_t kDay = civil::kMsPerDay;
inline constexpr std::int64_t kHour = 3'600'000;
// 2026-06-15T10:00:00Z (18:00 in China, UTC+8).
inline constexpr std::int64_t kNow = 1781517600000;

inline std::int64_t dateMs(const char* ymd) {
  return *civil::parseIsoDate(ymd);
}

// Everything a rule looks at, owned; facts() points into it.
struct Scenario {
  vehicle::VehicleInfo vehicle;
  PeriodFacts period;
  LiveFacts live;
  EngagementData data;
  std::set<std::pair<std::string, std::string>> open;
  std::int64_t now = kNow;
  int utc_offset_minutes = 480;
  bool with_period = true, with_live = false, with_data = true, with_vehicle = true;

  Facts facts() const {
    Facts f;
    f.now_ms = now;
    f.vehicle = with_vehicle ? &vehicle : nullptr;
    f.period = with_period ? &period : nullptr;
    f.live = with_live ? &live : nullptr;
    f.data = with_data ? &data : nullptr;
    f.utc_offset_minutes = utc_offset_minutes;
    f.open = &open;
    return f;
  }
  std::vector<Condition> evaluate(Tier tier = Tier::kBasic,
                                  const EngagementSettings& settings = {}) const {
    return evaluateRules(facts(), settings, tier);
  }
};

// A car with every figure known and good: no rule holds.
inline Scenario healthyCar() {
  Scenario s;
  s.vehicle.delivered = "2025-01-10";
  s.vehicle.tyre_placard_kpa = 290;
  auto& p = s.period;
  p.built_ms = kNow;
  auto& r = p.report;
  r.period = {kNow - 30 * kDay, kNow};
  r.battery.soh.value = 95;
  r.battery.soh.source = "bms";
  r.battery.degradation_percent_per_year = 1.5;
  r.battery.fleet_typical_percent_per_year = 2.3;
  r.battery.cell_imbalance_mv_max = 20;
  r.charging.sessions = 10;
  r.charging.dc_sessions = 2;
  r.charging.dc_energy_share = 0.05;
  r.charging.deep_discharge_events = 0;
  r.charging.hot_charging_sessions = 0;
  r.low_voltage_battery.min_rest_voltage_v = 12.6;
  for (const char* pos : {"front_left", "front_right", "rear_left", "rear_right"})
    r.tyres.positions.push_back({pos, 288.0, "good"});
  r.tyres.status = "good";
  r.brakes.pad_wear_percent_max = 30;
  r.brakes.worst_position = "front_left";
  r.brakes.km_to_pad_limit = 20000;
  r.brakes.fluid_level_percent_min = 95;
  for (const char* item :
       {"tire_rotation", "cabin_filter", "brake_fluid", "ac_desiccant", "annual_inspection"})
    r.service.due.push_back({item, 5000.0, 200, false});
  r.service.last_visit = dateMs("2026-03-15");
  p.days_since_full_charge = 2;
  p.longest_high_soc_stretch_hours = 2;
  p.high_soc_parked_share = 0.05;
  p.min_soc_percent = 25;
  return s;
}

// One rule's scenario: what to change on a healthy car, and what must hold.
struct RuleCase {
  std::string name;  // for test output
  std::string rule;
  std::string subject;
  Severity severity;
  bool booking;
  std::function<void(Scenario&)> make;
};

std::vector<RuleCase> ruleCases();

// The conditions of `rule` (and `subject`, when given).
std::vector<Condition> conditionsOf(const std::vector<Condition>& all, const std::string& rule,
                                    const std::string* subject = nullptr);
// The conditions of `rule` that evaluating `s` gives.
std::vector<Condition> of(const Scenario& s, const std::string& rule);

}  // namespace crm::engagement::testing
