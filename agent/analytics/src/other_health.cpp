// summarizeBrakes and summarizeLowVoltage: the brake pads and fluid, and the
// 12 V battery's resting voltage with its trend. Thresholds:
// docs/analytics.md §7 (docs/domain-facts.md §4 for the 12 V battery).
#include <algorithm>
#include <array>
#include <cmath>

#include "crm/analytics/health.h"
#include "history.h"
#include "robust.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using detail::kMsPerDay;

// PadWear at which a pad is due for replacement (rule brakes.pads_worn),
// and where the report starts to watch it.
constexpr double kPadLimitPercent = 80;
constexpr double kPadWatchPercent = 65;
constexpr double kPadWatchKm = 5000;
// Brake fluid reservoir level: at its MIN mark (rule brakes.fluid_low) and
// visibly below normal.
constexpr double kFluidAttentionPercent = 60;
constexpr double kFluidWatchPercent = 75;
// Wear per km is measured over this much history, and needs this much
// distance and wear to say anything.
constexpr std::int64_t kWearWindowMs = 365 * kMsPerDay;
constexpr double kWearMinKm = 500;
constexpr double kWearMinPercent = 0.5;
// 12 V battery (docs/domain-facts.md §4): weak below 12.2 V, check now below 11.8 V; a
// trend that reaches 12.2 V within two months is watched too.
constexpr double kLvWeakV = 12.2;
constexpr double kLvCheckV = 11.8;
constexpr double kLvLookAheadMonths = 2;
constexpr std::int64_t kLvTrendWindowMs = 90 * kMsPerDay;
constexpr double kLvTrendMinDays = 30;

const std::array<std::pair<vehicle::SignalId, const char*>, 4> kPads{{
    {sig::kPadWearFrontLeft, "front_left"},
    {sig::kPadWearFrontRight, "front_right"},
    {sig::kPadWearRearLeft, "rear_left"},
    {sig::kPadWearRearRight, "rear_right"},
}};

const char* statusName(int level) {
  return level >= 2 ? "attention" : (level == 1 ? "watch" : "good");
}

// Wear per km of one pad over the window ending at `to_ms`, from the daily
// last readings of the pad and the odometer.
std::optional<double> wearPerKm(const store::Reader& store, vehicle::SignalId pad,
                                std::int64_t to_ms) {
  const auto wear = store.dailyRollups(pad, to_ms - kWearWindowMs, to_ms);
  if (wear.size() < 2) return std::nullopt;
  // The distance over the pad's own span: pads are read less often than the
  // odometer, whose first and last days would make the distance too long.
  const auto km_first = detail::odometerKmAt(store, wear.front().first_ts + 1);
  const auto km_last = detail::odometerKmAt(store, wear.back().last_ts + 1);
  if (!km_first || !km_last) return std::nullopt;
  const double d_wear = wear.back().last - wear.front().first;
  const double d_km = *km_last - *km_first;
  if (d_km < kWearMinKm || d_wear < kWearMinPercent) return std::nullopt;
  return d_wear / d_km;
}

}  // namespace

BrakesSummary summarizeBrakes(const store::Reader& store, Period period) {
  BrakesSummary out;
  int level = -1;  // no data yet
  vehicle::SignalId worst = 0;
  for (const auto& [id, name] : kPads) {
    // The last reading up to the period's end (pads are read rarely).
    const auto r = store.dailyRollups(id, period.to_ms - kWearWindowMs, period.to_ms);
    if (r.empty()) continue;
    if (!out.pad_wear_percent_max || r.back().last > *out.pad_wear_percent_max) {
      out.pad_wear_percent_max = r.back().last;
      out.worst_position = name;
      worst = id;
    }
  }
  if (out.pad_wear_percent_max) {
    const double wear = *out.pad_wear_percent_max;
    if (auto rate = wearPerKm(store, worst, period.to_ms))
      out.km_to_pad_limit = std::max(0.0, (kPadLimitPercent - wear) / *rate);
    level = 0;
    if (wear >= kPadLimitPercent) {
      level = 2;
    } else if (wear >= kPadWatchPercent ||
               (out.km_to_pad_limit && *out.km_to_pad_limit < kPadWatchKm)) {
      level = 1;
    }
  }
  const std::int64_t first_day = store.dayStart(period.from_ms);
  for (const auto& r : store.dailyRollups(sig::kBrakeFluidLevel, first_day, period.to_ms)) {
    if (r.count > 0)
      out.fluid_level_percent_min = std::min(out.fluid_level_percent_min.value_or(r.min), r.min);
  }
  if (out.fluid_level_percent_min) {
    level = std::max(level, 0);
    if (*out.fluid_level_percent_min < kFluidAttentionPercent) {
      level = 2;
    } else if (*out.fluid_level_percent_min < kFluidWatchPercent) {
      level = std::max(level, 1);
    }
  }
  if (level >= 0) out.status = statusName(level);
  return out;
}

LowVoltageSummary summarizeLowVoltage(const store::Reader& store, Period period) {
  LowVoltageSummary out;
  // Days overlapping the period, its first (partial) day included.
  for (const auto& r :
       store.dailyRollups(sig::kLvBatteryVoltage, store.dayStart(period.from_ms), period.to_ms)) {
    if (r.count > 0)
      out.min_rest_voltage_v = std::min(out.min_rest_voltage_v.value_or(r.min), r.min);
  }
  // Trend of the daily minima over the last 90 days (the period's end).
  std::vector<double> days, volts;
  for (const auto& r :
       store.dailyRollups(sig::kLvBatteryVoltage, period.to_ms - kLvTrendWindowMs, period.to_ms)) {
    if (r.count == 0) continue;
    days.push_back(static_cast<double>(r.bucket_ms - period.to_ms) / kMsPerDay);
    volts.push_back(r.min);
  }
  if (days.size() >= 2 && days.back() - days.front() >= kLvTrendMinDays) {
    if (auto line = detail::theilSen(days, volts, 1.0))
      out.trend_v_per_month = std::round(line->slope * 30.0 * 1000.0) / 1000.0;
  }
  if (!out.min_rest_voltage_v) return out;
  const double v = *out.min_rest_voltage_v;
  int level = 0;
  if (v < kLvCheckV) {
    level = 2;
  } else if (v < kLvWeakV) {
    level = 1;
  } else if (out.trend_v_per_month && *out.trend_v_per_month < 0 &&
             v + *out.trend_v_per_month * kLvLookAheadMonths < kLvWeakV) {
    level = 1;  // still fine, but on course to be weak within two months
  }
  out.status = statusName(level);
  return out;
}

}  // namespace crm::analytics
