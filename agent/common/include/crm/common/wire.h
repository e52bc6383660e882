// The kinds of message the car sends (docs/contract.md §5.1, §5.2): the one
// table the store (priority), the publisher and the replay (topic, schema,
// retain) read, and `crm-agent contract` prints for the contract test and
// for the backend's engineers. A new kind is a
// new row here and a schema in docs/mqtt/schemas.
//
// Threading: constant data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace crm::wire {

enum class Kind : std::uint8_t {
  kStatus,
  kTelemetryDaily,
  kChargeSession,
  kHealthReport,
  kPrompts,
  kServiceRequest,
  kFaults,
  kCmdResult,
};

// Which messages the quota sacrifices first: the lowest priority, oldest
// first. Stored in the outbox as an integer: do not renumber.
enum class Priority : std::uint8_t { kLow = 0, kMedium = 1, kHigh = 2 };

struct KindSpec {
  Kind kind;
  std::string_view topic;   // suffix under {prefix}/{vin}/; stable, also stored in the outbox
  std::string_view schema;  // the envelope's "schema"; the CRM routes on it
  Priority priority;
  bool retained;  // the broker keeps the last one for new subscribers
  bool queued;    // through the persistent outbox (status is published directly)
  bool sent;      // this agent version sends it (the others are reserved by the contract)
  // How long a queued message stays worth sending, in hours from its
  // envelope's ts (0: no limit). The outbox fixes each message's expiry
  // when it is queued (store::OutboxMessage::expires_ms) and drops it
  // unsent, counted, once the sender's clock passes it (docs/contract.md §5.2).
  int ttl_hours;
};

inline constexpr std::array<KindSpec, 8> kKinds{{
    // kind, topic, schema, priority, retained, queued, sent, ttl_hours
    {Kind::kStatus, "status", "crm.v1.status", Priority::kHigh, true, false, true, 0},
    {Kind::kTelemetryDaily, "telemetry/daily", "crm.v1.telemetry.daily", Priority::kLow, false,
     true, true, 90 * 24},
    {Kind::kChargeSession, "telemetry/charge-session", "crm.v1.telemetry.charge-session",
     Priority::kMedium, false, true, true, 90 * 24},
    {Kind::kHealthReport, "health-report", "crm.v1.health-report", Priority::kMedium, false, true,
     true, 90 * 24},
    {Kind::kPrompts, "prompts", "crm.v1.prompts", Priority::kHigh, false, true, true, 30 * 24},
    {Kind::kServiceRequest, "service-request", "crm.v1.service-request", Priority::kHigh, false,
     true, true, 14 * 24},
    {Kind::kFaults, "faults", "crm.v1.faults", Priority::kHigh, false, true, true, 30 * 24},
    {Kind::kCmdResult, "cmd-result", "crm.v1.cmd-result", Priority::kHigh, false, true, true,
     7 * 24},
}};

constexpr const KindSpec& spec(Kind kind) {
  return kKinds[static_cast<std::size_t>(kind)];
}

// Commands from the CRM arrive on {prefix}/{vin}/cmd/<name>.
inline constexpr std::string_view kCommandTopic = "cmd";

// The kind whose topic suffix is `topic`, if any.
std::optional<Kind> kindFromTopic(std::string_view topic);

}  // namespace crm::wire
