// The 12 V battery, tyres, brakes and fault codes. Tyre pressures, brake
// fluid and fault codes come from the live facts when the car has sent
// them since start, else from the period's report.
#include <array>

#include "bands.h"
#include "rules_internal.h"

namespace crm::engagement::detail {
namespace {

using nlohmann::json;

// An open lv_battery.weak holds until the resting voltage is this much above
// the weak edge.
constexpr double kLvClearVolts = 0.1;

constexpr std::array<const char*, 4> kPositions{"front_left", "front_right", "rear_left",
                                                "rear_right"};

const reports::TyrePosition* reportTyre(const reports::HealthReport* r, std::string_view pos) {
  if (r == nullptr) return nullptr;
  for (const auto& t : r->tyres.positions) {
    if (t.position == pos) return &t;
  }
  return nullptr;
}

// The newest pressure of tyre `i`: live, else the report's last reading.
std::optional<double> tyreKpa(const RuleInput& in, std::size_t i) {
  if (in.facts.live != nullptr && in.facts.live->tyre_kpa[i]) return in.facts.live->tyre_kpa[i];
  if (const auto* t = reportTyre(in.report(), kPositions[i])) return t->pressure_kpa;
  return std::nullopt;
}

void lvWeak(const RuleInput& in, const reports::HealthReport& r) {
  const auto& v = r.low_voltage_battery.min_rest_voltage_v;
  if (!v) return;
  if (!holdsBelow(*v, in.t.lv_weak_v, in.t.lv_weak_v + kLvClearVolts, in.open("lv_battery.weak")))
    return;
  const bool now = *v < in.t.lv_check_now_v;
  emit(in, "lv_battery.weak", "", now ? Severity::kWarning : Severity::kAdvisory,
       now ? words::lvCheckNow(*v, in.t.lv_check_now_v) : words::lvWeak(*v, in.t.lv_weak_v),
       json{{"volts", *v}, {"limit_volts", now ? in.t.lv_check_now_v : in.t.lv_weak_v}}, true);
}

// Returns, per position, whether tyres.pressure_low holds.
std::array<bool, 4> tyresPressureLow(const RuleInput& in, double placard) {
  std::array<bool, 4> held{};
  for (std::size_t i = 0; i < kPositions.size(); ++i) {
    const auto kpa = tyreKpa(in, i);
    if (!kpa) continue;
    const double below = bands::percentBelow(*kpa, placard);
    const bool open = in.open("tyres.pressure_low", kPositions[i]);
    if (!(below >= in.t.tyre_low_percent || (open && below > bands::tyreClearPercent(in.t))))
      continue;
    held[i] = true;
    const bool critical = below >= in.t.tyre_critical_percent;
    emit(in, "tyres.pressure_low", kPositions[i],
         critical ? Severity::kCritical : Severity::kWarning,
         words::tyrePressureLow(kPositions[i], *kpa, placard, below, critical),
         json{{"position", kPositions[i]},
              {"pressure_kpa", roundTo(*kpa, 1)},
              {"placard_kpa", placard},
              {"percent_below", roundTo(below, 1)}},
         false);
  }
  return held;
}

// A slow leak the report found, unless the tyre is already low: the
// pressure prompt says more, and one tyre gets one prompt.
void tyresSlowLeak(const RuleInput& in, double placard, const std::array<bool, 4>& low) {
  for (std::size_t i = 0; i < kPositions.size(); ++i) {
    const auto* t = reportTyre(in.report(), kPositions[i]);
    if (t == nullptr || t->status != "slow_leak" || low[i]) continue;
    const auto kpa = tyreKpa(in, i);
    if (!kpa) continue;
    emit(in, "tyres.slow_leak", kPositions[i], Severity::kWarning,
         words::tyreSlowLeak(kPositions[i], *kpa, placard),
         json{{"position", kPositions[i]},
              {"pressure_kpa", roundTo(*kpa, 1)},
              {"placard_kpa", placard}},
         true);
  }
}

void padsWorn(const RuleInput& in, const reports::HealthReport& r) {
  const auto& wear = r.brakes.pad_wear_percent_max;
  if (!wear) return;
  const auto& km = r.brakes.km_to_pad_limit;
  const bool worn = *wear >= in.t.pad_wear_percent;
  const bool near = km && *km <= in.t.pad_km_to_limit;
  if (!worn && !near) return;
  const std::string pos = r.brakes.worst_position.value_or("");
  emit(in, "brakes.pads_worn", "", Severity::kAdvisory,
       words::padsWorn(pos, *wear, worn ? std::nullopt : km),
       json{{"position", pos.empty() ? json(nullptr) : json(pos)},
            {"wear_percent", *wear},
            {"km_to_limit", km ? json(*km) : json(nullptr)}},
       true);
}

void brakeFluidLow(const RuleInput& in) {
  std::optional<double> level;
  if (in.facts.live != nullptr) level = in.facts.live->brake_fluid_percent;
  if (!level && in.report() != nullptr) level = in.report()->brakes.fluid_level_percent_min;
  if (!level) return;
  const double raise = in.t.brake_fluid_low_percent;
  if (!holdsBelow(*level, raise, bands::fluidClearPercent(in.t), in.open("brakes.fluid_low")))
    return;
  emit(in, "brakes.fluid_low", "", Severity::kCritical, words::brakeFluidLow(*level, raise),
       json{{"fluid_percent", roundTo(*level, 1)}, {"limit_percent", raise}}, true);
}

Severity dtcSeverity(std::string_view code) {
  if (code == "P0AA6") return Severity::kCritical;  // high-voltage isolation
  if (code == "P0A80" || code == "P0A7F" || code == "P0A7E") return Severity::kWarning;  // pack
  return Severity::kAdvisory;
}

void dtcActive(const RuleInput& in) {
  std::vector<std::string> codes;
  if (in.facts.live != nullptr && in.facts.live->dtcs_seen) {
    codes = in.facts.live->active_dtcs;
  } else if (const auto* r = in.report()) {
    for (const auto& f : r->faults) {
      if (f.active) codes.push_back(f.code);
    }
  }
  for (const auto& code : codes) {
    emit(in, "dtc.active", code, dtcSeverity(code), words::dtcActive(code), json{{"code", code}},
         true);
  }
}

}  // namespace

void chassisRules(const RuleInput& in) {
  if (const auto* r = in.report()) lvWeak(in, *r);
  if (in.facts.vehicle != nullptr && in.facts.vehicle->tyre_placard_kpa > 0) {
    const double placard = in.facts.vehicle->tyre_placard_kpa;
    const auto low = tyresPressureLow(in, placard);
    tyresSlowLeak(in, placard, low);
  }
  if (const auto* r = in.report()) padsWorn(in, *r);
  brakeFluidLow(in);
  dtcActive(in);
}

}  // namespace crm::engagement::detail
