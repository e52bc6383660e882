#include "history.h"

#include <algorithm>
#include <limits>

#include "robust.h"

namespace crm::analytics::detail {
namespace {
namespace sig = vehicle::sig;
// How far back an odometer reading is looked for when raw samples are gone.
constexpr std::int64_t kOdometerLookBackDays = 400;
}  // namespace

StepSeries loadSeries(const store::Reader& store, vehicle::SignalId signal, std::int64_t from_ms,
                      std::int64_t to_ms) {
  StepSeries s;
  if (auto b = store.sampleBefore(signal, from_ms)) s.initial = b->number;
  s.points = store.samples(signal, from_ms, to_ms);
  return s;
}

void forEachDay(const store::Reader& store, std::int64_t from_ms, std::int64_t to_ms,
                const std::function<void(std::int64_t, const std::vector<store::Rollup>&)>& fn) {
  if (to_ms <= from_ms) return;
  // Day starts are looked up through the store so that DST-free local
  // offsets stay the store's business.
  for (std::int64_t day = store.dayStart(from_ms); day < to_ms;
       day = store.dayStart(day + kMsPerDay + kMsPerHour)) {
    const auto rs = store.dailyRollups(day);
    if (!rs.empty()) fn(day, rs);
  }
}

const store::Rollup* findRollup(const std::vector<store::Rollup>& rs, vehicle::SignalId id) {
  for (const auto& r : rs) {
    if (r.signal == id) return &r;
  }
  return nullptr;
}

std::optional<double> odometerKmAt(const store::Reader& store, std::int64_t ts_ms) {
  if (auto s = store.sampleBefore(sig::kTraveledDistance, ts_ms)) return s->number / 1000.0;
  // Raw samples are gone (retention): the last daily value before the
  // instant, within the last year and a bit.
  const auto rs = store.dailyRollups(
      sig::kTraveledDistance, store.dayStart(ts_ms) - kOdometerLookBackDays * kMsPerDay, ts_ms);
  for (auto it = rs.rbegin(); it != rs.rend(); ++it) {
    if (it->first_ts < ts_ms) return (it->last_ts < ts_ms ? it->last : it->first) / 1000.0;
  }
  return std::nullopt;
}

std::optional<double> odometerDistanceKm(const store::Reader& store, std::int64_t from_ms,
                                         std::int64_t to_ms) {
  const auto end = odometerKmAt(store, to_ms);
  if (!end) return std::nullopt;
  std::optional<double> start;
  if (auto s = store.sampleBefore(sig::kTraveledDistance, from_ms)) {
    start = s->number / 1000.0;
  } else {
    // No value before the period: the history begins inside it, or the raw
    // samples of its beginning are gone. The earliest value in the period,
    // from the raw samples or the daily roll-ups (kept for life).
    std::int64_t start_ts = to_ms;
    if (const auto raw = store.firstSample(sig::kTraveledDistance, from_ms, to_ms)) {
      start = raw->number / 1000.0;
      start_ts = raw->ts_ms;
    }
    const auto rs = store.dailyRollups(sig::kTraveledDistance, store.dayStart(from_ms), start_ts);
    if (!rs.empty() && rs.front().first_ts >= from_ms && rs.front().first_ts < start_ts)
      start = rs.front().first / 1000.0;
  }
  if (!start) return std::nullopt;
  return std::max(0.0, *end - *start);
}

std::optional<Span> dataSpan(const store::Reader& store, std::int64_t from_ms, std::int64_t to_ms) {
  Span span;
  span.first_ms = std::numeric_limits<std::int64_t>::max();
  span.last_ms = std::numeric_limits<std::int64_t>::min();
  forEachDay(store, from_ms, to_ms, [&](std::int64_t, const std::vector<store::Rollup>& rs) {
    ++span.days_with_data;
    for (const auto& r : rs) {
      span.first_ms = std::min(span.first_ms, std::max(r.first_ts, from_ms));
      span.last_ms = std::max(span.last_ms, std::min(r.last_ts, to_ms));
    }
  });
  if (span.days_with_data == 0) return std::nullopt;
  return span;
}

}  // namespace crm::analytics::detail
