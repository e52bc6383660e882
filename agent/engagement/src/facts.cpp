// buildPeriodFacts: the health report of the last 30 days and the few
// figures the rules need beyond it.
#include <algorithm>
#include <cmath>

#include "crm/analytics/health.h"
#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/engagement/facts.h"

#include "bands.h"
#include "crm/reports/health_report.h"

namespace crm::engagement {
namespace {

using civil::kMsPerDay;

constexpr int kPeriodDays = 30;
// LFP makers ask for a full charge weekly; two months of sessions is more
// than any sensible lfp_full_charge_days (settings cap it at 60).
constexpr int kFullChargeLookbackDays = 60;
constexpr double kFullChargeSoc = bands::kFullSocPercent;

double round1(double v) {
  return std::round(v * 10.0) / 10.0;
}

std::optional<double> daysSinceFullCharge(const store::Reader& reader, std::int64_t now_ms) {
  const std::int64_t look_from = now_ms - kFullChargeLookbackDays * kMsPerDay;
  std::optional<std::int64_t> last_full;
  // Sessions start before they end: one that began a day before the
  // look-back may still have ended inside it.
  for (const auto& s : reader.chargingSessions(look_from - kMsPerDay, now_ms)) {
    if (s.end_soc >= kFullChargeSoc && s.end_ms <= now_ms && s.end_ms >= look_from)
      last_full = std::max(last_full.value_or(s.end_ms), s.end_ms);
  }
  // Not rounded: 6.98 days is not yet a week.
  if (last_full) return static_cast<double>(now_ms - *last_full) / kMsPerDay;
  // None in view: as many days as the store can vouch for.
  const auto first = reader.firstDay();
  if (!first || *first > now_ms) return std::nullopt;
  return round1(static_cast<double>(now_ms - std::max(look_from, *first)) / kMsPerDay);
}

}  // namespace

Result<PeriodFacts, store::StoreError> buildPeriodFacts(const store::Reader& reader,
                                                        const vehicle::VehicleInfo& vehicle,
                                                        std::int64_t now_ms,
                                                        const reports::ReportContext& context) {
  if (auto stale = reader.takeReadError()) {
    log::warn("engagement: an earlier read had failed: {}", *stale);
  }
  const analytics::Period period = reports::periodEnding(now_ms, kPeriodDays);
  PeriodFacts f;
  f.built_ms = now_ms;
  f.report = reports::buildHealthReport(reader, vehicle, period, context);
  f.days_since_full_charge = daysSinceFullCharge(reader, now_ms);

  const auto parked = analytics::summarizeParkedSoc(reader, period);
  f.longest_high_soc_stretch_hours = round1(parked.longest_high_soc_hours);
  if (parked.parked_hours > 0)
    f.high_soc_parked_share = std::round(parked.high_soc_hours / parked.parked_hours * 1000) / 1000;

  for (const auto& r :
       reader.dailyRollups(vehicle::sig::kSocCurrent, reader.dayStart(period.from_ms), now_ms)) {
    if (r.count > 0) f.min_soc_percent = std::min(f.min_soc_percent.value_or(r.min), r.min);
  }
  if (const auto latest = reader.latestPeriodicReport()) {
    f.latest_report_id = latest->id;
    f.latest_report_generated_ms = latest->generated_ms;
  }
  if (auto failed = reader.takeReadError()) {
    return fail(store::StoreError::kRead, "engagement facts not built, a read failed: " + *failed);
  }
  return f;
}

}  // namespace crm::engagement
