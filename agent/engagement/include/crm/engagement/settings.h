// Engagement settings: the configuration's `engagement` section, also what
// the CRM's `config` command may change (docs/configuration.md). Every
// threshold of every rule lives here with its default (sources in
// docs/domain-facts.md §3–4); applySettings validates them all.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "crm/common/result.h"
#include "crm/engagement/prompt.h"

namespace crm::engagement {

struct Thresholds {
  // battery
  double soh_low_percent = 80;                     // warning below
  double soh_watch_percent = 85;                   // advisory below
  double degradation_fast_percent_per_year = 3.0;  // advisory above (fleet: 2.3)
  double dc_share_advisory = 0.12;                 // of charged energy, 30 days
  double dc_share_warning = 0.40;
  double high_soc_dwell_hours = 8;        // parked above 90 % at a stretch
  double high_soc_parked_share = 0.30;    // of parked time above 90 %, 30 days
  int deep_discharge_events = 2;          // advisory above this many below 10 %, 30 days
  double deep_discharge_warning_soc = 5;  // warning when SOC fell below
  int hot_charging_sessions = 1;          // advisory at this many above 45 °C, 30 days
  double cell_imbalance_advisory_mv = 50;
  double cell_imbalance_warning_mv = 100;
  int lfp_full_charge_days = 7;  // LFP: a full charge at least this often
  // 12 V battery, resting voltage
  double lv_weak_v = 12.2;       // advisory below
  double lv_check_now_v = 11.8;  // warning below
  // tyres, percent below placard
  double tyre_low_percent = 20;       // warning
  double tyre_critical_percent = 35;  // critical (may show while driving)
  // brakes
  double pad_wear_percent = 80;         // advisory at or above
  double pad_km_to_limit = 2000;        // or when the limit is this close
  double brake_fluid_low_percent = 50;  // critical below
  // maintenance: "due soon" this close to the due point, then "overdue"
  int maintenance_soon_days = 30;
  double maintenance_soon_km = 1000;
  // engagement.visit_invitation: last visit this many months ago
  int visit_invitation_from_months = 9;
  int visit_invitation_to_months = 12;

  bool operator==(const Thresholds&) const = default;
};

struct EngagementSettings {
  Language language = Language::kEn;  // until the CRM's customer-profile says otherwise
  // Quiet hours in the car's local time, minutes after midnight; start > end
  // spans midnight. start == end: none.
  int quiet_start_minute = 22 * 60;
  int quiet_end_minute = 7 * 60;
  // IANA time zone name for local time (quiet hours, the daily cap, the
  // appointment's day before). Empty: UTC plus storage's fixed offset.
  std::string time_zone;
  int max_prompts_per_day = 3;  // non-critical deliveries per local day
  int cooldown_days = 30;       // after dismiss (and accept, expiry)
  int snooze_hours = 24;
  int expiry_days = 14;  // a prompt's default lifetime when its rule sets none
  Thresholds thresholds;

  bool operator==(const EngagementSettings&) const = default;
};

enum class SettingsError : std::uint8_t { kInvalid };

// Applies the keys present in `section` (a JSON object) over `settings`.
// Unknown keys and bad values are errors naming "<where>.<key>: <expected>";
// on error `settings` is unchanged. Used by the configuration file (where =
// "engagement") and by the config command (where = "body").
Status<SettingsError> applySettings(const nlohmann::json& section, std::string_view where,
                                    EngagementSettings& settings);

// The settings as a JSON object in the same shape applySettings reads (the
// config command persists this; the technician's config view shows it).
nlohmann::json settingsToJson(const EngagementSettings& settings);

}  // namespace crm::engagement
