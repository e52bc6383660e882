// What the store tells about itself, beyond the data it keeps: for the
// technician's views (crm/diagnostics), which read it through the Reader.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace crm::store {

// The outbox as it stands: committed and staged messages alike.
struct OutboxSummary {
  std::int64_t pending = 0;
  // Messages per kind (the topic suffix, e.g. "telemetry/daily").
  std::map<std::string, std::int64_t> by_kind;
  // When the oldest waiting message was produced (its envelope's ts);
  // nullopt when the outbox is empty.
  std::optional<std::int64_t> oldest_ms;
};

}  // namespace crm::store
