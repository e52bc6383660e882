// The built-in rules (rule ids in docs/engagement.md): each a small
// declarative definition — id, severity, condition over the facts, subject,
// words in both languages, expiry, call to action — with its thresholds in
// EngagementSettings. A rule only says what holds now; the engine decides
// whether that raises, keeps, or withdraws a prompt, and when it is shown.
//
// Threading: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "crm/engagement/facts.h"
#include "crm/engagement/prompt.h"
#include "crm/engagement/settings.h"

namespace crm::engagement {

// Every condition that holds now, from every rule, worded for `tier`
// (tiers change the offer, never the facts). Cheap: no store access.
std::vector<Condition> evaluateRules(const Facts& facts, const EngagementSettings& settings,
                                     Tier tier);

// The ids of the built-in rules (campaign.<id> is one family).
const std::vector<std::string_view>& builtinRuleIds();

}  // namespace crm::engagement
