#include "robust.h"

#include "crm/common/civil_time.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace crm::analytics::detail {

double median(std::vector<double> v) {
  const std::size_t n = v.size();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (n % 2 == 1) return *mid;
  const double hi = *mid;
  const double lo = *std::max_element(v.begin(), mid);
  return 0.5 * (lo + hi);
}

double robustSigma(const std::vector<double>& v, double centre) {
  if (v.size() < 2) return 0;
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::fabs(x - centre));
  return 1.4826 * median(std::move(dev));
}

double quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = std::clamp(p, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (v[i + 1] - v[i]) * (pos - static_cast<double>(i));
}

double roundTo(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

namespace {

constexpr std::size_t kMaxPoints = 600;  // 180k pairs: a few ms

// Appends the slopes of all pairs of (thinned) points at least min_dx apart.
void appendSlopes(const std::vector<double>& x_in, const std::vector<double>& y_in, double min_dx,
                  std::vector<double>& slopes) {
  std::vector<double> x, y;
  const std::size_t n_in = std::min(x_in.size(), y_in.size());
  const std::size_t stride = n_in > kMaxPoints ? (n_in + kMaxPoints - 1) / kMaxPoints : 1;
  for (std::size_t i = 0; i < n_in; i += stride) {
    x.push_back(x_in[i]);
    y.push_back(y_in[i]);
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[j] - x[i];
      if (std::fabs(dx) <= min_dx || dx == 0) continue;
      slopes.push_back((y[j] - y[i]) / dx);
    }
  }
}

}  // namespace

std::optional<Line> theilSen(const std::vector<double>& x, const std::vector<double>& y,
                             double min_dx) {
  std::vector<double> slopes;
  appendSlopes(x, y, min_dx, slopes);
  if (slopes.empty()) return std::nullopt;
  Line line;
  line.slope = median(std::move(slopes));
  std::vector<double> icpt;
  icpt.reserve(x.size());
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    icpt.push_back(y[i] - line.slope * x[i]);
  line.intercept = median(std::move(icpt));
  return line;
}

std::optional<double> pooledSlope(const std::vector<Series>& groups, double min_dx) {
  std::vector<double> slopes;
  for (const auto& g : groups) appendSlopes(g.x, g.y, min_dx, slopes);
  if (slopes.empty()) return std::nullopt;
  return median(std::move(slopes));
}

std::string isoDate(std::int64_t ts_ms, int utc_offset_minutes) {
  return civil::isoDate(ts_ms, utc_offset_minutes);
}

double localHour(std::int64_t ts_ms, int utc_offset_minutes) {
  const std::int64_t local = ts_ms + static_cast<std::int64_t>(utc_offset_minutes) * kMsPerMinute;
  const std::int64_t in_day = ((local % kMsPerDay) + kMsPerDay) % kMsPerDay;
  return static_cast<double>(in_day) / kMsPerHour;
}

}  // namespace crm::analytics::detail
