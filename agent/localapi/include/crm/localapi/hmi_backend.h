// What the driver's HMI API asks of the rest of the agent. The server knows
// nothing of prompts or reports beyond this: the agent implements it over
// the engagement engine and the store, tests over a fake.
//
// Threading: every call is made on the server's io_context thread and must
// not block it for long (a store read is fine; no network, no sleeping).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crm::localapi {

// Stable: the API's error codes are derived from these (hmi_routes.cpp).
enum class ActionOutcome : std::uint8_t {
  kOk,             // applied: 200
  kUnknownPrompt,  // no prompt with that id: 404 unknown_prompt
  kNotActionable,  // exists but not delivered and open now: 409 not_actionable
  kBadAction,      // the action does not apply to this prompt: 400 bad_action
  kUnavailable,    // the agent cannot act now (store failure): 503 unavailable
};

struct ActionReply {
  ActionOutcome outcome = ActionOutcome::kOk;
  // For the driver's app, not the log: why, when not kOk ("prompt 12 is
  // snoozed"). Never a prompt's text.
  std::string message;
};

class HmiBackend {
 public:
  virtual ~HmiBackend() = default;

  // The prompts that may be shown now, most important first, as the body of
  // GET /hmi/v1/prompts:
  //   {"language": "en"|"zh-CN",
  //    "prompts": [{"id", "rule", "subject", "severity", "title": {"en", "zh-CN"},
  //                 "message": {"en", "zh-CN"}, "booking", "delivered_ts",
  //                 "expires_ts", "actions": ["accept", "snooze", "dismiss"]}]}
  // nullopt when they cannot be read now (503 unavailable).
  virtual std::optional<nlohmann::json> prompts() = 0;

  // The driver acts on prompt `prompt_id` (> 0); `action` is one of
  // "accept", "snooze", "dismiss" (the server checked).
  virtual ActionReply act(std::int64_t prompt_id, std::string_view action) = 0;

  // The newest health report as JSON text; nullopt when there is none yet
  // (404 no_report).
  virtual std::optional<std::string> latestReportJson() = 0;

  // The newest health report as a self-contained HTML page in `language`
  // ("en" or "zh-CN", checked by the server); nullopt when there is none.
  virtual std::optional<std::string> latestReportHtml(std::string_view language) = 0;
};

}  // namespace crm::localapi
