// applySettings / settingsToJson: the engagement section of the
// configuration and the config command's body (docs/configuration.md).
// One table of threshold keys serves both directions, so a key cannot be
// readable but never written, or the reverse.
#include "crm/engagement/settings.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace crm::engagement {
namespace {

using nlohmann::json;

struct RealKey {
  const char* name;
  double Thresholds::*field;
  double min, max;
};
struct IntKey {
  const char* name;
  int Thresholds::*field;
  int min, max;
};

// Stable: these names are configuration keys and config-command fields.
constexpr std::array<RealKey, 18> kRealKeys{{
    {"soh_low_percent", &Thresholds::soh_low_percent, 0, 100},
    {"soh_watch_percent", &Thresholds::soh_watch_percent, 0, 100},
    {"degradation_fast_percent_per_year", &Thresholds::degradation_fast_percent_per_year, 0.1, 20},
    {"dc_share_advisory", &Thresholds::dc_share_advisory, 0, 1},
    {"dc_share_warning", &Thresholds::dc_share_warning, 0, 1},
    {"high_soc_dwell_hours", &Thresholds::high_soc_dwell_hours, 1, 720},
    {"high_soc_parked_share", &Thresholds::high_soc_parked_share, 0, 1},
    // Below the 10 % that counts a deep-discharge event.
    {"deep_discharge_warning_soc", &Thresholds::deep_discharge_warning_soc, 0, 10},
    {"cell_imbalance_advisory_mv", &Thresholds::cell_imbalance_advisory_mv, 1, 1000},
    {"cell_imbalance_warning_mv", &Thresholds::cell_imbalance_warning_mv, 1, 1000},
    {"lv_weak_v", &Thresholds::lv_weak_v, 10, 14},
    {"lv_check_now_v", &Thresholds::lv_check_now_v, 10, 14},
    {"tyre_low_percent", &Thresholds::tyre_low_percent, 1, 100},
    {"tyre_critical_percent", &Thresholds::tyre_critical_percent, 1, 100},
    {"pad_wear_percent", &Thresholds::pad_wear_percent, 0, 100},
    {"pad_km_to_limit", &Thresholds::pad_km_to_limit, 0, 100000},
    {"brake_fluid_low_percent", &Thresholds::brake_fluid_low_percent, 0, 100},
    {"maintenance_soon_km", &Thresholds::maintenance_soon_km, 0, 100000},
}};
constexpr std::array<IntKey, 6> kIntKeys{{
    {"deep_discharge_events", &Thresholds::deep_discharge_events, 0, 100},
    {"hot_charging_sessions", &Thresholds::hot_charging_sessions, 1, 100},
    // The period facts look back 60 days for a full charge.
    {"lfp_full_charge_days", &Thresholds::lfp_full_charge_days, 1, 60},
    {"maintenance_soon_days", &Thresholds::maintenance_soon_days, 0, 365},
    {"visit_invitation_from_months", &Thresholds::visit_invitation_from_months, 1, 120},
    {"visit_invitation_to_months", &Thresholds::visit_invitation_to_months, 1, 120},
}};

std::string fmt(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : std::to_string(v);
}

// Walks one JSON object, remembering the first problem with its key path.
class SectionReader {
 public:
  SectionReader(const json& obj, std::string path, std::optional<std::string>& error)
      : obj_(obj), path_(std::move(path)), error_(error) {}

  void fail(std::string_view key, const std::string& expected) {
    if (!error_) error_ = path_ + "." + std::string(key) + ": " + expected;
  }
  const json* find(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }
  void number(const char* key, double& out, double min, double max) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_number() || !(v->get<double>() >= min && v->get<double>() <= max)) {
      fail(key, "expected a number in " + fmt(min) + ".." + fmt(max));
      return;
    }
    out = v->get<double>();
  }
  void integer(const char* key, int& out, int min, int max) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_number_integer() || v->get<std::int64_t>() < min || v->get<std::int64_t>() > max) {
      fail(key, "expected an integer in " + std::to_string(min) + ".." + std::to_string(max));
      return;
    }
    out = static_cast<int>(v->get<std::int64_t>());
  }
  // `parse` returns what was expected when the string is not acceptable.
  void string(const char* key,
              const std::function<std::optional<std::string>(const std::string&)>& parse) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_string()) {
      fail(key, "expected a string");
      return;
    }
    if (auto why = parse(v->get_ref<const std::string&>())) fail(key, *why);
  }
  void object(const char* key, const std::function<void(SectionReader&)>& read) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_object()) {
      fail(key, "expected an object");
      return;
    }
    SectionReader child(*v, path_ + "." + key, error_);
    read(child);
    child.finish();
  }
  void finish() {
    for (const auto& [key, value] : obj_.items()) {
      if (!seen_.contains(key)) {
        fail(key, "unknown key (docs/configuration.md lists the keys)");
        return;
      }
    }
  }
  bool has(const char* key) const { return obj_.contains(key); }

 private:
  const json& obj_;
  std::string path_;
  std::optional<std::string>& error_;
  std::set<std::string, std::less<>> seen_;
};

std::optional<int> clockMinutes(const std::string& s) {
  auto two = [&](std::size_t pos) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + 2, v);
    if (ec != std::errc() || end != s.data() + pos + 2) return std::nullopt;
    return v;
  };
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const auto h = two(0), m = two(3);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

std::string clockText(int minutes) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf.data();
}

// IANA names look like "Asia/Shanghai", "America/Argentina/Buenos_Aires",
// "Etc/GMT+8": whether the zone exists is the engine's check (tzdata).
bool plausibleZone(const std::string& s) {
  if (s.empty()) return true;  // none: the fixed UTC offset
  if (s.size() > 64 || s.front() == '/' || s.back() == '/') return false;
  if (s.find("//") != std::string::npos || s.find("..") != std::string::npos) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// A pair of thresholds that must keep their order. Named by the key the
// section set (the one the sender can fix), the upper one when both or none.
void checkOrder(SectionReader& r, const char* lower_key, double lower, const char* upper_key,
                double upper, bool strict) {
  if (strict ? upper > lower : upper >= lower) return;
  if (r.has(lower_key) && !r.has(upper_key)) {
    r.fail(lower_key, std::string("expected ") + (strict ? "less than " : "at most ") + upper_key +
                          " (" + fmt(upper) + ")");
  } else {
    r.fail(upper_key, std::string("expected ") + (strict ? "more than " : "at least ") + lower_key +
                          " (" + fmt(lower) + ")");
  }
}

void readThresholds(SectionReader& r, Thresholds& t) {
  for (const auto& k : kRealKeys) r.number(k.name, t.*k.field, k.min, k.max);
  for (const auto& k : kIntKeys) r.integer(k.name, t.*k.field, k.min, k.max);
  checkOrder(r, "soh_low_percent", t.soh_low_percent, "soh_watch_percent", t.soh_watch_percent,
             false);
  checkOrder(r, "dc_share_advisory", t.dc_share_advisory, "dc_share_warning", t.dc_share_warning,
             true);
  checkOrder(r, "cell_imbalance_advisory_mv", t.cell_imbalance_advisory_mv,
             "cell_imbalance_warning_mv", t.cell_imbalance_warning_mv, true);
  checkOrder(r, "lv_check_now_v", t.lv_check_now_v, "lv_weak_v", t.lv_weak_v, true);
  checkOrder(r, "tyre_low_percent", t.tyre_low_percent, "tyre_critical_percent",
             t.tyre_critical_percent, true);
  checkOrder(r, "visit_invitation_from_months", t.visit_invitation_from_months,
             "visit_invitation_to_months", t.visit_invitation_to_months, true);
}

}  // namespace

Status<SettingsError> applySettings(const nlohmann::json& section, std::string_view where,
                                    EngagementSettings& settings) {
  if (!section.is_object())
    return fail(SettingsError::kInvalid, std::string(where) + ": expected an object");
  EngagementSettings next = settings;
  std::optional<std::string> error;
  SectionReader r(section, std::string(where), error);
  r.string("language", [&](const std::string& s) -> std::optional<std::string> {
    const auto language = languageFromName(s);
    if (!language) return "expected one of en, zh-CN";
    next.language = *language;
    return std::nullopt;
  });
  r.object("quiet_hours", [&](SectionReader& q) {
    for (auto [key, field] : {std::pair{"start", &EngagementSettings::quiet_start_minute},
                              std::pair{"end", &EngagementSettings::quiet_end_minute}}) {
      q.string(key, [&, field = field](const std::string& s) -> std::optional<std::string> {
        const auto minutes = clockMinutes(s);
        if (!minutes) return "expected a local time HH:MM";
        next.*field = *minutes;
        return std::nullopt;
      });
    }
  });
  r.string("time_zone", [&](const std::string& s) -> std::optional<std::string> {
    if (!plausibleZone(s)) return "expected an IANA time zone name such as Asia/Shanghai";
    next.time_zone = s;
    return std::nullopt;
  });
  r.integer("max_prompts_per_day", next.max_prompts_per_day, 0, 20);
  r.integer("cooldown_days", next.cooldown_days, 0, 365);
  r.integer("snooze_hours", next.snooze_hours, 1, 168);
  r.integer("expiry_days", next.expiry_days, 1, 365);
  r.object("thresholds", [&](SectionReader& t) { readThresholds(t, next.thresholds); });
  r.finish();
  if (error) return fail(SettingsError::kInvalid, *error);
  settings = std::move(next);
  return {};
}

nlohmann::json settingsToJson(const EngagementSettings& settings) {
  json thresholds = json::object();
  for (const auto& k : kRealKeys) thresholds[k.name] = settings.thresholds.*k.field;
  for (const auto& k : kIntKeys) thresholds[k.name] = settings.thresholds.*k.field;
  return json{
      {"language", languageName(settings.language)},
      {"quiet_hours",
       {{"start", clockText(settings.quiet_start_minute)},
        {"end", clockText(settings.quiet_end_minute)}}},
      {"time_zone", settings.time_zone},
      {"max_prompts_per_day", settings.max_prompts_per_day},
      {"cooldown_days", settings.cooldown_days},
      {"snooze_hours", settings.snooze_hours},
      {"expiry_days", settings.expiry_days},
      {"thresholds", std::move(thresholds)},
  };
}

}  // namespace crm::engagement
