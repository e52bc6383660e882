// The prompt lifecycle (docs/engagement.md): turns what the rules say holds
// into prompts, shows them when the delivery policy allows, and applies the
// driver's actions. Everything is persisted in the store's batch (prompts,
// lifecycle events); lifecycle events go to the outbox on `prompts` only
// with the driver's consent (privacy.share_prompt_history); an accepted
// booking prompt sends a service-request (the driver asked for it).
//
//  - A rule does not raise again while its prompt (rule, subject) is open.
//  - A condition that no longer holds withdraws its open prompt.
//  - Dismiss, accept and expiry start the cooldown (cooldown_days) during
//    which the same rule and subject stay quiet; withdrawal does not.
//  - Snooze hides it for snooze_hours, then it is delivered again.
//  - A prompt past its expiry is expired, never shown late.
//  - Waiting prompts are delivered most important first (severity, then
//    oldest), within the daily cap.
//  - A condition that changes while its prompt is open (a tyre from warning
//    to critical, a new figure) updates the prompt in place: same id, new
//    severity, words and detail. When the severity rises, the prompt is
//    delivered again as soon as the new severity's rules allow (a critical
//    one at once, even while moving; a snooze ends; one on screen stays
//    there meanwhile); when it falls, nothing is shown again.
//
// State lives in the store (open prompts, the day's deliveries): a new
// Engine over the same store after a restart carries on where the old one
// stopped.
//
// Threading: one thread, the store's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/result.h"
#include "crm/engagement/facts.h"
#include "crm/engagement/policy.h"
#include "crm/engagement/prompt.h"
#include "crm/engagement/settings.h"
#include "crm/store/store.h"

namespace crm::engagement {

enum class Action : std::uint8_t { kAccept, kSnooze, kDismiss };
std::optional<Action> actionFromName(std::string_view name);  // accept | snooze | dismiss

enum class ActionError : std::uint8_t {
  kUnknownPrompt,  // no such id (HMI: 404)
  kNotActionable,  // not delivered and open (HMI: 409)
  kStore,          // the store failed (HMI: 500): the caller drops the batch, or
                   // undoes the call in a unit (CommandLedger::beginUnit)
};

struct EngineAccess {
  store::PromptLedger& prompts;
  store::Outbox& outbox;
};

struct EngineOptions {
  std::string vin;
  bool share_prompt_history = false;  // privacy.share_prompt_history
};

// One lifecycle step, for replay's prompts.jsonl and the HMI's live stream.
struct LifecycleEvent {
  Prompt prompt;      // after the step
  std::string event;  // raised | delivered | accepted | snoozed | dismissed | expired | withdrawn
  std::int64_t ts_ms = 0;
};

class Engine {
 public:
  // Fails when the time zone is unknown (kInvalid).
  static Result<std::unique_ptr<Engine>, SettingsError> make(EngineAccess access,
                                                             EngineOptions options,
                                                             EngagementSettings settings,
                                                             int utc_offset_minutes);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies what holds at `now_ms`: raises, withdraws, expires, ends
  // snoozes, and delivers what the policy allows given `moving`. Every
  // change is staged in the store's batch. False on a store error (what was
  // staged is the caller's batch to drop or retry).
  bool evaluate(const std::vector<Condition>& holding, std::int64_t now_ms, bool moving);

  // The driver acts on a delivered prompt. Staged like evaluate(). Only a
  // delivered prompt not past its expiry is actionable; otherwise
  // kUnknownPrompt or kNotActionable, and nothing is staged.
  Status<ActionError> act(std::int64_t prompt_id, Action action, std::int64_t now_ms);

  // Prompts delivered and open now (the HMI's list), most important first.
  Result<std::vector<Prompt>, store::StoreError> visible() const;
  // What the driver may see at `now_ms`: the delivered, open prompts not yet
  // past their expiry and, while the car moves, only the critical ones (a
  // card shown while parked is hidden when the car drives off).
  Result<std::vector<Prompt>, store::StoreError> shownNow(std::int64_t now_ms, bool moving) const;

  // Every lifecycle step, as it is staged.
  void onEvent(std::function<void(const LifecycleEvent&)> fn);

  void setSettings(EngagementSettings settings);  // REQUIRES: zone already checked
  void setShareHistory(bool share);
  // The customer profile: its language and dealer go into service-requests
  // (without one: settings().language and a null dealer).
  void setProfile(Profile profile);
  // The VIN the messages carry (a recording's vehicle line may set it).
  void setVin(std::string vin);
  // Re-reads which prompts are open. After the prompt history was erased
  // (the erase command), the keys kept from the last evaluation name prompts
  // that no longer exist: the rules' hysteresis must not take them as open.
  // False on a read failure (the last known keys stay).
  bool reload();

  // The (rule, subject) of every open prompt, as of the last evaluate() or
  // act(): the rules' hysteresis reads it (Facts::open).
  const std::set<std::pair<std::string, std::string>>& openKeys() const;
  const EngagementSettings& settings() const;
  const LocalTime& localTime() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crm::engagement
