// What the engagement engine keeps (on-disk schema v5): prompts with their
// current state, every lifecycle event, the CRM's campaigns and
// appointments. Plain strings here: the store does not interpret severities
// or states (crm/engagement/prompt.h names them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm::store {

struct PromptRecord {
  std::int64_t id = 0;  // assigned by addPrompt
  std::string rule, subject;
  std::string severity;  // info | advisory | warning | critical
  std::string state;  // raised | delivered | accepted | snoozed | dismissed | expired | withdrawn
  std::string title_en, title_zh, message_en, message_zh;
  bool booking = false;
  bool uncapped = false;
  std::string detail_json = "{}";
  std::int64_t raised_ms = 0;
  std::int64_t expires_ms = 0;  // 0: never
  std::optional<std::int64_t> delivered_ms;
  std::int64_t state_ms = 0;
  std::optional<std::int64_t> snoozed_until;
};

// One lifecycle step of a prompt: raised, delivered, accepted, snoozed,
// dismissed, expired, withdrawn.
struct PromptEvent {
  std::int64_t prompt_id = 0;
  std::int64_t ts_ms = 0;
  std::string event;
};

// Lifecycle events counted over a window (the health report's prompts{}).
struct PromptCounts {
  std::int64_t raised = 0, delivered = 0, accepted = 0, snoozed = 0, dismissed = 0, expired = 0,
               withdrawn = 0;
};

struct CampaignRecord {
  std::string campaign_id;
  std::string kind;      // recall | service | offer
  std::string severity;  // info | advisory | warning | critical
  std::string title_en, title_zh, message_en, message_zh;
  std::int64_t valid_until = 0;
  std::string command_id;
  std::int64_t received_ms = 0;
};

struct AppointmentRecord {
  std::string appointment_id;
  std::int64_t at_ms = 0;
  std::string dealer_name;
  std::vector<std::string> items;
  std::string command_id;
  std::int64_t received_ms = 0;
};

}  // namespace crm::store
