#include "html_advice.h"

#include <optional>

#include "html_text.h"

namespace crm::reports::html {
namespace {

// Rows of the service card: five service items and this many faults fill it.
constexpr std::size_t kMaxFaultRows = 5;
constexpr std::size_t kMaxServiceRows = 8;

// Up to three names joined with ", " (the advice stays one short sentence).
std::string joinFew(const std::vector<std::string>& names, Lang lang) {
  const char* sep = lang == Lang::kZh ? "\xE3\x80\x81" : ", ";  // 、 in Chinese
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 3; ++i) out += (i ? sep : "") + names[i];
  if (names.size() > 3) out += lang == Lang::kZh ? "\xE7\xAD\x89" : " and more";  // 等
  return out;
}

bool isWeakOrWorse(const std::optional<std::string>& status) {
  return status && (*status == "watch" || *status == "attention");
}

void safetyAdvice(const HealthReport& r, Lang lang, std::vector<std::string>& out) {
  std::vector<std::string> codes;
  for (const auto& f : r.faults) {
    if (f.active) codes.push_back(escape(clip(f.code, 16)));
  }
  if (!codes.empty()) {
    out.push_back(trf(lang, Msg::kAdvFaults, {std::to_string(codes.size()), joinFew(codes, lang)}));
  }
  if (isWeakOrWorse(r.low_voltage_battery.status)) out.push_back(tr(lang, Msg::kAdvLowVoltage));
  if (isWeakOrWorse(r.brakes.status)) out.push_back(tr(lang, Msg::kAdvBrakes));
  std::vector<std::string> tyres;
  for (const auto& p : r.tyres.positions) {
    if (p.status && *p.status != "good") {
      tyres.push_back(escape(tyrePositionName(lang, p.position)));
    }
  }
  if (!tyres.empty()) out.push_back(trf(lang, Msg::kAdvTyres, {joinFew(tyres, lang)}));
  std::vector<std::string> overdue;
  for (const auto& item : r.service.due) {
    if (item.overdue) overdue.push_back(escape(serviceItemName(lang, item.item)));
  }
  if (!overdue.empty()) out.push_back(trf(lang, Msg::kAdvService, {joinFew(overdue, lang)}));
}

// Thresholds of docs/domain-facts.md §3.
void batteryAdvice(const HealthReport& r, Lang lang, std::vector<std::string>& out) {
  const auto& c = r.charging;
  if (auto dc = finite(c.dc_energy_share); dc && *dc > 0.12) {
    out.push_back(trf(lang, *dc > 0.40 ? Msg::kAdvDcVeryHigh : Msg::kAdvDcHigh, {percentOf(*dc)}));
  }
  if (auto hours = finite(c.high_soc_dwell_hours); hours && *hours > 8) {
    out.push_back(trf(lang, Msg::kAdvHighSoc, {fixed(*hours, 0)}));
  }
  if (c.deep_discharge_events > 2) {
    out.push_back(trf(lang, Msg::kAdvDeep, {fixed(c.deep_discharge_events, 0)}));
  }
  if (c.hot_charging_sessions > 0) {
    out.push_back(trf(lang, Msg::kAdvHot, {fixed(c.hot_charging_sessions, 0)}));
  }
  if (auto mv = finite(r.battery.cell_imbalance_mv_max); mv && *mv > 50) {
    out.push_back(trf(lang, Msg::kAdvImbalance, {fixed(*mv, 0)}));
  }
}

std::string dueText(const DueItem& item, Lang lang) {
  if (item.overdue) {
    return "<span class=\"tag red\">" + std::string(tr(lang, Msg::kOverdue)) + "</span>";
  }
  std::string parts;
  if (auto days = asDouble(item.due_in_days)) parts = trf(lang, Msg::kDueDays, {grouped(*days, 0)});
  if (auto km = finite(item.due_in_km)) {
    parts += (parts.empty() ? "" : " \xC2\xB7 ") + trf(lang, Msg::kDueKm, {grouped(*km, 0)});
  }
  return parts.empty() ? "\xE2\x80\x94" : parts;
}

}  // namespace

std::vector<std::string> adviceFor(const HealthReport& r, Lang lang) {
  std::vector<std::string> out;
  safetyAdvice(r, lang, out);
  batteryAdvice(r, lang, out);
  const auto rate = finite(r.battery.degradation_percent_per_year);
  const auto typical = finite(r.battery.fleet_typical_percent_per_year);
  const bool problems = !out.empty();
  if (rate && typical) {
    out.push_back(trf(lang, *rate > *typical ? Msg::kAdvAgeingFast : Msg::kAdvAgeingSlow,
                      {fixed(*rate, 1), fixed(*typical, 1)}));
  }
  if (problems) return out;
  const bool any_data = finite(r.battery.soh.value) || r.charging.sessions > 0 ||
                        finite(r.driving.distance_km).value_or(0) > 0;
  out.insert(out.begin(), tr(lang, any_data ? Msg::kAdvAllGood : Msg::kAdvNoData));
  return out;
}

std::string renderServiceAndFaults(const HealthReport& r, Lang lang) {
  std::string h = "<table class=\"list\">";
  bool rows = false;
  for (std::size_t i = 0; i < r.service.due.size() && i < kMaxServiceRows; ++i) {
    const auto& item = r.service.due[i];
    h += "<tr><td>" + escape(serviceItemName(lang, item.item)) + "</td><td>" + dueText(item, lang) +
         "</td></tr>";
    rows = true;
  }
  // Active faults first; past kMaxFaultRows the card would overflow.
  std::vector<const Fault*> shown;
  for (const bool want_active : {true, false}) {
    for (const auto& f : r.faults) {
      if (f.active == want_active && shown.size() < kMaxFaultRows) shown.push_back(&f);
    }
  }
  for (const Fault* f : shown) {
    h += "<tr><td>" + std::string(tr(lang, Msg::kFaultCode)) + " " + escape(clip(f->code, 16)) +
         "</td><td><span class=\"tag " + (f->active ? "red" : "grey") + "\">" +
         tr(lang, f->active ? Msg::kFaultActive : Msg::kFaultCleared) + "</span> " +
         escape(dateOf(f->last_seen)) + "</td></tr>";
    rows = true;
  }
  if (r.faults.empty()) {
    h += "<tr><td colspan=\"2\">" + std::string(tr(lang, Msg::kNoFaults)) + "</td></tr>";
    rows = true;
  }
  h += "</table>";
  if (!rows) h = "<p class=\"nodata\">" + std::string(tr(lang, Msg::kNoDataYet)) + "</p>";
  if (r.service.last_visit) {
    h += "<p class=\"note\">" +
         trf(lang, Msg::kLastVisit, {escape(dateOf(*r.service.last_visit))}) + "</p>";
  }
  return h;
}

}  // namespace crm::reports::html
