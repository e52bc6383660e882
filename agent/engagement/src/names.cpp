// The stable names of severities, states, languages, tiers and actions.
#include <array>
#include <string_view>

#include "crm/engagement/engine.h"
#include "crm/engagement/facts.h"
#include "crm/engagement/prompt.h"

namespace crm::engagement {
namespace {

constexpr std::array<const char*, 4> kSeverities{"info", "advisory", "warning", "critical"};
constexpr std::array<const char*, 7> kStates{"raised",    "delivered", "accepted", "snoozed",
                                             "dismissed", "expired",   "withdrawn"};
constexpr std::array<const char*, 2> kLanguages{"en", "zh-CN"};
constexpr std::array<const char*, 3> kTiers{"basic", "middle", "high"};
constexpr std::array<const char*, 3> kActions{"accept", "snooze", "dismiss"};

template <class E, std::size_t N>
std::optional<E> find(const std::array<const char*, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* severityName(Severity severity) {
  return kSeverities[static_cast<std::size_t>(severity)];
}
std::optional<Severity> severityFromName(std::string_view name) {
  return find<Severity>(kSeverities, name);
}

const char* stateName(PromptState state) {
  return kStates[static_cast<std::size_t>(state)];
}
std::optional<PromptState> stateFromName(std::string_view name) {
  return find<PromptState>(kStates, name);
}
bool isOpen(PromptState state) {
  return state == PromptState::kRaised || state == PromptState::kDelivered ||
         state == PromptState::kSnoozed;
}

const char* languageName(Language language) {
  return kLanguages[static_cast<std::size_t>(language)];
}
std::optional<Language> languageFromName(std::string_view name) {
  return find<Language>(kLanguages, name);
}

const char* tierName(Tier tier) {
  return kTiers[static_cast<std::size_t>(tier)];
}
std::optional<Tier> tierFromName(std::string_view name) {
  return find<Tier>(kTiers, name);
}

std::optional<Action> actionFromName(std::string_view name) {
  return find<Action>(kActions, name);
}

}  // namespace crm::engagement
