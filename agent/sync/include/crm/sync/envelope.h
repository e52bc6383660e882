// The envelope of every message the car sends (docs/contract.md §5.2):
// {"schema", "id", "seq", "vin", "ts", "body"}. Built here, when a message is
// sent (or written by a replay), from what the outbox keeps; the store never
// sees it.
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crm/common/wire.h"
#include "crm/store/store.h"

namespace crm::sync {

// `body_json` must be a JSON object (the outbox only holds those).
std::string envelope(std::string_view schema, std::string_view id, std::int64_t seq,
                     std::string_view vin, std::int64_t ts_ms, std::string_view body_json);

// An outbox message in its envelope. Only known kinds can be queued
// (Outbox::enqueue takes a wire::Kind) and a newer agent's cache is refused
// at open, so an unknown kind means a damaged row: it still goes out, under
// the schema its topic implies, rather than blocking the queue forever.
std::string envelope(const store::OutboxMessage& message);

// The topic a message goes to: {prefix}/{vin}/{kind}.
std::string topicFor(std::string_view prefix, std::string_view vin, std::string_view kind);

}  // namespace crm::sync
