// Keys of the meta table that more than one component reads or writes.
// Stable: they are in every cache written so far.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace crm::store
