#include "html_summary.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "html_text.h"

namespace crm::reports::html {
namespace {

using nlohmann::json;

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

Light chargingLight(const json& r, std::string& detail, Lang lang) {
  Light light = Light::kGrey;
  std::optional<double> lowest;
  for (const char* habit :
       {"fast_charging", "high_soc_parking", "deep_discharge", "charging_temperature"}) {
    if (auto s = number(r, {"charging", "habit_scores", habit})) {
      lowest = lowest ? std::min(*lowest, *s) : *s;
    }
  }
  if (lowest) {
    light = worse(light, *lowest >= 4 ? Light::kGreen : *lowest >= 3 ? Light::kAmber : Light::kRed);
    detail = trf(lang, Msg::kDetailHabitMin, {fixed(*lowest, 0)});
  }
  // DC share thresholds of domain.md §3: 12 % advisory, 40 % warning.
  if (auto dc = number(r, {"charging", "dc_energy_share"})) {
    light = worse(light, *dc > 0.40 ? Light::kRed : *dc > 0.12 ? Light::kAmber : Light::kGreen);
    detail = trf(lang, Msg::kDetailDcShare, {percentOf(*dc)});
  }
  return light;
}

SystemLight tyresLight(const json& r, Lang lang) {
  SystemLight s{"tyres", Msg::kSysTyres, lightOfStatus(text(r, {"tyres", "status"})), {}};
  if (s.light == Light::kGreen) s.detail = tr(lang, Msg::kDetailTyresOk);
  if (const auto* positions = array(r, {"tyres", "positions"})) {
    for (const auto& p : *positions) {
      const auto status = text(p, {"status"});
      const auto where = text(p, {"position"});
      if (!status || !where || *status == "good") continue;
      const std::string name = escape(tyrePositionName(lang, *where));
      const Msg phrase = *status == "slow_leak" ? Msg::kDetailTyreLeak
                         : *status == "low"     ? Msg::kDetailTyreLow
                                                : Msg::kDetailTyreVeryLow;
      s.detail = trf(lang, phrase, {name});
      s.light = worse(
          s.light, lightOfStatus(status) == Light::kGrey ? Light::kAmber : lightOfStatus(status));
      break;
    }
  }
  return s;
}

SystemLight faultsLight(const json& r, Lang lang) {
  SystemLight s{"faults", Msg::kSysFaults, Light::kGrey, {}};
  if (const auto* faults = array(r, {"faults"})) {
    const auto active = std::count_if(faults->begin(), faults->end(),
                                      [](const json& f) { return flag(f, {"active"}) == true; });
    s.light = active > 0 ? Light::kRed : Light::kGreen;
    s.detail = active > 0 ? trf(lang, Msg::kDetailActiveFaults, {std::to_string(active)})
                          : tr(lang, Msg::kDetailNoActiveFaults);
    if (active > 0) return s;
  }
  // Brakes have no sensor of their own here: an overdue brake service item
  // is what the car knows about them.
  if (const auto* due = array(r, {"service", "due"})) {
    for (const auto& item : *due) {
      const auto name = text(item, {"item"});
      if (name && name->find("brake") != std::string::npos && flag(item, {"overdue"}) == true) {
        s.light = Light::kAmber;
        s.detail = trf(lang, Msg::kDetailOverdue, {escape(serviceItemName(lang, *name))});
      }
    }
  }
  return s;
}

SystemLight serviceLight(const json& r, Lang lang) {
  SystemLight s{"service", Msg::kSysService, Light::kGrey, {}};
  const auto* due = array(r, {"service", "due"});
  if (due == nullptr) return s;
  s.light = Light::kGreen;
  s.detail = tr(lang, Msg::kDetailNothingDue);
  std::optional<double> soonest_days, soonest_km;
  for (const auto& item : *due) {
    const std::string name = escape(serviceItemName(lang, text(item, {"item"}).value_or("?")));
    if (flag(item, {"overdue"}) == true) {
      if (s.light != Light::kRed) s.detail = trf(lang, Msg::kDetailOverdue, {name});
      s.light = Light::kRed;
      continue;
    }
    if (s.light == Light::kRed) continue;
    const auto days = number(item, {"due_in_days"});
    const auto km = number(item, {"due_in_km"});
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

std::vector<SystemLight> systemLights(const json& r, Lang lang) {
  std::vector<SystemLight> out;
  SystemLight battery{
      "battery", Msg::kSysBattery, lightOfStatus(text(r, {"battery", "status"})), {}};
  if (auto soh = number(r, {"battery", "soh", "value"})) {
    battery.detail = trf(lang, Msg::kDetailSoh, {fixed(*soh, 1)});
  }
  out.push_back(battery);
  SystemLight charging{"charging", Msg::kSysCharging, Light::kGrey, {}};
  charging.light = chargingLight(r, charging.detail, lang);
  out.push_back(charging);
  SystemLight lv{"low_voltage",
                 Msg::kSysLowVoltage,
                 lightOfStatus(text(r, {"low_voltage_battery", "status"})),
                 {}};
  if (auto v = number(r, {"low_voltage_battery", "min_rest_voltage_v"})) {
    lv.detail = trf(lang, Msg::kDetailVoltage, {fixed(*v, 1)});
  }
  out.push_back(lv);
  out.push_back(tyresLight(r, lang));
  SystemLight brakes{"brakes", Msg::kSysBrakes, lightOfStatus(text(r, {"brakes", "status"})), {}};
  if (auto wear = number(r, {"brakes", "pad_wear_percent_max"})) {
    brakes.detail = trf(lang, Msg::kDetailPadWear, {fixed(*wear, 0)});
  }
  out.push_back(brakes);
  out.push_back(faultsLight(r, lang));
  out.push_back(serviceLight(r, lang));
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

std::string renderFigures(const json& r, Lang lang) {
  const std::string none = tr(lang, Msg::kNoData);
  std::string h = "<section class=\"figs\">";
  // State of health with its interval and where it comes from.
  const auto soh = number(r, {"battery", "soh", "value"});
  const auto low = number(r, {"battery", "soh", "low"});
  const auto high = number(r, {"battery", "soh", "high"});
  const auto source = text(r, {"battery", "soh", "source"});
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
  const auto rate = number(r, {"battery", "degradation_percent_per_year"});
  const auto typical = number(r, {"battery", "fleet_typical_percent_per_year"});
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
  auto at80 = dateValue(r, {"battery", "projected_80_percent", "date"});
  if (at80 && parseDate(*at80)) at80 = at80->substr(0, 7);
  const auto km80 = number(r, {"battery", "projected_80_percent", "odometer_km"});
  h += figure(tr(lang, Msg::kFig80), at80 ? escape(*at80) : kDash, "",
              km80   ? trf(lang, Msg::kFig80Km, {grouped(*km80, 0)})
              : at80 ? ""
                     : none);
  const auto odometer = number(r, {"vehicle", "odometer_km"});
  h += figure(tr(lang, Msg::kFigOdometer), orDash(odometer, 0), " km", odometer ? "" : none);
  const auto trips = number(r, {"driving", "trips"});
  const auto daily = number(r, {"driving", "average_daily_km"});
  const auto distance = number(r, {"driving", "distance_km"});
  h += figure(tr(lang, Msg::kFigDistance), orDash(distance, 0), " km",
              trips || daily ? trf(lang, Msg::kFigDistanceSub, {orDash(trips, 0), orDash(daily, 0)})
              : distance     ? ""
                             : none);
  const auto efficiency = number(r, {"driving", "efficiency_kwh_per_100km"});
  h += figure(tr(lang, Msg::kFigEfficiency), orDash(efficiency, 1), " kWh/100 km",
              efficiency ? "" : none);
  const auto energy = number(r, {"charging", "energy_kwh"});
  h += figure(tr(lang, Msg::kFigSessions), orDash(number(r, {"charging", "sessions"}), 0), "",
              energy ? trf(lang, Msg::kFigSessionsSub, {grouped(*energy, 0)}) : none);
  const auto dc = number(r, {"charging", "dc_energy_share"});
  const auto dc_sessions = number(r, {"charging", "dc_sessions"});
  const auto over_100 = number(r, {"charging", "sessions_over_100kw"});
  h += figure(tr(lang, Msg::kFigDcShare), dc ? percentOf(*dc) : kDash, " %",
              dc_sessions || over_100
                  ? trf(lang, Msg::kFigDcShareSub, {orDash(dc_sessions, 0), orDash(over_100, 0)})
              : dc ? ""
                   : none,
              dc ? (*dc > 0.40   ? "red"
                    : *dc > 0.12 ? "amber"
                                 : "green")
                 : "");
  const auto from = number(r, {"charging", "average_start_soc"});
  const auto to = number(r, {"charging", "average_end_soc"});
  h += figure(tr(lang, Msg::kFigWindow),
              from && to ? fixed(*from, 0) + " \xE2\x86\x92 " + fixed(*to, 0) : kDash, " %",
              from && to ? tr(lang, Msg::kFigWindowSub) : none);
  return h + "</section>";
}

std::string renderHabits(const json& r, Lang lang) {
  static constexpr std::pair<const char*, Msg> kHabits[] = {
      {"fast_charging", Msg::kHabitFast},
      {"high_soc_parking", Msg::kHabitHighSoc},
      {"deep_discharge", Msg::kHabitDeep},
      {"charging_temperature", Msg::kHabitTemp}};
  std::string h = "<h2>" + std::string(tr(lang, Msg::kHabits)) + "</h2><table class=\"habits\">";
  for (const auto& [key, msg] : kHabits) {
    h += "<tr><td>" + std::string(tr(lang, msg)) + "</td><td>";
    if (auto score = number(r, {"charging", "habit_scores", key})) {
      const int n = std::clamp(static_cast<int>(std::lround(*score)), 0, 5);
      h += "<span class=\"stars\" role=\"img\" aria-label=\"" +
           trf(lang, Msg::kStarsOf, {std::to_string(n)}) + "\">";
      h += "<span class=\"on\">";
      for (int i = 0; i < n; ++i) h += "\xE2\x98\x85";  // black star
      h += "</span><span class=\"off\">";
      for (int i = n; i < 5; ++i) h += "\xE2\x98\x85";
      h += "</span></span>";
    } else {
      h += "<span class=\"none\">" + std::string(tr(lang, Msg::kNoData)) + "</span>";
    }
    h += "</td></tr>";
  }
  return h + "</table>";
}

}  // namespace crm::reports::html
