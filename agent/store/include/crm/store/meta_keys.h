// Keys of the meta table that more than one component reads or writes.
// Stable: they are in every cache written so far.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crm::store {

// Samples and lines rejected while `day_start_ms` (a local day, see
// Reader::dayStart) was the car's current day: ingest counts them, the
// health report sums its period's.
inline std::string rejectedOnDayKey(std::int64_t day_start_ms) {
  return "data_quality.rejected." + std::to_string(day_start_ms);
}

// The driver's profile as the CRM sent it (customer-profile): personal data,
// erased with the rest.
inline constexpr const char* kProfileTierKey = "profile.tier";
inline constexpr const char* kProfileLanguageKey = "profile.language";
inline constexpr const char* kProfileDealerKey = "profile.dealer_id";
// The engagement settings the CRM changed (config command), a JSON object
// applied over the configuration file's engagement section.
inline constexpr const char* kEngagementOverridesKey = "engagement.overrides";

// The outbox's losses (crm/store/outbox_losses.h), running totals since
// the cache was made. All kinds together, lost to the quota (since the
// first agent; it also counts rows a migration could not keep):
inline constexpr const char* kOutboxDroppedKey = "outbox_dropped";
// Per kind (the topic suffix, wire::KindSpec::topic), since schema v6:
// lost to the quota, and expired unsent (past the kind's time-to-live).
inline std::string outboxDroppedKey(std::string_view kind) {
  return "outbox_dropped." + std::string(kind);
}
inline std::string outboxExpiredKey(std::string_view kind) {
  return "outbox_expired." + std::string(kind);
}
// Not queued at all: larger than mqtt.max_payload_bytes.
inline std::string outboxOversizeKey(std::string_view kind) {
  return "outbox_oversize." + std::string(kind);
}

}  // namespace crm::store
