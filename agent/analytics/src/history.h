// Reading the store for the period summaries: signals as step functions
// through their stored change points, and daily roll-ups day by day.
//
// Threading: one thread (the store's).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/store/store.h"

namespace crm::analytics::detail {

// A signal over [from, to) as a step function: the value carried in from the
// last stored sample before `from`, then every stored change point.
struct StepSeries {
  std::optional<double> initial;
  std::vector<store::StoredSample> points;
};
StepSeries loadSeries(const store::Reader& store, vehicle::SignalId signal, std::int64_t from_ms,
                      std::int64_t to_ms);

// Calls fn(day_start_ms, rollups) for every local day overlapping
// [from, to), oldest first, skipping days with no roll-ups at all.
void forEachDay(const store::Reader& store, std::int64_t from_ms, std::int64_t to_ms,
                const std::function<void(std::int64_t, const std::vector<store::Rollup>&)>& fn);

const store::Rollup* findRollup(const std::vector<store::Rollup>& rs, vehicle::SignalId id);

// Odometer, km, at an instant: the last stored value before it (raw samples,
// else the daily roll-ups). nullopt when nothing is known before it.
std::optional<double> odometerKmAt(const store::Reader& store, std::int64_t ts_ms);

// Distance driven in [from, to), km, from the odometer; nullopt without
// odometer data in the period.
std::optional<double> odometerDistanceKm(const store::Reader& store, std::int64_t from_ms,
                                         std::int64_t to_ms);

// Time span [first, last] of data (any roll-up) inside [from, to), or
// nullopt when the period holds none.
struct Span {
  std::int64_t first_ms = 0, last_ms = 0;
  int days_with_data = 0;
  double days() const { return static_cast<double>(last_ms - first_ms) / civil::kMsPerDay; }
};
std::optional<Span> dataSpan(const store::Reader& store, std::int64_t from_ms, std::int64_t to_ms);

}  // namespace crm::analytics::detail
