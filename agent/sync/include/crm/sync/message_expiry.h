// MQTT 5's message-expiry-interval for an outbox message: what is left of
// its kind's time to live (wire::KindSpec::ttl_hours), counted from when its
// content was produced (created_ms, the envelope's ts), not from when it is
// sent: a message that waited two weeks in a car out of coverage has two
// weeks less to live at the broker.
//
// Threading: pure functions.
#pragma once

#include <cstdint>

namespace crm::sync {

// Seconds left, at least 1 (the store drops expired messages before they
// are sent; one that expires between the two still goes, briefly), at most
// 2^32 - 1 (the property's range). 0: no limit (ttl_hours 0), no property.
std::int64_t messageExpirySeconds(std::int64_t created_ms, int ttl_hours, std::int64_t now_ms);

}  // namespace crm::sync
