// The scenario suite's checks on the driver's prompts: a scenario's
// "prompts" block against the replay's prompts.jsonl, and properties every
// replay must have (report.json's prompts{} agrees with prompts.jsonl; an
// LFP full-charge reminder is not shown after the full charge it asks for).
//
// The "prompts" block of tests/scenarios/NAME.json (every key optional):
//
//   "raised":  [{"rule", "subject", "severity", "delivered"}]
//       each: at least one prompt with every field given ("delivered": true
//       means it reached the driver, false that it never did);
//   "never":   ["battery.", "tyres.slow_leak", {"rule", "subject"}]
//       no such prompt raised (a rule id ending in "." names a family);
//   "never_delivered": [same forms]
//       no such prompt reached the driver;
//   "max_per_rule": N or {"rule": N}
//       at most N prompts of one rule id over the whole recording;
//   "known_issues": {"rule": "why"}
//       a strict expected failure: a check about that rule that fails is
//       printed, not failed; one that passes fails the test, so the entry is
//       removed once the rule is fixed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace crm::testing {

// Checks `scenario["prompts"]` and the properties against the replay's
// outputs in `out_dir` (prompts.jsonl, report.json, outbox.jsonl).
// `name` labels the failures.
void expectPrompts(const nlohmann::json& scenario, const std::string& out_dir,
                   const std::string& name);

}  // namespace crm::testing
