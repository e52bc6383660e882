#include "sections.h"

#include <array>

#include "crm/store/meta_keys.h"

#include "crm/common/civil_time.h"
#include "crm/reports/service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace crm::reports {
namespace {

namespace sig = vehicle::sig;
using civil::kMsPerDay;

// Least-squares slope of (day index, value), in value per day.
std::optional<double> slopePerDay(const std::vector<std::pair<double, double>>& pts) {
  if (pts.size() < 5) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double n = static_cast<double>(pts.size());
  const double den = n * sxx - sx * sx;
  if (den == 0) return std::nullopt;
  return (n * sxy - sx * sy) / den;
}

}  // namespace

double roundTo(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::optional<double> roundTo(const std::optional<double>& v, int decimals) {
  if (!v) return std::nullopt;
  return roundTo(*v, decimals);
}

std::vector<store::Rollup> dailySeries(const store::Reader& store, vehicle::SignalId signal,
                                       analytics::Period period) {
  return store.dailyRollups(signal, store.dayStart(period.from_ms), period.to_ms);
}

LowVoltageSection lowVoltageSection(const store::Reader& store, analytics::Period period) {
  const auto lv = analytics::summarizeLowVoltage(store, period);
  return {roundTo(lv.min_rest_voltage_v, 2), roundTo(lv.trend_v_per_month, 3), lv.status};
}

BrakesSection brakesSection(const store::Reader& store, analytics::Period period) {
  const auto b = analytics::summarizeBrakes(store, period);
  return {roundTo(b.pad_wear_percent_max, 1), b.worst_position, roundTo(b.km_to_pad_limit, -2),
          roundTo(b.fluid_level_percent_min, 1), b.status};
}

TyresSection tyresSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                          analytics::Period period) {
  static const std::pair<const char*, vehicle::SignalId> kTyres[] = {
      {"front_left", sig::kTyreFrontLeft},
      {"front_right", sig::kTyreFrontRight},
      {"rear_left", sig::kTyreRearLeft},
      {"rear_right", sig::kTyreRearRight}};
  // A slow leak is a steady loss over days, not a cold spell: weather moves
  // all four tyres together (about 1 kPa per 1.5 degC), a leak moves one.
  // So a tyre leaks when the daily means of its last two weeks fall faster
  // than kLeakKpaPerDay, over at least kLeakMinDays days, and faster than
  // the other tyres' median by kLeakKpaPerDay as well.
  constexpr double kLeakKpaPerDay = 1.5;
  constexpr std::size_t kLeakMinDays = 7;
  struct Reading {
    std::optional<double> last, slope;
  };
  std::array<Reading, 4> readings;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto days = dailySeries(store, kTyres[i].second, period);
    if (days.empty()) continue;
    readings[i].last = days.back().last;
    std::vector<std::pair<double, double>> pts;
    for (const auto& d : days) {
      if (d.bucket_ms >= days.back().bucket_ms - 14 * kMsPerDay) {
        pts.emplace_back(static_cast<double>(d.bucket_ms - days.front().bucket_ms) / kMsPerDay,
                         d.sum / static_cast<double>(d.count));
      }
    }
    if (pts.size() >= kLeakMinDays) readings[i].slope = slopePerDay(pts);
  }
  auto othersMedian = [&](std::size_t self) -> std::optional<double> {
    std::vector<double> others;
    for (std::size_t j = 0; j < 4; ++j) {
      if (j != self && readings[j].slope) others.push_back(*readings[j].slope);
    }
    if (others.empty()) return std::nullopt;
    std::sort(others.begin(), others.end());
    const std::size_t n = others.size();
    return n % 2 == 1 ? others[n / 2] : (others[n / 2 - 1] + others[n / 2]) / 2;
  };

  TyresSection out;
  int worst = -1;  // -1 unknown, 0 good, 1 watch, 2 attention
  for (std::size_t i = 0; i < 4; ++i) {
    const char* name = kTyres[i].first;
    if (!readings[i].last) {
      out.positions.push_back({name, std::nullopt, std::nullopt});
      continue;
    }
    const double last = *readings[i].last;
    const auto slope = readings[i].slope;
    const auto median = othersMedian(i);
    const bool leaking =
        slope && *slope < -kLeakKpaPerDay && (!median || *slope - *median < -kLeakKpaPerDay);
    int level = 0;
    const char* status = "good";
    if (last < vehicle.tyre_placard_kpa * 0.8) {
      level = 2;
      status = "attention";
    } else if (leaking || last < vehicle.tyre_placard_kpa * 0.9) {
      level = 1;
      status = leaking ? "slow_leak" : "low";
    }
    worst = std::max(worst, level);
    out.positions.push_back({name, roundTo(last, 1), status});
  }
  if (worst >= 0) out.status = worst == 0 ? "good" : worst == 1 ? "watch" : "attention";
  return out;
}

std::vector<Fault> faultsSection(const store::Reader& store, analytics::Period period) {
  struct Seen {
    std::int64_t first = 0, last = 0;
    bool active = false;
  };
  std::map<std::string, Seen> codes;
  auto apply = [&](std::int64_t ts, const std::string& joined) {
    std::set<std::string> now;
    for (std::size_t start = 0; start < joined.size();) {
      auto comma = joined.find(',', start);
      if (comma == std::string::npos) comma = joined.size();
      if (comma > start) now.insert(joined.substr(start, comma - start));
      start = comma + 1;
    }
    for (auto& [code, seen] : codes) seen.active = now.contains(code);
    for (const auto& code : now) {
      auto [it, fresh] = codes.try_emplace(code, Seen{ts, ts, true});
      it->second.last = ts;
      it->second.active = true;
    }
  };
  if (auto before = store.sampleBefore(sig::kDtcList, period.from_ms))
    apply(before->ts_ms, before->text);
  for (const auto& s : store.samples(sig::kDtcList, period.from_ms, period.to_ms))
    apply(s.ts_ms, s.text);
  std::vector<Fault> out;
  out.reserve(codes.size());
  for (const auto& [code, seen] : codes) out.push_back({code, seen.first, seen.last, seen.active});
  return out;
}

ServiceSection serviceSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                              const MaintenanceTable& maintenance,
                              std::optional<double> odometer_km, std::int64_t now_ms) {
  // The report's "today": the local date of the last instant of its period.
  const std::string today = civil::isoDate(now_ms - 1, vehicle.utc_offset_minutes);
  const auto status = serviceStatus(maintenance.forModel(vehicle.model), store.serviceRecords(),
                                    vehicle.delivered, odometer_km, today);
  ServiceSection out;
  out.due = status.due;
  for (auto& d : out.due) d.due_in_km = roundTo(d.due_in_km, 0);
  // last_visit as epoch ms of the visit date (midnight UTC), like the
  // report's other instants.
  if (status.last_visit) out.last_visit = civil::parseIsoDate(*status.last_visit);
  out.visits_12_months = status.visits_12_months;
  out.customer_status = status.customer_status;
  return out;
}

DataQualitySection dataQualitySection(const store::Reader& store, analytics::Period period) {
  std::int64_t samples = 0;
  std::int64_t gaps = 0;
  std::int64_t last_seen = -1;
  std::optional<std::uint64_t> rejected = 0;
  for (std::int64_t day = store.dayStart(period.from_ms); day < period.to_ms; day += kMsPerDay) {
    if (auto n = store.metaInt(store::rejectedOnDayKey(day)); !n) {
      rejected.reset();  // unknown, never an undercount
    } else if (rejected && *n) {
      *rejected += static_cast<std::uint64_t>(**n);
    }
    const auto rs = store.dailyRollups(day);
    if (rs.empty()) continue;
    std::int64_t first = INT64_MAX, last = 0;
    for (const auto& r : rs) {
      samples += r.count;
      first = std::min(first, r.first_ts);
      last = std::max(last, r.last_ts);
    }
    // A gap: more than an hour with nothing from the car (parked cars still
    // report every 30 min). Seen at day granularity, the cheap way.
    if (last_seen >= 0 && first - last_seen > 3'600'000) ++gaps;
    last_seen = last;
  }
  return {samples, rejected, gaps};
}

}  // namespace crm::reports
