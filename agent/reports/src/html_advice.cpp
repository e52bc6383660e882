#include "html_advice.h"

#include <optional>

#include "html_text.h"

namespace crm::reports::html {
namespace {

using nlohmann::json;

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

void safetyAdvice(const json& r, Lang lang, std::vector<std::string>& out) {
  if (const auto* faults = array(r, {"faults"})) {
    std::vector<std::string> codes;
    for (const auto& f : *faults) {
      if (flag(f, {"active"}) == true) {
        codes.push_back(escape(clip(text(f, {"code"}).value_or("?"), 16)));
      }
    }
    if (!codes.empty()) {
      out.push_back(
          trf(lang, Msg::kAdvFaults, {std::to_string(codes.size()), joinFew(codes, lang)}));
    }
  }
  if (isWeakOrWorse(text(r, {"low_voltage_battery", "status"}))) {
    out.push_back(tr(lang, Msg::kAdvLowVoltage));
  }
  if (isWeakOrWorse(text(r, {"brakes", "status"}))) out.push_back(tr(lang, Msg::kAdvBrakes));
  if (const auto* positions = array(r, {"tyres", "positions"})) {
    std::vector<std::string> names;
    for (const auto& p : *positions) {
      const auto status = text(p, {"status"});
      if (status && *status != "good") {
        names.push_back(escape(tyrePositionName(lang, text(p, {"position"}).value_or("?"))));
      }
    }
    if (!names.empty()) out.push_back(trf(lang, Msg::kAdvTyres, {joinFew(names, lang)}));
  } else if (isWeakOrWorse(text(r, {"tyres", "status"}))) {
    out.push_back(trf(lang, Msg::kAdvTyres, {tr(lang, Msg::kSysTyres)}));
  }
  if (const auto* due = array(r, {"service", "due"})) {
    std::vector<std::string> names;
    for (const auto& item : *due) {
      if (flag(item, {"overdue"}) == true) {
        names.push_back(escape(serviceItemName(lang, text(item, {"item"}).value_or("?"))));
      }
    }
    if (!names.empty()) out.push_back(trf(lang, Msg::kAdvService, {joinFew(names, lang)}));
  }
}

// Thresholds of domain.md §3.
void batteryAdvice(const json& r, Lang lang, std::vector<std::string>& out) {
  if (auto dc = number(r, {"charging", "dc_energy_share"}); dc && *dc > 0.12) {
    out.push_back(trf(lang, *dc > 0.40 ? Msg::kAdvDcVeryHigh : Msg::kAdvDcHigh, {percentOf(*dc)}));
  }
  if (auto hours = number(r, {"charging", "high_soc_dwell_hours"}); hours && *hours > 8) {
    out.push_back(trf(lang, Msg::kAdvHighSoc, {fixed(*hours, 0)}));
  }
  if (auto n = number(r, {"charging", "deep_discharge_events"}); n && *n > 2) {
    out.push_back(trf(lang, Msg::kAdvDeep, {fixed(*n, 0)}));
  }
  if (auto n = number(r, {"charging", "hot_charging_sessions"}); n && *n > 0) {
    out.push_back(trf(lang, Msg::kAdvHot, {fixed(*n, 0)}));
  }
  if (auto mv = number(r, {"battery", "cell_imbalance_mv_max"}); mv && *mv > 50) {
    out.push_back(trf(lang, Msg::kAdvImbalance, {fixed(*mv, 0)}));
  }
}

std::string dueText(const json& item, Lang lang) {
  if (flag(item, {"overdue"}) == true) {
    return "<span class=\"tag red\">" + std::string(tr(lang, Msg::kOverdue)) + "</span>";
  }
  std::string parts;
  if (auto days = number(item, {"due_in_days"}))
    parts = trf(lang, Msg::kDueDays, {grouped(*days, 0)});
  if (auto km = number(item, {"due_in_km"})) {
    parts += (parts.empty() ? "" : " \xC2\xB7 ") + trf(lang, Msg::kDueKm, {grouped(*km, 0)});
  }
  return parts.empty() ? "\xE2\x80\x94" : parts;
}

}  // namespace

std::vector<std::string> adviceFor(const json& r, Lang lang) {
  std::vector<std::string> out;
  safetyAdvice(r, lang, out);
  batteryAdvice(r, lang, out);
  const auto rate = number(r, {"battery", "degradation_percent_per_year"});
  const auto typical = number(r, {"battery", "fleet_typical_percent_per_year"});
  const bool problems = !out.empty();
  if (rate && typical) {
    out.push_back(trf(lang, *rate > *typical ? Msg::kAdvAgeingFast : Msg::kAdvAgeingSlow,
                      {fixed(*rate, 1), fixed(*typical, 1)}));
  }
  if (problems) return out;
  const bool any_data = number(r, {"battery", "soh", "value"}) ||
                        number(r, {"charging", "sessions"}).value_or(0) > 0 ||
                        number(r, {"driving", "distance_km"}).value_or(0) > 0;
  out.insert(out.begin(), tr(lang, any_data ? Msg::kAdvAllGood : Msg::kAdvNoData));
  return out;
}

std::string renderServiceAndFaults(const json& r, Lang lang) {
  std::string h = "<table class=\"list\">";
  bool rows = false;
  if (const auto* due = array(r, {"service", "due"})) {
    std::size_t n = 0;
    for (const auto& item : *due) {
      const auto name = text(item, {"item"});
      if (!name || n++ >= kMaxServiceRows) continue;
      h += "<tr><td>" + escape(serviceItemName(lang, *name)) + "</td><td>" + dueText(item, lang) +
           "</td></tr>";
      rows = true;
    }
  }
  if (const auto* faults = array(r, {"faults"})) {
    // Active faults first; past kMaxFaultRows the card would overflow.
    std::vector<const json*> shown;
    for (const bool want_active : {true, false}) {
      for (const auto& f : *faults) {
        if ((flag(f, {"active"}) == true) == want_active && text(f, {"code"}) &&
            shown.size() < kMaxFaultRows) {
          shown.push_back(&f);
        }
      }
    }
    for (const json* fp : shown) {
      const json& f = *fp;
      const auto code = text(f, {"code"});
      const bool active = flag(f, {"active"}) == true;
      const auto last = dateValue(f, {"last_seen"});
      h += "<tr><td>" + std::string(tr(lang, Msg::kFaultCode)) + " " + escape(clip(*code, 16)) +
           "</td><td><span class=\"tag " + (active ? "red" : "grey") + "\">" +
           tr(lang, active ? Msg::kFaultActive : Msg::kFaultCleared) + "</span>" +
           (last ? " " + escape(*last) : "") + "</td></tr>";
      rows = true;
    }
    if (faults->empty()) {
      h += "<tr><td colspan=\"2\">" + std::string(tr(lang, Msg::kNoFaults)) + "</td></tr>";
      rows = true;
    }
  }
  h += "</table>";
  if (!rows) h = "<p class=\"nodata\">" + std::string(tr(lang, Msg::kNoDataYet)) + "</p>";
  if (auto visit = dateValue(r, {"service", "last_visit"})) {
    h += "<p class=\"note\">" + trf(lang, Msg::kLastVisit, {escape(*visit)}) + "</p>";
  }
  return h;
}

}  // namespace crm::reports::html
