// The prompt lifecycle (docs/engagement.md). Every step is staged in the
// store's batch: the prompt's row, a prompt_events row, and with the
// driver's consent a message on `prompts`. Nothing essential is kept in
// memory: open prompts and the day's deliveries are read from the store at
// each evaluation, so a restart changes nothing.
#include "crm/engagement/engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "prompt_records.h"

namespace crm::engagement {
namespace {

using Key = std::pair<std::string, std::string>;  // (rule, subject)
constexpr std::int64_t kHour = 3'600'000;

bool pastExpiry(const Prompt& p, std::int64_t now_ms) {
  return p.expires_ms != 0 && now_ms >= p.expires_ms;
}

// Raised and not yet shown, or back from a snooze.
bool waiting(const Prompt& p, std::int64_t now_ms) {
  if (p.state == PromptState::kRaised) return true;
  return p.state == PromptState::kSnoozed && (!p.snoozed_until || *p.snoozed_until <= now_ms);
}

// Dismiss and accept start the cooldown; so does expiry, but only of a
// prompt the driver saw (one that expired waiting was never heard). A
// critical finding is never silenced by an earlier answer: a tyre fixed and
// flat again is a new danger.
bool startsCooldown(PromptState state, Severity severity, bool delivered) {
  if (severity == Severity::kCritical) return false;
  return state == PromptState::kDismissed || state == PromptState::kAccepted ||
         (state == PromptState::kExpired && delivered);
}

// Most important first: severity, then the oldest, then the first raised.
bool moreImportant(const Prompt& a, const Prompt& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.raised_ms != b.raised_ms) return a.raised_ms < b.raised_ms;
  return a.id < b.id;
}

// Takes the condition's words, figures and flags; true when anything
// changed. The severity only rises while the prompt is open: a value
// hovering at the critical edge must not deliver it again at each crossing.
bool takeCondition(Prompt& p, const Condition& c) {
  const std::int64_t expires = c.expires_ms != 0 ? c.expires_ms : p.expires_ms;
  const Severity severity = std::max(p.severity, c.severity);
  if (p.severity == severity && p.title == c.title && p.message == c.message &&
      p.detail_json == c.detail_json && p.booking == c.booking && p.uncapped == c.uncapped &&
      p.expires_ms == expires) {
    return false;
  }
  p.severity = severity;
  p.title = c.title;
  p.message = c.message;
  p.detail_json = c.detail_json;
  p.booking = c.booking;
  p.uncapped = c.uncapped;
  p.expires_ms = expires;
  return true;
}

}  // namespace

struct Engine::Impl {
  EngineAccess access;
  EngineOptions options;
  EngagementSettings settings;
  int utc_offset_minutes = 0;
  LocalTime local;
  Profile profile;
  std::function<void(const LifecycleEvent&)> on_event;
  std::set<Key> open_keys;

  Impl(EngineAccess a, EngineOptions o, EngagementSettings s, int offset, LocalTime l)
      : access(a),
        options(std::move(o)),
        settings(std::move(s)),
        utc_offset_minutes(offset),
        local(l) {}

  // Stages the step: the event row and, with consent, the prompts message.
  Status<store::StoreError> record(const Prompt& p, const char* event, std::int64_t now_ms) {
    if (auto st = access.prompts.addPromptEvent({p.id, now_ms, event}); !st) return st;
    if (options.share_prompt_history) {
      auto queued = access.outbox.enqueue(wire::Kind::kPrompts, options.vin, now_ms,
                                          promptsBody(p, event, now_ms));
      if (!queued) return queued.error();
    }
    return {};
  }

  void emit(const Prompt& p, const char* event, std::int64_t now_ms) const {
    if (on_event) on_event(LifecycleEvent{p, event, now_ms});
  }

  // Moves the prompt to `state` and stages it with its event; emits nothing.
  Status<store::StoreError> change(Prompt& p, PromptState state, const char* event,
                                   std::int64_t now_ms) {
    p.state = state;
    p.state_ms = now_ms;
    if (state != PromptState::kSnoozed) p.snoozed_until.reset();
    if (auto st = access.prompts.updatePrompt(toRecord(p)); !st) return st;
    return record(p, event, now_ms);
  }

  bool step(Prompt& p, PromptState state, const char* event, std::int64_t now_ms) {
    if (auto st = change(p, state, event, now_ms); !st) {
      log::error("engagement: prompt {} {}: {}", p.id, event, st.error().message);
      return false;
    }
    emit(p, event, now_ms);
    return true;
  }

  // Re-reads which keys are open (a small indexed read); on a failed read
  // the last known set stays, which errs towards keeping a prompt.
  bool refreshOpenKeys() {
    auto open = openPrompts();
    if (!open) return false;
    open_keys.clear();
    for (const auto& p : *open) open_keys.emplace(p.rule, p.subject);
    return true;
  }

  Result<std::vector<Prompt>, store::StoreError> openPrompts() const {
    auto records = access.prompts.openPrompts();
    if (!records) return records.error();
    std::vector<Prompt> out;
    for (const auto& r : *records) {
      if (auto p = fromRecord(r)) {
        out.push_back(std::move(*p));
      } else {
        log::warn(
            "engagement: prompt {} has a severity or state this agent does not know; "
            "left alone",
            r.id);
      }
    }
    return out;
  }

  // The key's latest prompt closed by the driver or by expiry less than
  // cooldown_days ago: the rule stays quiet for that subject.
  Result<bool, store::StoreError> inCooldown(const Condition& c, std::int64_t now_ms) const {
    auto latest = access.prompts.latestPrompt(c.rule, c.subject);
    if (!latest) return latest.error();
    if (!latest->has_value()) return false;
    const auto state = stateFromName((*latest)->state);
    const auto severity = severityFromName((*latest)->severity);
    if (!state || !severity ||
        !startsCooldown(*state, *severity, (*latest)->delivered_ms.has_value())) {
      return false;
    }
    return now_ms - (*latest)->state_ms <
           static_cast<std::int64_t>(settings.cooldown_days) * civil::kMsPerDay;
  }

  // Raises a prompt for `c` unless it is in cooldown or already past its
  // expiry. Appends the new prompt to `waiting_now`.
  bool raise(const Condition& c, std::int64_t now_ms, std::vector<Prompt>& waiting_now) {
    if (c.expires_ms != 0 && c.expires_ms <= now_ms) return true;
    auto cooling = inCooldown(c, now_ms);
    if (!cooling) {
      log::error("engagement: {}", cooling.error().message);
      return false;
    }
    if (*cooling) return true;
    Prompt p;
    p.rule = c.rule;
    p.subject = c.subject;
    takeCondition(p, c);
    p.state = PromptState::kRaised;
    p.raised_ms = now_ms;
    p.state_ms = now_ms;
    if (c.expires_ms == 0 && settings.expiry_days > 0) {
      p.expires_ms = now_ms + static_cast<std::int64_t>(settings.expiry_days) * civil::kMsPerDay;
    }
    auto id = access.prompts.addPrompt(toRecord(p));
    if (!id) {
      log::error("engagement: raising {}: {}", c.rule, id.error().message);
      return false;
    }
    p.id = *id;
    if (auto st = record(p, "raised", now_ms); !st) {
      log::error("engagement: prompt {} raised: {}", p.id, st.error().message);
      return false;
    }
    emit(p, "raised", now_ms);
    waiting_now.push_back(std::move(p));
    return true;
  }

  // Delivers what the policy allows, most important first, within the cap.
  bool deliver(std::vector<Prompt>& candidates, std::int64_t now_ms, bool moving) {
    std::sort(candidates.begin(), candidates.end(), moreImportant);
    const bool quiet = inQuietHours(settings, local, now_ms);
    std::optional<std::int64_t> used;  // capped deliveries today, read when first needed
    for (auto& p : candidates) {
      if (!mayShow(p.severity, moving, quiet)) continue;
      if (p.severity != Severity::kCritical && !p.uncapped) {
        if (!used) {
          auto counted = access.prompts.cappedDeliveries(local.dayStart(now_ms), now_ms + 1);
          if (!counted) {
            log::error("engagement: {}", counted.error().message);
            return false;
          }
          used = *counted;
        }
        if (*used >= settings.max_prompts_per_day) continue;
        ++*used;
      }
      if (!p.delivered_ms) p.delivered_ms = now_ms;
      if (!step(p, PromptState::kDelivered, "delivered", now_ms)) return false;
    }
    return true;
  }
};

Result<std::unique_ptr<Engine>, SettingsError> Engine::make(EngineAccess access,
                                                            EngineOptions options,
                                                            EngagementSettings settings,
                                                            int utc_offset_minutes) {
  auto local = LocalTime::make(settings.time_zone, utc_offset_minutes);
  if (!local) return local.error();
  auto engine = std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(
      access, std::move(options), std::move(settings), utc_offset_minutes, *local)));
  (void)engine->impl_->refreshOpenKeys();
  return engine;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

bool Engine::evaluate(const std::vector<Condition>& holding, std::int64_t now_ms, bool moving) {
  Impl& im = *impl_;
  auto open = im.openPrompts();
  if (!open) {
    log::error("engagement: {}", open.error().message);
    return false;
  }
  // One condition per key: the most severe, if a rule said two things.
  std::map<Key, const Condition*> wanted;
  for (const auto& c : holding) {
    auto [it, fresh] = wanted.try_emplace(Key{c.rule, c.subject}, &c);
    if (!fresh && c.severity > it->second->severity) it->second = &c;
  }

  std::vector<Prompt> candidates;
  std::set<Key> covered;
  for (auto& p : *open) {
    Key key{p.rule, p.subject};
    const auto it = wanted.find(key);
    if (it == wanted.end()) {
      // Gone: expired if its time is up (never shown late), else withdrawn.
      const bool expired = pastExpiry(p, now_ms);
      if (!im.step(p, expired ? PromptState::kExpired : PromptState::kWithdrawn,
                   expired ? "expired" : "withdrawn", now_ms)) {
        return false;
      }
      continue;
    }
    covered.insert(std::move(key));
    const Severity before = p.severity;
    const bool changed = takeCondition(p, *it->second);
    if (pastExpiry(p, now_ms)) {
      if (!im.step(p, PromptState::kExpired, "expired", now_ms)) return false;
      continue;
    }
    // Worse than when shown: told again under the new severity's rules. A
    // snooze ends; a prompt on screen stays there until it can be.
    const bool worse = p.severity > before;
    if (worse && p.state == PromptState::kSnoozed) p.snoozed_until = now_ms;
    if (changed) {
      if (auto st = im.access.prompts.updatePrompt(toRecord(p)); !st) {
        log::error("engagement: prompt {} update: {}", p.id, st.error().message);
        return false;
      }
    }
    if (waiting(p, now_ms) || (worse && p.state == PromptState::kDelivered)) {
      candidates.push_back(p);
    }
  }

  for (const auto& c : holding) {
    const Key key{c.rule, c.subject};
    if (wanted.at(key) != &c || covered.count(key) != 0) continue;
    covered.insert(key);
    if (!im.raise(c, now_ms, candidates)) return false;
  }
  const bool delivered = im.deliver(candidates, now_ms, moving);
  return im.refreshOpenKeys() && delivered;
}

Status<ActionError> Engine::act(std::int64_t prompt_id, Action action, std::int64_t now_ms) {
  Impl& im = *impl_;
  const std::string which = "prompt " + std::to_string(prompt_id);
  auto record = im.access.prompts.prompt(prompt_id);
  if (!record) return fail(ActionError::kStore, which + ": " + record.error().message);
  if (!record->has_value()) return fail(ActionError::kUnknownPrompt, which + ": no such prompt");
  auto p = fromRecord(**record);
  if (!p) return fail(ActionError::kStore, which + ": stored with an unknown severity or state");
  if (p->state != PromptState::kDelivered) {
    return fail(ActionError::kNotActionable,
                which + " is " + stateName(p->state) + ", not delivered and open");
  }
  if (pastExpiry(*p, now_ms)) return fail(ActionError::kNotActionable, which + " has expired");

  PromptState state = PromptState::kDismissed;
  const char* event = "dismissed";
  if (action == Action::kAccept) {
    state = PromptState::kAccepted;
    event = "accepted";
  } else if (action == Action::kSnooze) {
    state = PromptState::kSnoozed;
    event = "snoozed";
    p->snoozed_until = now_ms + static_cast<std::int64_t>(im.settings.snooze_hours) * kHour;
  }
  if (auto st = im.change(*p, state, event, now_ms); !st) {
    return fail(ActionError::kStore, which + ": " + st.error().message);
  }
  if (action == Action::kAccept && p->booking) {
    // The driver asked for it: sent whatever the history consent says.
    const Language language = im.profile.language.value_or(im.settings.language);
    auto queued =
        im.access.outbox.enqueue(wire::Kind::kServiceRequest, im.options.vin, now_ms,
                                 serviceRequestBody(*p, now_ms, language, im.profile.dealer_id));
    if (!queued) return fail(ActionError::kStore, which + ": " + queued.error().message);
  }
  im.emit(*p, event, now_ms);
  (void)im.refreshOpenKeys();
  return {};
}

Result<std::vector<Prompt>, store::StoreError> Engine::visible() const {
  auto open = impl_->openPrompts();
  if (!open) return open.error();
  std::vector<Prompt> out;
  for (auto& p : *open) {
    if (p.state == PromptState::kDelivered) out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), moreImportant);
  return out;
}

Result<std::vector<Prompt>, store::StoreError> Engine::shownNow(std::int64_t now_ms,
                                                                bool moving) const {
  auto all = visible();
  if (!all) return all.error();
  std::erase_if(*all, [&](const Prompt& p) {
    return pastExpiry(p, now_ms) || (moving && p.severity != Severity::kCritical);
  });
  return all;
}

void Engine::onEvent(std::function<void(const LifecycleEvent&)> fn) {
  impl_->on_event = std::move(fn);
}

void Engine::setSettings(EngagementSettings settings) {
  Impl& im = *impl_;
  if (settings.time_zone != im.settings.time_zone) {
    auto local = LocalTime::make(settings.time_zone, im.utc_offset_minutes);
    if (local) {
      im.local = *local;
    } else {
      // A precondition broken: keep the zone that worked rather than guess.
      log::error("engagement: {}; keeping the previous time zone", local.error().message);
      settings.time_zone = im.settings.time_zone;
    }
  }
  im.settings = std::move(settings);
}

void Engine::setShareHistory(bool share) {
  impl_->options.share_prompt_history = share;
}

void Engine::setProfile(Profile profile) {
  impl_->profile = std::move(profile);
}

void Engine::setVin(std::string vin) {
  impl_->options.vin = std::move(vin);
}

bool Engine::reload() {
  return impl_->refreshOpenKeys();
}

const std::set<std::pair<std::string, std::string>>& Engine::openKeys() const {
  return impl_->open_keys;
}

const EngagementSettings& Engine::settings() const {
  return impl_->settings;
}

const LocalTime& Engine::localTime() const {
  return impl_->local;
}

}  // namespace crm::engagement
