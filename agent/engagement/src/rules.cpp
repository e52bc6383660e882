// evaluateRules: every rule family over the same facts, and the pieces
// they share (hysteresis, assembling a condition with its tier offer).
#include "crm/engagement/rules.h"

#include <cmath>

#include "rules_internal.h"

namespace crm::engagement {
namespace detail {

bool RuleInput::open(std::string_view rule, std::string_view subject) const {
  if (facts.open == nullptr) return false;
  // std::set<std::pair<std::string, std::string>> has no heterogeneous
  // lookup; rules are few and so are open prompts.
  return facts.open->contains({std::string(rule), std::string(subject)});
}

bool holdsAbove(double value, double raise_at, double clear_at, bool was_open) {
  return value > raise_at || (was_open && value > clear_at);
}

bool holdsBelow(double value, double raise_at, double clear_at, bool was_open) {
  return value < raise_at || (was_open && value < clear_at);
}

double roundTo(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

void emit(const RuleInput& in, std::string rule, std::string subject, Severity severity,
          words::Words words, nlohmann::json detail, bool booking, std::int64_t expires_ms) {
  Condition c;
  c.rule = std::move(rule);
  c.subject = std::move(subject);
  c.severity = severity;
  c.title = std::move(words.title);
  c.message = std::move(words.message);
  c.booking = booking;
  c.expires_ms = expires_ms;
  if (booking) {
    detail["offer"] = words::offerCode(in.tier);
    detail["tier"] = tierName(in.tier);
    // The visit invitation's words are the offer itself; a critical prompt
    // may show while driving, so it says only what matters now.
    if (c.rule != "engagement.visit_invitation" && severity != Severity::kCritical)
      words::addOffer(c.message, in.tier);
  }
  c.detail_json = detail.dump();
  in.out.push_back(std::move(c));
}

}  // namespace detail

std::vector<Condition> evaluateRules(const Facts& facts, const EngagementSettings& settings,
                                     Tier tier) {
  std::vector<Condition> out;
  const detail::RuleInput in{facts, settings.thresholds, tier, out};
  detail::batteryRules(in);
  detail::chassisRules(in);
  detail::serviceRules(in);
  return out;
}

const std::vector<std::string_view>& builtinRuleIds() {
  // Stable: docs/engagement.md lists them; campaign.<campaign_id> is the one
  // family whose ids come from the CRM.
  static const std::vector<std::string_view> kIds{
      "battery.soh_low",
      "battery.degradation_fast",
      "battery.dc_fast_share",
      "battery.high_soc_dwell",
      "battery.deep_discharge",
      "battery.hot_charging",
      "battery.cell_imbalance",
      "battery.lfp_full_charge_due",
      "lv_battery.weak",
      "tyres.pressure_low",
      "tyres.slow_leak",
      "brakes.pads_worn",
      "brakes.fluid_low",
      "dtc.active",
      "maintenance.tire_rotation",
      "maintenance.cabin_filter",
      "maintenance.brake_fluid",
      "maintenance.ac_desiccant",
      "maintenance.annual_inspection",
      "appointment.reminder",
      "report.ready",
      "engagement.visit_invitation",
  };
  return kIds;
}

}  // namespace crm::engagement
