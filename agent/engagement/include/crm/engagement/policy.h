// When a prompt may be shown (docs/engagement.md, "Delivery"): only critical
// ones while the car moves; the rest wait until it is parked; info and
// advisory also wait for the end of quiet hours in the car's local time
// (warning ignores quiet hours); at most max_prompts_per_day non-critical
// deliveries per local day (uncapped ones, a safety recall, excepted).
//
// Local time comes from an IANA zone (tzdata, summer time included), or a
// fixed UTC offset when none is configured.
//
// Threading: one thread; a LocalTime is immutable after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crm/common/result.h"
#include "crm/engagement/prompt.h"
#include "crm/engagement/settings.h"

namespace crm::engagement {

class LocalTime {
 public:
  // `zone` empty: fixed `utc_offset_minutes`. An unknown zone is an error
  // naming it (configuration: exit 2).
  static Result<LocalTime, SettingsError> make(const std::string& zone, int utc_offset_minutes);
  // The local wall clock at `ts_ms` in minutes after midnight, 0..1439 (on
  // the day summer time starts the clock skips 02:00..02:59; quiet hours are
  // read on the clock, so 07:00 is 07:00 summer time).
  int minuteOfDay(std::int64_t ts_ms) const;
  // Start of the local day holding `ts_ms`, epoch ms (23 or 25 h days exist).
  std::int64_t dayStart(std::int64_t ts_ms) const;
  // The local date "YYYY-MM-DD" of `ts_ms`.
  std::string date(std::int64_t ts_ms) const;
  // UTC offset in minutes at `ts_ms`.
  int offsetMinutes(std::int64_t ts_ms) const;

 private:
  const void* zone_ = nullptr;  // date::time_zone, owned by the tz database
  int fixed_offset_minutes_ = 0;
};

// True when `ts_ms` falls in quiet hours.
bool inQuietHours(const EngagementSettings& settings, const LocalTime& local, std::int64_t ts_ms);

// May a prompt of `severity` be shown at `ts_ms`, the cap aside?
bool mayShow(Severity severity, bool moving, bool quiet);

}  // namespace crm::engagement
