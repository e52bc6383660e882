// Calendar dates for epoch-millisecond timestamps at a fixed UTC offset
// (the car's local time). Pure arithmetic: no time-zone database, no locale,
// the same result on every machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::civil {

inline constexpr std::int64_t kMsPerDay = 86'400'000;

// The start (epoch ms) of the local day holding ts_ms. REQUIRES: as isoDate.
constexpr std::int64_t dayStart(std::int64_t ts_ms, int utc_offset_minutes) {
  const std::int64_t offset = static_cast<std::int64_t>(utc_offset_minutes) * 60'000;
  const std::int64_t local = ts_ms + offset;
  const std::int64_t day = local >= 0 ? local / kMsPerDay : (local - kMsPerDay + 1) / kMsPerDay;
  return day * kMsPerDay - offset;
}

// "YYYY-MM-DD" of the local day holding ts_ms. REQUIRES: ts_ms far from the
// int64 limits (times from outside are checked by input::isPlausibleTimeMs).
std::string isoDate(std::int64_t ts_ms, int utc_offset_minutes = 0);
// "YYYY-MM" of the local day holding ts_ms.
std::string yearMonth(std::int64_t ts_ms, int utc_offset_minutes = 0);
// Dates are parsed strictly: four-digit year, and a day that exists in its
// month (2026-02-30 and 2025-02-29 are malformed).
// Midnight UTC of a "YYYY-MM-DD" date, in epoch ms; nullopt if malformed.
std::optional<std::int64_t> parseIsoDate(std::string_view ymd);
// Days since 1970-01-01 of a "YYYY-MM-DD" date; nullopt if malformed.
std::optional<std::int64_t> dayNumber(std::string_view ymd);
// The day number of the same date `months` later (earlier when negative),
// clamped to the month's end as a calendar does: 2024-01-31 + 1 month is
// 2024-02-29. nullopt if malformed.
std::optional<std::int64_t> addMonths(std::string_view ymd, int months);

}  // namespace crm::civil
