// Small robust statistics and calendar helpers shared by the analytics.
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/common/civil_time.h"

namespace crm::analytics::detail {

inline constexpr std::int64_t kMsPerMinute = 60'000;
inline constexpr std::int64_t kMsPerHour = 3'600'000;
using civil::kMsPerDay;
inline constexpr double kMsPerYear = 365.2425 * kMsPerDay;

// REQUIRES: !v.empty(). Takes a copy: callers keep their order.
double median(std::vector<double> v);
// Median absolute deviation around `centre`, scaled by 1.4826 so that it
// estimates the standard deviation of Gaussian data. 0 for fewer than 2 values.
double robustSigma(const std::vector<double>& v, double centre);
// The p-quantile (0..1) by linear interpolation. REQUIRES: !v.empty().
double quantile(std::vector<double> v, double p);
// v rounded to `decimals` decimal places, as the reports carry it.
double roundTo(double v, int decimals);

// y = intercept + slope * x.
struct Line {
  double slope = 0;
  double intercept = 0;
  double at(double x) const { return intercept + slope * x; }
};
// Theil–Sen: the median of pairwise slopes, intercept the median of
// y - slope*x. Robust to ~29 % outliers. Pairs with |dx| below `min_dx` are
// skipped (they carry no slope information). nullopt with fewer than 2
// usable points. O(n^2): callers pass at most a few hundred points (daily
// aggregates), larger inputs are thinned evenly.
std::optional<Line> theilSen(const std::vector<double>& x, const std::vector<double>& y,
                             double min_dx = 0);

// Theil–Sen slope over several series that share a slope but not an
// intercept (an instrument with its own bias each): the median of the
// pairwise slopes within each series. nullopt without any usable pair.
struct Series {
  std::vector<double> x, y;
};
std::optional<double> pooledSlope(const std::vector<Series>& groups, double min_dx);

// Civil date "YYYY-MM-DD" of an epoch-ms instant shifted by the local offset.
std::string isoDate(std::int64_t ts_ms, int utc_offset_minutes);
// Hour of the local day, 0 <= h < 24.
double localHour(std::int64_t ts_ms, int utc_offset_minutes);

}  // namespace crm::analytics::detail
