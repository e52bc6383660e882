// The car's local time from an IANA zone (Howard Hinnant's date/tz over the
// OS tzdata: summer time included), or a fixed UTC offset. The library
// throws on an unknown zone and on an unreadable zone file; both are caught
// here, in make(), which also loads the zone's data so that no later call
// can throw.
#include <date/tz.h>

#include <chrono>
#include <exception>

#include "crm/common/civil_time.h"
#include "crm/engagement/policy.h"

namespace crm::engagement {
namespace {

using Ms = std::chrono::milliseconds;

const date::time_zone* asZone(const void* zone) {
  return static_cast<const date::time_zone*>(zone);
}

date::sys_time<Ms> sysTime(std::int64_t ts_ms) {
  return date::sys_time<Ms>{Ms{ts_ms}};
}

}  // namespace

Result<LocalTime, SettingsError> LocalTime::make(const std::string& zone, int utc_offset_minutes) {
  LocalTime local;
  local.fixed_offset_minutes_ = utc_offset_minutes;
  if (zone.empty()) return local;
  try {
    const date::time_zone* found = date::locate_zone(zone);
    (void)found->get_info(date::sys_seconds{});  // loads the zone file now
    local.zone_ = found;
  } catch (const std::exception& e) {
    return fail(SettingsError::kInvalid, "engagement.time_zone: unknown time zone \"" + zone +
                                             "\" (expected an IANA name such as "
                                             "\"Europe/Berlin\" or \"Asia/Shanghai\"; " +
                                             e.what() + ")");
  }
  return local;
}

int LocalTime::offsetMinutes(std::int64_t ts_ms) const {
  if (zone_ == nullptr) return fixed_offset_minutes_;
  const auto info = asZone(zone_)->get_info(sysTime(ts_ms));
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(info.offset).count());
}

int LocalTime::minuteOfDay(std::int64_t ts_ms) const {
  // The wall clock: UTC plus the offset in force at that instant.
  const std::int64_t local = ts_ms + static_cast<std::int64_t>(offsetMinutes(ts_ms)) * 60'000;
  const std::int64_t in_day = ((local % civil::kMsPerDay) + civil::kMsPerDay) % civil::kMsPerDay;
  return static_cast<int>(in_day / 60'000);
}

std::int64_t LocalTime::dayStart(std::int64_t ts_ms) const {
  if (zone_ == nullptr) return civil::dayStart(ts_ms, fixed_offset_minutes_);
  const date::time_zone* zone = asZone(zone_);
  const auto midnight = date::floor<date::days>(zone->to_local(sysTime(ts_ms)));
  // A midnight that does not exist (a zone whose clocks jump at 00:00)
  // starts the day at the jump; an ambiguous one at its first occurrence.
  const auto start = zone->to_sys(midnight, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(start.time_since_epoch()).count();
}

std::string LocalTime::date(std::int64_t ts_ms) const {
  return civil::isoDate(ts_ms, offsetMinutes(ts_ms));
}

}  // namespace crm::engagement
