#include "crm/telemetry/daily.h"

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/store/outbox_losses.h"

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

// Rounds to `decimals` places. Dividing by a power of ten (not multiplying by
// 0.01) gives the double nearest the decimal, which JSON prints short.
json round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// Time with IsCharging true during the day: a step function through the
// stored change points, starting from the state carried in from yesterday.
json chargingHours(const store::Reader& store, std::int64_t day_start_ms,
                   std::int64_t last_seen_ms) {
  constexpr std::int64_t kDay = civil::kMsPerDay;
  const auto points = store.samples(sig::kIsCharging, day_start_ms, day_start_ms + kDay);
  const auto before = store.sampleBefore(sig::kIsCharging, day_start_ms);
  if (points.empty() && !before) return nullptr;
  bool on = before && before->number != 0;
  std::int64_t since = day_start_ms;
  std::int64_t total_ms = 0;
  for (const auto& p : points) {
    if (on) total_ms += p.ts_ms - since;
    on = p.number != 0;
    since = p.ts_ms;
  }
  // The state after the last change lasts until the last thing the agent
  // heard that day, not blindly until midnight.
  if (on) total_ms += std::max(last_seen_ms, since) - since;
  return round(static_cast<double>(total_ms) / 3.6e6, 2);
}

// The outbox's losses up to this message, running totals: a daily message
// lost itself is made good by the next one that arrives.
json lostJson(const store::OutboxLosses& losses) {
  json by_kind = json::object();
  for (const auto& [kind, n] : losses.by_kind) {
    by_kind[kind] = {{"quota", n.quota}, {"expired", n.expired}};
    if (n.oversize > 0) by_kind[kind]["oversize"] = n.oversize;
  }
  auto orNull = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
  json out = {{"quota", orNull(losses.quota)},
              {"expired", orNull(losses.expired)},
              {"by_kind", std::move(by_kind)}};
  if (losses.oversize > 0) out["oversize"] = losses.oversize;
  return out;
}

}  // namespace

Result<std::optional<std::string>, store::StoreError> dailyBody(const store::Reader& store,
                                                                std::int64_t day_start_ms) {
  if (auto stale = store.takeReadError())
    log::warn("daily: an earlier read had failed: {}", *stale);
  const auto rs = store.dailyRollups(day_start_ms);
  if (auto failed = store.takeReadError()) return fail(store::StoreError::kRead, *failed);
  if (rs.empty()) return std::optional<std::string>();
  json b;
  std::int64_t samples = 0;
  std::int64_t last_seen_ms = day_start_ms;
  for (const auto& r : rs) {
    samples += r.count;
    last_seen_ms = std::max(last_seen_ms, r.last_ts);
  }
  b["date"] = civil::isoDate(day_start_ms, store.utcOffsetMinutes());
  // Counters: last minus first of the day. Distance driven across midnight is
  // split at the first sample after it, which is when the agent saw it.
  auto delta = [&](vehicle::SignalId id, double scale, int decimals) -> json {
    const auto* r = find(rs, id);
    if (r == nullptr) return nullptr;
    return round((r->last - r->first) * scale, decimals);
  };
  b["distance_km"] = delta(sig::kTraveledDistance, 0.001, 2);
  b["charged_kwh"] = delta(sig::kChargedEnergy, 1, 2);
  b["consumed_kwh"] = delta(sig::kConsumedEnergy, 1, 2);
  const auto* soc = find(rs, sig::kSocCurrent);
  b["soc_min"] = soc != nullptr ? round(soc->min, 1) : json(nullptr);
  b["soc_max"] = soc != nullptr ? round(soc->max, 1) : json(nullptr);
  b["charging_hours"] = chargingHours(store, day_start_ms, last_seen_ms);
  const auto* soh = find(rs, sig::kSoh);
  b["soh_bms_percent"] = soh != nullptr ? round(soh->last, 2) : json(nullptr);
  const auto* lv = find(rs, sig::kLvBatteryVoltage);
  b["lv_battery_min_v"] = lv != nullptr ? round(lv->min, 2) : json(nullptr);
  const auto* amb = find(rs, sig::kAmbientTemp);
  b["ambient_min_c"] = amb != nullptr ? round(amb->min, 1) : json(nullptr);
  b["ambient_max_c"] = amb != nullptr ? round(amb->max, 1) : json(nullptr);
  b["samples"] = samples;
  auto losses = store::outboxLosses(store);
  if (!losses) return losses.error();
  b["outbox_lost"] = lostJson(*losses);
  if (auto failed = store.takeReadError()) return fail(store::StoreError::kRead, *failed);
  return std::optional<std::string>(b.dump());
}

}  // namespace crm::telemetry
