// Driver prompts as values: what a rule says is true now (Condition), and a
// prompt with its lifecycle (Prompt). Names here are part of the contract:
// rule ids (docs/engagement.md), severities and lifecycle states appear in
// prompts.jsonl, on the prompts topic and in the HMI API.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::engagement {

// Ordered: a larger value is more important. Stable names (severityName).
enum class Severity : std::uint8_t { kInfo, kAdvisory, kWarning, kCritical };
const char* severityName(Severity severity);
std::optional<Severity> severityFromName(std::string_view name);

// raised -> delivered -> accepted | snoozed | dismissed | expired | withdrawn;
// snoozed -> delivered again when the snooze ends. Open: raised, delivered,
// snoozed. Stable names (stateName).
enum class PromptState : std::uint8_t {
  kRaised,
  kDelivered,
  kAccepted,
  kSnoozed,
  kDismissed,
  kExpired,
  kWithdrawn,
};
const char* stateName(PromptState state);
std::optional<PromptState> stateFromName(std::string_view name);
bool isOpen(PromptState state);

enum class Language : std::uint8_t { kEn, kZhCn };
const char* languageName(Language language);  // "en" | "zh-CN"
std::optional<Language> languageFromName(std::string_view name);

// A text in both languages the product speaks.
struct Text {
  std::string en;
  std::string zh;
  const std::string& in(Language language) const { return language == Language::kEn ? en : zh; }
  bool operator==(const Text&) const = default;
};

// What one rule says holds now, for one subject. Rules produce these; the
// engine turns them into prompts (or leaves an open prompt alone).
struct Condition {
  std::string rule;     // rule id, e.g. "tyres.pressure_low", "campaign.R-2026-11"
  std::string subject;  // tyre position, DTC, maintenance item; empty when the rule has one
  Severity severity = Severity::kInfo;
  Text title, message;
  // Absolute expiry (epoch ms), or 0: the rule's default lifetime from raise
  // (EngagementSettings::expiry_days) applies.
  std::int64_t expires_ms = 0;
  // "Accept" asks the dealer for a booking: a service-request goes out.
  bool booking = false;
  // Never held back by the daily cap (a safety recall).
  bool uncapped = false;
  // The figures behind the words, a JSON object (the prompts message and the
  // service-request carry it): {"pressure_kpa": 210, "placard_kpa": 290}.
  std::string detail_json = "{}";

  bool operator==(const Condition&) const = default;
};

// A prompt as the engine keeps it (persisted in the store's prompts table).
struct Prompt {
  std::int64_t id = 0;  // the store's row id; the HMI addresses prompts by it
  std::string rule, subject;
  Severity severity = Severity::kInfo;
  PromptState state = PromptState::kRaised;
  Text title, message;
  bool booking = false;
  bool uncapped = false;
  std::string detail_json = "{}";
  std::int64_t raised_ms = 0;
  std::int64_t expires_ms = 0;                // 0: never
  std::optional<std::int64_t> delivered_ms;   // first delivery
  std::int64_t state_ms = 0;                  // when the current state began
  std::optional<std::int64_t> snoozed_until;  // while snoozed
};

}  // namespace crm::engagement
