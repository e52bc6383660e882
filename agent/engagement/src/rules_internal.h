// What the rule families share: the evaluation's inputs, how a condition
// is assembled, and hysteresis. Private to engagement.
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crm/engagement/facts.h"
#include "crm/engagement/rules.h"
#include "crm/engagement/settings.h"
#include "words.h"

namespace crm::engagement::detail {

struct RuleInput {
  const Facts& facts;
  const Thresholds& t;
  Tier tier;
  std::vector<Condition>& out;

  // Whether the engine holds an open prompt for (rule, subject): rules with
  // hysteresis keep holding it until the value is clearly back.
  bool open(std::string_view rule, std::string_view subject = {}) const;
  // The period's report, or null before the first day's facts.
  const reports::HealthReport* report() const {
    return facts.period != nullptr ? &facts.period->report : nullptr;
  }
};

// Holds when `value` is past `raise_at` (`above`: greater than it; else
// below it), or, while the prompt is open, still past `clear_at`.
bool holdsAbove(double value, double raise_at, double clear_at, bool was_open);
bool holdsBelow(double value, double raise_at, double clear_at, bool was_open);

// Appends a condition. A booking prompt carries the tier's offer: in
// detail_json ("offer", "tier"), and in the message where it fits.
void emit(const RuleInput& in, std::string rule, std::string subject, Severity severity,
          words::Words words, nlohmann::json detail, bool booking, std::int64_t expires_ms = 0);

// Rounds for detail_json, as the report does.
double roundTo(double v, int decimals);

void batteryRules(const RuleInput& in);
void chassisRules(const RuleInput& in);  // 12 V battery, tyres, brakes, fault codes
void serviceRules(const RuleInput& in);  // maintenance, campaigns, appointments, report, visit

}  // namespace crm::engagement::detail
