#include "html_summary.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "crm/common/civil_time.h"
#include "html_text.h"

namespace crm::reports::html {
namespace {

constexpr const char* kDash = "\xE2\x80\x94";  // em dash: the value shown for null

// Status words of the report (battery, 12 V, tyres, brakes share the good / watch /
// attention scale; tyre positions add low and slow_leak).
Light lightOfStatus(const std::optional<std::string>& status) {
  if (!status) return Light::kGrey;
  if (*status == "good" || *status == "ok") return Light::kGreen;
  if (*status == "watch" || *status == "low" || *status == "slow_leak") return Light::kAmber;
  if (*status == "attention") return Light::kRed;
  return Light::kGrey;
}

Light worse(Light a, Light b) {
  // Grey means "unknown": any known state outranks it.
  const auto rank = [](Light l) {
    return l == Light::kRed ? 3 : l == Light::kAmber ? 2 : l == Light::kGreen ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

// A habit score of 1..5; anything else was not scored.
std::optional<int> score(int value) {
  if (value < 1 || value > 5) return std::nullopt;
  return value;
}

Light chargingLight(const ChargingSection& c, std::string& detail, Lang lang) {
  Light light = Light::kGrey;
  std::optional<double> lowest;
  const auto& h = c.habit_scores;
  for (const int habit :
       {h.fast_charging, h.high_soc_parking, h.deep_discharge, h.charging_temperature}) {
    if (auto s = score(habit)) lowest = std::min(lowest.value_or(5.0), 1.0 * *s);
  }
  if (lowest) {
    light = worse(light, *lowest >= 4 ? Light::kGreen : *lowest >= 3 ? Light::kAmber : Light::kRed);
    detail = trf(lang, Msg::kDetailHabitMin, {fixed(*lowest, 0)});
  }
  // DC share thresholds of docs/domain-facts.md §3: 12 % advisory, 40 % warning.
  if (auto dc = finite(c.dc_energy_share)) {
    light = worse(light, *dc > 0.40 ? Light::kRed : *dc > 0.12 ? Light::kAmber : Light::kGreen);
    detail = trf(lang, Msg::kDetailDcShare, {percentOf(*dc)});
  }
  return light;
}

SystemLight tyresLight(const TyresSection& tyres, Lang lang) {
  SystemLight s{"tyres", Msg::kSysTyres, lightOfStatus(tyres.status), {}};
  if (s.light == Light::kGreen) s.detail = tr(lang, Msg::kDetailTyresOk);
  for (const auto& p : tyres.positions) {
    const auto& status = p.status;
    if (!status || *status == "good") continue;
    const std::string name = escape(tyrePositionName(lang, p.position));
    const Msg phrase = *status == "slow_leak" ? Msg::kDetailTyreLeak
                       : *status == "low"     ? Msg::kDetailTyreLow
                                              : Msg::kDetailTyreVeryLow;
    s.detail = trf(lang, phrase, {name});
    s.light = worse(s.light,
                    lightOfStatus(status) == Light::kGrey ? Light::kAmber : lightOfStatus(status));
    break;
  }
  return s;
}

SystemLight faultsLight(const HealthReport& r, Lang lang) {
  SystemLight s{"faults", Msg::kSysFaults, Light::kGrey, {}};
  const auto active =
      std::count_if(r.faults.begin(), r.faults.end(), [](const Fault& f) { return f.active; });
  s.light = active > 0 ? Light::kRed : Light::kGreen;
  s.detail = active > 0 ? trf(lang, Msg::kDetailActiveFaults, {std::to_string(active)})
                        : tr(lang, Msg::kDetailNoActiveFaults);
  if (active > 0) return s;
  // Brakes have no sensor of their own here: an overdue brake service item
  // is what the car knows about them.
  for (const auto& item : r.service.due) {
    if (item.item.find("brake") != std::string::npos && item.overdue) {
      s.light = Light::kAmber;
      s.detail = trf(lang, Msg::kDetailOverdue, {escape(serviceItemName(lang, item.item))});
    }
  }
  return s;
}

SystemLight serviceLight(const ServiceSection& service, Lang lang) {
  SystemLight s{"service", Msg::kSysService, Light::kGreen, tr(lang, Msg::kDetailNothingDue)};
  std::optional<double> soonest_days, soonest_km;
  for (const auto& item : service.due) {
    const std::string name = escape(serviceItemName(lang, item.item));
    if (item.overdue) {
      if (s.light != Light::kRed) s.detail = trf(lang, Msg::kDetailOverdue, {name});
      s.light = Light::kRed;
      continue;
    }
    if (s.light == Light::kRed) continue;
    const auto days = asDouble(item.due_in_days);
    const auto km = finite(item.due_in_km);
    // Within a month or 1,000 km: time to book, not yet late.
    if ((days && *days < 30) || (km && *km < 1000)) s.light = Light::kAmber;
    if (days && (!soonest_days || *days < *soonest_days)) {
      soonest_days = days;
      s.detail =
          trf(lang, Msg::kDetailNext, {name + " " + trf(lang, Msg::kDueDays, {grouped(*days, 0)})});
    } else if (km && !soonest_days && (!soonest_km || *km < *soonest_km)) {
      soonest_km = km;
      s.detail =
          trf(lang, Msg::kDetailNext, {name + " " + trf(lang, Msg::kDueKm, {grouped(*km, 0)})});
    }
  }
  return s;
}

std::string figure(const std::string& label, const std::string& value, const std::string& unit,
                   const std::string& sub, const char* tone = "") {
  std::string h = "<div class=\"fig\"><div class=\"k\">" + label + "</div><div class=\"v ";
  h += tone;
  h += "\">" + value;
  if (!unit.empty() && value != kDash) h += "<small>" + unit + "</small>";
  h += "</div><div class=\"s\">" + sub + "</div></div>";
  return h;
}

std::string orDash(const std::optional<double>& v, int decimals) {
  return v ? grouped(*v, decimals) : kDash;
}

std::string count(int n) {
  return grouped(n, 0);
}

}  // namespace

const char* lightClass(Light light) {
  switch (light) {
    case Light::kGreen:
      return "green";
    case Light::kAmber:
      return "amber";
    case Light::kRed:
      return "red";
    case Light::kGrey:
      break;
  }
  return "grey";
}

std::vector<SystemLight> systemLights(const HealthReport& r, Lang lang) {
  std::vector<SystemLight> out;
  SystemLight battery{"battery", Msg::kSysBattery, lightOfStatus(r.battery.status), {}};
  if (auto soh = finite(r.battery.soh.value)) {
    battery.detail = trf(lang, Msg::kDetailSoh, {fixed(*soh, 1)});
  }
  out.push_back(battery);
  SystemLight charging{"charging", Msg::kSysCharging, Light::kGrey, {}};
  charging.light = chargingLight(r.charging, charging.detail, lang);
  out.push_back(charging);
  const auto& lv_section = r.low_voltage_battery;
  SystemLight lv{"low_voltage", Msg::kSysLowVoltage, lightOfStatus(lv_section.status), {}};
  if (auto v = finite(lv_section.min_rest_voltage_v)) {
    lv.detail = trf(lang, Msg::kDetailVoltage, {fixed(*v, 1)});
  }
  out.push_back(lv);
  out.push_back(tyresLight(r.tyres, lang));
  SystemLight brakes{"brakes", Msg::kSysBrakes, lightOfStatus(r.brakes.status), {}};
  if (auto wear = finite(r.brakes.pad_wear_percent_max)) {
    brakes.detail = trf(lang, Msg::kDetailPadWear, {fixed(*wear, 0)});
  }
  out.push_back(brakes);
  out.push_back(faultsLight(r, lang));
  out.push_back(serviceLight(r.service, lang));
  return out;
}

std::string renderLights(const std::vector<SystemLight>& lights, Lang lang) {
  std::string h = "<section class=\"lights\">";
  for (const auto& l : lights) {
    // A symbol and a word as well as the colour: colour alone fails the
    // colour-blind and washes out in sunlight.
    const char* symbol = l.light == Light::kGreen   ? "\xE2\x9C\x93"  // check mark
                         : l.light == Light::kAmber ? "!"
                         : l.light == Light::kRed   ? "\xE2\x9C\x95"  // multiplication x
                                                    : "?";
    const Msg state = l.light == Light::kGreen   ? Msg::kGood
                      : l.light == Light::kAmber ? Msg::kWatch
                      : l.light == Light::kRed   ? Msg::kAttention
                                                 : Msg::kUnknown;
    h += "<div class=\"light " + std::string(lightClass(l.light)) + "\" data-system=\"" + l.key +
         "\"><div class=\"top\"><div class=\"dot\" aria-hidden=\"true\">" + symbol +
         "</div><div class=\"sys\">" + tr(lang, l.name) + "</div></div><div class=\"state\">" +
         tr(lang, state) + "</div><div class=\"det\">" + l.detail + "</div></div>";
  }
  return h + "</section>";
}

std::string renderFigures(const HealthReport& r, Lang lang) {
  const std::string none = tr(lang, Msg::kNoData);
  std::string h = "<section class=\"figs\">";
  // State of health with its interval and where it comes from.
  auto soh = finite(r.battery.soh.value);
  auto low = finite(r.battery.soh.low);
  auto high = finite(r.battery.soh.high);
  for (auto* v : {&soh, &low, &high}) {
    if (*v) **v = sohShown(**v);
  }
  const auto& source = r.battery.soh.source;
  std::string sub = soh ? "" : none;
  if (soh && low && high) sub = fixed(*low, 1) + "\xE2\x80\x93" + fixed(*high, 1) + " %";
  if (soh && source) {
    const std::string src = *source == "bms"         ? tr(lang, Msg::kSrcBms)
                            : *source == "estimated" ? tr(lang, Msg::kSrcEstimated)
                            : *source == "combined"  ? tr(lang, Msg::kSrcCombined)
                                                     : escape(*source);
    sub += (sub.empty() ? "" : " \xC2\xB7 ") + src;
  }
  h += figure(tr(lang, Msg::kFigSoh), orDash(soh, 1), " %", sub);
  // Degradation against the fleet (Geotab's 2.3 %/yr unless configured).
  const auto rate = finite(r.battery.degradation_percent_per_year);
  const auto typical = finite(r.battery.fleet_typical_percent_per_year);
  sub = typical ? trf(lang, Msg::kFigAgeingTypical, {fixed(*typical, 1)}) : none;
  const char* tone = "";
  if (rate && typical) {
    const bool faster = *rate > *typical;
    sub += " \xC2\xB7 " + std::string(tr(lang, faster ? Msg::kFaster : Msg::kSlower));
    tone = faster ? "amber" : "green";
  }
  h += figure(tr(lang, Msg::kFigAgeing), orDash(rate, 1),
              std::string(" ") + tr(lang, Msg::kPerYear), sub, tone);
  // The month is as precise as a projection years out deserves.
  // A plain string, empty when there is no projection: GCC 12 at -O2 on
  // arm64 warns falsely about an optional<string> reassigned here.
  std::string at80;
  if (const auto& date = r.battery.projected_80_percent.date; date && !date->empty()) {
    at80 = civil::parseIsoDate(*date) ? date->substr(0, 7) : *date;
  }
  const auto km80 = finite(r.battery.projected_80_percent.odometer_km);
  h += figure(tr(lang, Msg::kFig80), !at80.empty() ? escape(at80) : kDash, "",
              km80            ? trf(lang, Msg::kFig80Km, {grouped(*km80, 0)})
              : !at80.empty() ? ""
                              : none);
  const auto odometer = finite(r.vehicle.odometer_km);
  h += figure(tr(lang, Msg::kFigOdometer), orDash(odometer, 0), " km", odometer ? "" : none);
  const auto& driving = r.driving;
  h += figure(tr(lang, Msg::kFigDistance), orDash(finite(driving.distance_km), 0), " km",
              trf(lang, Msg::kFigDistanceSub,
                  {count(driving.trips), orDash(finite(driving.average_daily_km), 0)}));
  const auto efficiency = finite(driving.efficiency_kwh_per_100km);
  h += figure(tr(lang, Msg::kFigEfficiency), orDash(efficiency, 1), " kWh/100 km",
              efficiency ? "" : none);
  const auto& charging = r.charging;
  const auto energy = finite(charging.energy_kwh);
  h += figure(tr(lang, Msg::kFigSessions), count(charging.sessions), "",
              energy ? trf(lang, Msg::kFigSessionsSub, {grouped(*energy, 0)}) : none);
  const auto dc = finite(charging.dc_energy_share);
  h += figure(tr(lang, Msg::kFigDcShare), dc ? percentOf(*dc) : kDash, " %",
              trf(lang, Msg::kFigDcShareSub,
                  {count(charging.dc_sessions), count(charging.sessions_over_100kw)}),
              dc ? (*dc > 0.40   ? "red"
                    : *dc > 0.12 ? "amber"
                                 : "green")
                 : "");
  const auto from = finite(charging.average_start_soc);
  const auto to = finite(charging.average_end_soc);
  h += figure(tr(lang, Msg::kFigWindow),
              from && to ? fixed(*from, 0) + " \xE2\x86\x92 " + fixed(*to, 0) : kDash, " %",
              from && to ? tr(lang, Msg::kFigWindowSub) : none);
  return h + "</section>";
}

std::string renderHabits(const ChargingSection& charging, Lang lang) {
  const auto& scores = charging.habit_scores;
  const std::pair<int, Msg> habits[] = {{scores.fast_charging, Msg::kHabitFast},
                                        {scores.high_soc_parking, Msg::kHabitHighSoc},
                                        {scores.deep_discharge, Msg::kHabitDeep},
                                        {scores.charging_temperature, Msg::kHabitTemp}};
  std::string h = "<h2>" + std::string(tr(lang, Msg::kHabits)) + "</h2><table class=\"habits\">";
  for (const auto& [value, msg] : habits) {
    h += "<tr><td>" + std::string(tr(lang, msg)) + "</td><td>";
    if (auto n = score(value)) {
      h += "<span class=\"stars\" role=\"img\" aria-label=\"" +
           trf(lang, Msg::kStarsOf, {std::to_string(*n)}) + "\">";
      h += "<span class=\"on\">";
      for (int i = 0; i < *n; ++i) h += "\xE2\x98\x85";  // black star
      h += "</span><span class=\"off\">";
      for (int i = *n; i < 5; ++i) h += "\xE2\x98\x85";
      h += "</span></span>";
    } else {
      h += "<span class=\"none\">" + std::string(tr(lang, Msg::kNoData)) + "</span>";
    }
    h += "</td></tr>";
  }
  return h + "</table>";
}

}  // namespace crm::reports::html
