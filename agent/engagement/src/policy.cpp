// The delivery policy (docs/engagement.md, "Delivery").
#include "crm/engagement/policy.h"

namespace crm::engagement {

bool inQuietHours(const EngagementSettings& settings, const LocalTime& local, std::int64_t ts_ms) {
  const int start = settings.quiet_start_minute;
  const int end = settings.quiet_end_minute;
  if (start == end) return false;
  const int minute = local.minuteOfDay(ts_ms);
  if (start < end) return minute >= start && minute < end;
  return minute >= start || minute < end;  // across midnight
}

bool mayShow(Severity severity, bool moving, bool quiet) {
  // Only safety-critical text may reach a driver who is driving (NHTSA's
  // driver-distraction guidelines; ISO 15005).
  if (severity == Severity::kCritical) return true;
  if (moving) return false;
  if (severity == Severity::kWarning) return true;
  return !quiet;
}

}  // namespace crm::engagement
