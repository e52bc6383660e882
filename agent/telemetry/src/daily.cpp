#include "crm/telemetry/daily.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

namespace crm::telemetry {
namespace {

namespace sig = vehicle::sig;
using nlohmann::json;

const store::Rollup* find(const std::vector<store::Rollup>& rs, vehicle::SignalId id) {
  for (const auto& r : rs) {
    if (r.signal == id) return &r;
  }
  return nullptr;
}

json round(double v, double unit) {
  return std::round(v / unit) * unit;
}

std::string localDate(std::int64_t day_start_ms, int offset_min) {
  const std::time_t t = (day_start_ms + offset_min * 60'000LL) / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

std::string dailyBody(store::Store& store, std::int64_t day_start_ms) {
  const auto rs = store.dailyRollups(day_start_ms);
  if (rs.empty()) return {};
  json b;
  std::int64_t samples = 0;
  for (const auto& r : rs) samples += r.count;
  b["date"] = localDate(day_start_ms, store.options().utc_offset_minutes);
  // Counters: last minus first of the day. Distance driven across midnight is
  // split at the first sample after it, which is when the agent saw it.
  auto delta = [&](vehicle::SignalId id, double scale, double unit) -> json {
    const auto* r = find(rs, id);
    if (r == nullptr) return nullptr;
    return round((r->last - r->first) * scale, unit);
  };
  b["distance_km"] = delta(sig::kTraveledDistance, 0.001, 0.01);
  b["charged_kwh"] = delta(sig::kChargedEnergy, 1, 0.01);
  b["consumed_kwh"] = delta(sig::kConsumedEnergy, 1, 0.01);
  const auto* soc = find(rs, sig::kSocCurrent);
  b["soc_min"] = soc != nullptr ? round(soc->min, 0.1) : json(nullptr);
  b["soc_max"] = soc != nullptr ? round(soc->max, 0.1) : json(nullptr);
  // Share of IsCharging samples that were true, times the span they cover:
  // sources sample at a steady rate while charging and parked alike.
  const auto* charging = find(rs, sig::kIsCharging);
  b["charging_hours"] =
      charging != nullptr && charging->count > 0
          ? round(charging->sum / static_cast<double>(charging->count) *
                      static_cast<double>(charging->last_ts - charging->first_ts) / 3.6e6,
                  0.01)
          : json(nullptr);
  const auto* soh = find(rs, sig::kSoh);
  b["soh_bms_percent"] = soh != nullptr ? round(soh->last, 0.01) : json(nullptr);
  const auto* lv = find(rs, sig::kLvBatteryVoltage);
  b["lv_battery_min_v"] = lv != nullptr ? round(lv->min, 0.01) : json(nullptr);
  const auto* amb = find(rs, sig::kAmbientTemp);
  b["ambient_min_c"] = amb != nullptr ? round(amb->min, 0.1) : json(nullptr);
  b["ambient_max_c"] = amb != nullptr ? round(amb->max, 0.1) : json(nullptr);
  b["samples"] = samples;
  return b.dump();
}

}  // namespace crm::telemetry
