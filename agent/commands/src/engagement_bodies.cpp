#include "engagement_bodies.h"

#include <array>
#include <string_view>

#include "crm/common/input_limits.h"
#include "crm/engagement/prompt.h"

namespace crm::commands {
namespace {

using nlohmann::json;

// Code points in valid UTF-8 text, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> codePoints(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
    }
    i += len;
    ++n;
  }
  return n;
}

// An identifier the CRM chose: it becomes part of a rule id and a log line,
// so only a plain alphabet.
bool isPlainId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A required string field of 1..max_chars code points: the reason, if not.
std::optional<std::string> text(const json& body, const std::string& where, const char* key,
                                std::size_t max_chars, std::string& out) {
  const std::string name = where + "." + key;
  const std::string expected =
      "expected a non-empty string of at most " + std::to_string(max_chars) + " characters";
  const auto it = body.find(key);
  if (it == body.end()) return name + ": missing (" + expected + ")";
  const auto n = it->is_string() ? codePoints(it->get_ref<const std::string&>()) : std::nullopt;
  if (!n || *n == 0 || *n > max_chars) return name + ": " + expected;
  out = it->get<std::string>();
  return std::nullopt;
}

// A localised text {"en": ..., "zh-CN": ...}: both languages required, as
// the driver may switch.
std::optional<std::string> localised(const json& body, const char* key, std::size_t max_chars,
                                     std::string& en, std::string& zh) {
  const std::string name = std::string("body.") + key;
  const auto it = body.find(key);
  if (it == body.end()) return name + ": missing (expected {\"en\": ..., \"zh-CN\": ...})";
  if (!it->is_object()) return name + ": expected an object {\"en\": ..., \"zh-CN\": ...}";
  for (const auto& [k, v] : it->items()) {
    if (k != "en" && k != "zh-CN") {
      return name + ": unknown language" + (k.size() <= 16 ? " '" + k + "'" : std::string()) +
             " (expected en and zh-CN)";
    }
  }
  if (auto bad = text(*it, name, "en", max_chars, en)) return bad;
  return text(*it, name, "zh-CN", max_chars, zh);
}

std::variant<std::int64_t, std::string> time(const json& body, const char* key) {
  const std::string name = std::string("body.") + key;
  const auto it = body.find(key);
  if (it == body.end()) return name + ": missing (expected an integer, epoch ms)";
  if (!it->is_number_integer() || !input::isPlausibleTimeMs(it->get<std::int64_t>()))
    return name + ": expected an integer, epoch ms, within " + std::string(input::kTimeRangeText);
  return it->get<std::int64_t>();
}

std::optional<std::string> unknownKeys(const json& body,
                                       std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : body.items()) {
    bool known = false;
    for (auto key : keys) known = known || k == key;
    if (!known) {
      return "body." + (k.size() <= 40 ? k : k.substr(0, 40) + "...") + ": unknown field";
    }
  }
  return std::nullopt;
}

// Text limits: a campaign's words must fit the glance budget the built-in
// prompts keep (docs/engagement.md, "Words"), with some slack for the CRM.
constexpr std::size_t kTitleChars = 60;
constexpr std::size_t kMessageChars = 200;

}  // namespace

std::variant<store::CampaignRecord, std::string> parseCampaign(const json& body,
                                                               std::int64_t issued_at) {
  store::CampaignRecord c;
  const auto id = body.find("campaign_id");
  if (id == body.end() || !id->is_string() || !isPlainId(id->get_ref<const std::string&>())) {
    return std::string("body.campaign_id: ") + (id == body.end() ? "missing (" : "") +
           "expected 1..64 characters of A-Z a-z 0-9 . _ -" + (id == body.end() ? ")" : "");
  }
  c.campaign_id = id->get<std::string>();
  const auto kind = body.find("kind");
  if (kind == body.end() || !kind->is_string() ||
      (*kind != "recall" && *kind != "service" && *kind != "offer"))
    return "body.kind: expected \"recall\", \"service\" or \"offer\"";
  c.kind = kind->get<std::string>();
  const auto sev = body.find("severity");
  const auto severity = sev != body.end() && sev->is_string()
                            ? engagement::severityFromName(sev->get_ref<const std::string&>())
                            : std::nullopt;
  // Only the car's own safety findings may interrupt driving: a campaign is
  // at most a warning, shown when parked.
  if (!severity || *severity == engagement::Severity::kCritical)
    return "body.severity: expected \"info\", \"advisory\" or \"warning\"";
  // A warning is shown in quiet hours: an offer never is.
  if (c.kind == "offer" && *severity == engagement::Severity::kWarning)
    return "body.severity: an offer is \"info\" or \"advisory\"";
  c.severity = engagement::severityName(*severity);
  if (auto bad = localised(body, "title", kTitleChars, c.title_en, c.title_zh)) return *bad;
  if (auto bad = localised(body, "message", kMessageChars, c.message_en, c.message_zh)) return *bad;
  auto until = time(body, "valid_until");
  if (auto* why = std::get_if<std::string>(&until)) return *why;
  c.valid_until = std::get<std::int64_t>(until);
  if (c.valid_until <= issued_at) return "body.valid_until: expected a time after issued_at";
  return c;
}

std::variant<store::AppointmentRecord, std::string> parseAppointment(const json& body,
                                                                     std::int64_t issued_at) {
  store::AppointmentRecord a;
  const auto id = body.find("appointment_id");
  if (id == body.end() || !id->is_string() || !isPlainId(id->get_ref<const std::string&>()))
    return "body.appointment_id: expected 1..64 characters of A-Z a-z 0-9 . _ -";
  a.appointment_id = id->get<std::string>();
  auto at = time(body, "at");
  if (auto* why = std::get_if<std::string>(&at)) return *why;
  a.at_ms = std::get<std::int64_t>(at);
  if (a.at_ms <= issued_at) return "body.at: expected a time after issued_at";
  if (auto bad = text(body, "body", "dealer_name", 80, a.dealer_name)) return *bad;
  const auto items = body.find("items");
  if (items == body.end() || !items->is_array() || items->size() > 20)
    return "body.items: expected an array of at most 20 strings";
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    const auto n = item.is_string() ? codePoints(item.get_ref<const std::string&>()) : std::nullopt;
    if (!n || *n == 0 || *n > 64)
      return "body.items[" + std::to_string(i) +
             "]: expected a non-empty string of at most 64 characters";
    a.items.push_back(item.get<std::string>());
  }
  return a;
}

std::variant<ProfileBody, std::string> parseCustomerProfile(const json& body) {
  ProfileBody p;
  const auto tier = body.find("tier");
  if (tier == body.end() || !tier->is_string() ||
      (*tier != "basic" && *tier != "middle" && *tier != "high"))
    return "body.tier: expected \"basic\", \"middle\" or \"high\"";
  p.tier = tier->get<std::string>();
  const auto lang = body.find("language");
  if (lang == body.end() || !lang->is_string() ||
      !engagement::languageFromName(lang->get_ref<const std::string&>()))
    return "body.language: expected \"en\" or \"zh-CN\"";
  p.language = lang->get<std::string>();
  const auto dealer = body.find("dealer_id");
  if (dealer == body.end() || !dealer->is_string() ||
      !isPlainId(dealer->get_ref<const std::string&>()))
    return "body.dealer_id: expected 1..64 characters of A-Z a-z 0-9 . _ -";
  p.dealer_id = dealer->get<std::string>();
  return p;
}

std::variant<json, std::string> parseConfig(const json& body,
                                            const engagement::EngagementSettings& current) {
  // Unlike other bodies, unknown keys are refused here: a misspelt threshold
  // silently ignored would leave the driver nagged. The CRM tunes how often
  // and when; the language is the profile's and the time zone the car's own.
  if (auto bad = unknownKeys(body, {"thresholds", "quiet_hours", "max_prompts_per_day",
                                    "cooldown_days", "snooze_hours", "expiry_days"}))
    return *bad +
           " (the CRM may set thresholds, quiet_hours, max_prompts_per_day, "
           "cooldown_days, snooze_hours, expiry_days)";
  if (body.empty()) return std::string("body: expected at least one setting");
  // The edges at which a finding may interrupt driving are the car's own
  // safety settings, not the dealer's to move.
  if (const auto t = body.find("thresholds"); t != body.end() && t->is_object()) {
    for (const char* key : {"tyre_critical_percent", "brake_fluid_low_percent"}) {
      if (t->contains(key)) {
        return std::string("body.thresholds.") + key +
               ": a safety threshold (it decides what shows while driving); set it in the "
               "car's configuration";
      }
    }
  }
  engagement::EngagementSettings copy = current;
  if (auto st = engagement::applySettings(body, "body", copy); !st) return st.error().message;
  return body;
}

}  // namespace crm::commands
