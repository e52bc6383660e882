// summarizeDriving and classifyUsage (rules in docs/analytics.md).
#include <algorithm>
#include <map>

#include "crm/analytics/health.h"
#include "history.h"
#include "robust.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using detail::kMsPerHour;
using detail::roundTo;

// Trips shorter than this are manoeuvres; their kWh/100 km is noise. They
// are left out of the reported efficiency (overall and by ambient band).
constexpr double kReportedEfficiencyMinKm = 0.5;
// An ambient band is reported once it has this much driving behind it.
constexpr double kBandMinKm = 5.0;
// Night: 22:00 to 05:00 local (docs/analytics.md §6).
constexpr double kNightFrom = 22.0, kNightTo = 5.0;
// Usage needs two weeks of data to say anything.
constexpr double kUsageMinDays = 14;
// A day counts as active with at least this much driving.
constexpr double kActiveDayKm = 1.0;
// Usage rule (docs/analytics.md; calibrated on the simulator's profiles):
// commercial use drives more than this a day on average...
constexpr double kCommercialKmPerDay = 80;
// ...and ride-hailing, unlike delivery rounds, shows at least two of: late
// shifts, work seven days a week, long days, frequent fast charging.
constexpr double kRideHailingNightShare = 0.03;
constexpr double kRideHailingActiveShare = 0.85;
constexpr double kRideHailingKmPerDay = 185;
constexpr double kRideHailingDcPerWeek = 3.5;
constexpr int kRideHailingVotes = 2;

const char* ambientBand(double c) {
  if (c < 0) return "below_0";
  if (c < 10) return "0_10";
  if (c < 20) return "10_20";
  if (c < 30) return "20_30";
  return "above_30";
}

// Hours of [start, end) that fall in the local night window.
double nightHours(std::int64_t start, std::int64_t end, int offset_min) {
  double night = 0;
  const std::int64_t step = 60'000;  // minute resolution is plenty for shares
  for (std::int64_t t = start; t < end; t += step) {
    const double h = detail::localHour(t, offset_min);
    if (h >= kNightFrom || h < kNightTo) night += static_cast<double>(std::min(step, end - t));
  }
  return night / kMsPerHour;
}

struct DistanceAndDays {
  std::optional<double> km;
  std::optional<detail::Span> span;
  std::optional<double> average_daily_km;
};

DistanceAndDays distanceAndDays(const store::Reader& store, Period period,
                                const std::vector<store::Trip>& trips) {
  DistanceAndDays d;
  d.km = detail::odometerDistanceKm(store, period.from_ms, period.to_ms);
  if (!d.km && !trips.empty()) {
    double sum = 0;
    for (const auto& t : trips) sum += t.distance_km;
    d.km = sum;
  }
  d.span = detail::dataSpan(store, period.from_ms, period.to_ms);
  if (d.km && d.span) {
    // Days the agent covered, at least one: a new car's first week is not
    // spread over a 30-day period.
    const double days = std::max(1.0, d.span->days());
    d.average_daily_km = *d.km / days;
  }
  return d;
}

}  // namespace

DrivingSummary summarizeDriving(const store::Reader& store, Period period) {
  DrivingSummary out;
  const auto trips = store.trips(period.from_ms, period.to_ms);
  out.trips = static_cast<int>(trips.size());
  const auto dd = distanceAndDays(store, period, trips);
  out.distance_km = roundTo(dd.km.value_or(0), 1);
  if (dd.average_daily_km) out.average_daily_km = roundTo(*dd.average_daily_km, 1);

  double km = 0, kwh = 0;
  std::map<std::string, std::pair<double, double>> bands;  // km, kWh
  for (const auto& t : trips) {
    if (t.distance_km < kReportedEfficiencyMinKm) continue;
    km += t.distance_km;
    kwh += t.energy_kwh;
    if (t.ambient_c) {
      auto& b = bands[ambientBand(*t.ambient_c)];
      b.first += t.distance_km;
      b.second += t.energy_kwh;
    }
  }
  if (km > 0) out.efficiency_kwh_per_100km = roundTo(kwh / km * 100.0, 1);
  for (const char* name : {"below_0", "0_10", "10_20", "20_30", "above_30"}) {
    const auto it = bands.find(name);
    if (it == bands.end() || it->second.first < kBandMinKm) continue;
    out.efficiency_by_ambient.emplace_back(
        name, roundTo(it->second.second / it->second.first * 100.0, 1));
  }
  return out;
}

UsageSummary classifyUsage(const store::Reader& store, Period period) {
  UsageSummary out;
  const int offset = store.utcOffsetMinutes();
  const auto trips = store.trips(period.from_ms, period.to_ms);
  const auto dd = distanceAndDays(store, period, trips);
  if (!dd.span) return out;
  const double days = std::max(1.0, dd.span->days());
  if (dd.average_daily_km) out.average_daily_km = roundTo(*dd.average_daily_km, 1);

  // Active days: a trip starting that day, or the odometer moving that day.
  // Days the agent never saw are left out of both counts.
  std::map<std::int64_t, double> day_km;
  for (const auto& t : trips) day_km[store.dayStart(t.start_ms)] += t.distance_km;
  int seen = 0, active = 0;
  detail::forEachDay(store, period.from_ms, period.to_ms, [&](std::int64_t day, const auto& rs) {
    ++seen;
    double km = day_km.count(day) ? day_km[day] : 0.0;
    if (const auto* r = detail::findRollup(rs, sig::kTraveledDistance))
      km = std::max(km, (r->max - r->min) / 1000.0);
    if (km >= kActiveDayKm) ++active;
  });
  if (seen > 0) out.active_days_share = roundTo(static_cast<double>(active) / seen, 3);

  // Night share of driving distance (time-weighted within each trip).
  double total = 0, night = 0;
  for (const auto& t : trips) {
    if (t.end_ms <= t.start_ms || t.distance_km <= 0) continue;
    const double hours = static_cast<double>(t.end_ms - t.start_ms) / kMsPerHour;
    total += t.distance_km;
    night += t.distance_km * nightHours(t.start_ms, t.end_ms, offset) / hours;
  }
  if (total > 0) out.night_driving_share = roundTo(night / total, 3);

  int dc = 0;
  for (const auto& s : store.chargingSessions(period.from_ms, period.to_ms)) {
    if (s.dc && !s.inferred) ++dc;
  }
  out.dc_sessions_per_week = roundTo(dc / (days / 7.0), 2);

  if (days < kUsageMinDays || !out.average_daily_km || !out.active_days_share) return out;
  const double km = *out.average_daily_km;
  const double share = *out.active_days_share;
  const int votes = (out.night_driving_share.value_or(0) >= kRideHailingNightShare) +
                    (share >= kRideHailingActiveShare) + (km >= kRideHailingKmPerDay) +
                    (*out.dc_sessions_per_week >= kRideHailingDcPerWeek);
  if (km < kCommercialKmPerDay) {
    out.profile = "private";
  } else if (votes >= kRideHailingVotes) {
    out.profile = "ride_hailing";
  } else {
    out.profile = "logistics";
  }
  return out;
}

}  // namespace crm::analytics
