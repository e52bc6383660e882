// summarizeSoh: the BMS's state of health, an independent estimate from the
// coulomb-counting capacity estimates, their combination, the degradation
// rate and the projection to 80 %. Rules and thresholds: docs/analytics.md.
#include <algorithm>
#include <cmath>

#include "crm/analytics/health.h"
#include "history.h"
#include "robust.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using detail::kMsPerDay;
using detail::kMsPerYear;

// One-sided 95 % / two-sided 90 % Gaussian quantile.
constexpr double kZ90 = 1.645;
// The BMS's own SOH is biased per car by up to about 1.5 points (a BMS
// estimate of a 75 kWh pack is good to ~1 kWh). The bias is the same car
// after car, report after report: it does not average out over time, so
// the interval of a car known only by its BMS must reach the bound, not
// merely cover 90 % of a fleet's cars (a car with a BMS 1.5 points low
// would otherwise be outside its interval in every report until capacity
// estimates arrive). Hence sigma = 1.5 / z90.
constexpr double kBmsSigma = 1.5 / kZ90;
constexpr double kBmsNearCap = 99.5;
// A BMS that reports whole percent is good only to its rounding as well:
// uniform over ±0.5, σ = 1/√12, added in quadrature.
constexpr double kWholePercentSigma = 0.2887;
constexpr double kBmsCappedSigma = 1.0;
// What scatter cannot show: gain error of the current sensor, temperature.
// LFP's flat OCV curve makes SOC at the window ends less certain.
constexpr double kModelSigmaNmc = 0.3;
constexpr double kModelSigmaLfp = 0.8;
// Estimates used for the current value: the recent ones.
constexpr std::int64_t kEstimateWindowMs = 90 * kMsPerDay;
constexpr std::size_t kMinEstimates = 2;
constexpr std::size_t kFallbackEstimates = 4;
constexpr std::int64_t kFallbackWindowMs = 365 * kMsPerDay;
// A rate series must have points in this share of its months.
constexpr double kMinCoverage = 0.6;
// The BMS's SOH never reads above this.
constexpr double kBmsCap = 99.95;
// A degradation rate needs this much history (docs/contract.md §4).
constexpr double kMinRateDays = 90;
// Bins of the rate's series: weekly for about three years, wider beyond.
constexpr double kMaxRateBins = 160;
// Status thresholds (docs/analytics.md).
constexpr double kSohAttention = 80, kSohWatch = 85;
constexpr double kImbalanceAttentionMv = 100, kImbalanceWatchMv = 50;
constexpr double kRateAttentionFactor = 2.0, kRateWatchFactor = 1.5;

struct Point {
  double t_ms;
  double soh;
};

struct Estimate {
  double value, sigma;
};

// Level at `to_ms` from recent capacity estimates, with its uncertainty.
// `drift` (points a year) carries an older level forward to `to_ms`.
std::optional<Estimate> estimatedSoh(const std::vector<Point>& all, double to_ms, bool lfp,
                                     double drift) {
  std::vector<double> x, y;
  for (const auto& p : all) {
    if (p.t_ms >= to_ms - static_cast<double>(kEstimateWindowMs)) {
      x.push_back((p.t_ms - to_ms) / kMsPerYear);  // years before the end: level = intercept
      y.push_back(p.soh);
    }
  }
  if (y.size() < kMinEstimates) {
    // Few recent windows (a car charged little and often): the newest
    // estimates of the last year, carried forward with a wider interval.
    x.clear();
    y.clear();
    for (auto it = all.rbegin(); it != all.rend() && y.size() < kFallbackEstimates; ++it) {
      if (it->t_ms < to_ms - static_cast<double>(kFallbackWindowMs)) break;
      x.insert(x.begin(), (it->t_ms - to_ms) / kMsPerYear);
      y.insert(y.begin(), it->soh);
    }
    if (y.size() < kMinEstimates) return std::nullopt;
  }
  const double model = lfp ? kModelSigmaLfp : kModelSigmaNmc;
  const double n = static_cast<double>(y.size());
  const double span_years = x.back() - x.front();
  Estimate e{};
  std::vector<double> resid;
  // A slope needs points spread over at least a month; else a level.
  const auto line =
      (y.size() >= 6 && span_years > 30.0 / 365.0) ? detail::theilSen(x, y) : std::nullopt;
  if (line && line->slope < 5.0 && line->slope > -15.0) {
    double x_mean = 0;
    for (double v : x) x_mean += v / n;
    double sxx = 0;
    for (double v : x) sxx += (v - x_mean) * (v - x_mean);
    e.value = line->intercept;
    for (std::size_t i = 0; i < y.size(); ++i) resid.push_back(y[i] - line->at(x[i]));
    const double s = std::max(detail::robustSigma(resid, 0.0), 0.05);
    const double se2 = s * s * (1.0 / n + (x_mean * x_mean) / std::max(sxx, 1e-12));
    e.sigma = std::sqrt(se2 + model * model);
  } else {
    // A level at the median time of the estimates, moved to the end.
    const double level = detail::median(y);
    const double age_years = -detail::median(x);
    for (double v : y) resid.push_back(v - level);
    const double s = std::max(detail::robustSigma(resid, 0.0), 0.2);
    e.value = level - drift * age_years;
    // The drift is known to perhaps half: its uncertainty grows with age.
    e.sigma = std::sqrt(s * s / n + model * model + std::pow(0.5 * drift * age_years, 2));
  }
  return e;
}

// Share of the 30-day bins of [from, to] holding at least one point: a rate
// from points bunched in one season would mistake seasonal ageing (faster
// in summer heat) for the trend.
double coverage(const std::vector<Point>& pts, double from_ms, double to_ms) {
  const double bin = 30.0 * kMsPerDay;
  const int bins = std::max(1, static_cast<int>(std::ceil((to_ms - from_ms) / bin)));
  std::vector<bool> hit(static_cast<std::size_t>(bins), false);
  for (const auto& p : pts) {
    const int i = static_cast<int>((p.t_ms - from_ms) / bin);
    if (i >= 0 && i < bins) hit[static_cast<std::size_t>(i)] = true;
  }
  return static_cast<double>(std::count(hit.begin(), hit.end(), true)) / bins;
}

// The BMS's SOH reads at most 100 %: a value at the cap only says "at
// least", so a pack whose BMS reads high starts with a flat run that would
// hide the loss. Days up to the last one at the cap are left out.
std::vector<Point> uncensored(const std::vector<Point>& bms) {
  std::size_t first = 0;
  for (std::size_t i = 0; i < bms.size(); ++i) {
    if (bms[i].soh >= kBmsCap) first = i + 1;
  }
  return {bms.begin() + static_cast<std::ptrdiff_t>(first), bms.end()};
}

// Medians over bins of a week (wider for a history over ~3 years: at most
// kMaxRateBins): the slope needs the trend, not every day, and pairwise
// slopes over a fixed number of bins keep the report's cost from growing
// with the car's age. REQUIRES: pts in time order.
std::vector<Point> binned(const std::vector<Point>& pts, double from_ms, double to_ms) {
  const double width = std::max(7.0 * kMsPerDay, (to_ms - from_ms) / kMaxRateBins);
  std::vector<Point> out;
  std::vector<double> t, v;
  std::size_t i = 0;
  while (i < pts.size()) {
    const double bin = std::floor((pts[i].t_ms - from_ms) / width);
    t.clear();
    v.clear();
    for (; i < pts.size() && std::floor((pts[i].t_ms - from_ms) / width) == bin; ++i) {
      t.push_back(pts[i].t_ms);
      v.push_back(pts[i].soh);
    }
    out.push_back({detail::median(t), detail::median(v)});
  }
  return out;
}

// Degradation, points a year: one slope shared by the capacity estimates
// and the BMS's daily values, each with its own offset (the BMS's bias).
// A series takes part only when it has points in most months of the
// history: a rate from points bunched in one season would mistake summer
// ageing (faster in the heat) for the trend. Needs 90 days of data.
std::optional<double> degradationRate(const std::vector<Point>& est, const std::vector<Point>& bms,
                                      double history_from, double to) {
  std::vector<detail::Series> groups;
  double first = to, last = history_from;
  std::size_t points = 0;
  for (const auto* series : {&est, &bms}) {
    if (series->size() < 2 || coverage(*series, history_from, to) < kMinCoverage) continue;
    detail::Series g;
    for (const auto& p : binned(*series, history_from, to)) {
      g.x.push_back((p.t_ms - history_from) / kMsPerYear);
      g.y.push_back(p.soh);
    }
    first = std::min(first, series->front().t_ms);
    last = std::max(last, series->back().t_ms);
    points += series->size();
    groups.push_back(std::move(g));
  }
  if (points < 10 || (last - first) / kMsPerDay < kMinRateDays) return std::nullopt;
  // Pairs closer than two weeks carry noise, not slope.
  const auto slope = detail::pooledSlope(groups, 14.0 / 365.0);
  if (!slope) return std::nullopt;
  return -*slope;
}

// Cell imbalance at rest, mV: for each day the median of (max - min) over
// simultaneous readings with no current flowing; the worst day.
std::optional<double> cellImbalanceMv(const store::Reader& store, std::int64_t from_ms,
                                      std::int64_t to_ms) {
  // Cell voltages change rarely (a few readings a day); the pack current
  // changes all the time while driving. So the current and the minimum are
  // looked up at each maximum's instant rather than read in full.
  std::vector<std::pair<std::int64_t, double>> readings;
  for (const auto& s : store.samples(sig::kCellVoltageMax, from_ms, to_ms)) {
    const auto mn = store.sampleBefore(sig::kCellVoltageMin, s.ts_ms + 1);
    if (!mn) continue;
    const auto cur = store.sampleBefore(sig::kPackCurrent, s.ts_ms + 1);
    if (cur && std::fabs(cur->number) > 5.0) continue;
    readings.emplace_back(store.dayStart(s.ts_ms), (s.number - mn->number) * 1000.0);
  }
  if (readings.empty()) {
    // Raw samples are gone: daily roll-ups whose last readings coincide.
    detail::forEachDay(store, from_ms, to_ms, [&](std::int64_t day, const auto& rs) {
      const auto* a = detail::findRollup(rs, sig::kCellVoltageMax);
      const auto* b = detail::findRollup(rs, sig::kCellVoltageMin);
      if (a && b && a->last_ts == b->last_ts)
        readings.emplace_back(day, (a->last - b->last) * 1000.0);
    });
  }
  if (readings.empty()) return std::nullopt;
  std::optional<double> worst;
  std::size_t i = 0;
  while (i < readings.size()) {
    std::vector<double> day;
    const std::int64_t d = readings[i].first;
    while (i < readings.size() && readings[i].first == d) day.push_back(readings[i++].second);
    const double m = detail::median(day);
    worst = std::max(worst.value_or(m), m);
  }
  return std::max(0.0, *worst);
}

double round1(double v) {
  return std::round(v * 10.0) / 10.0;
}

}  // namespace

SohSummary summarizeSoh(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                        Period period) {
  SohSummary out;
  const bool lfp = vehicle.chemistry == "LFP";
  const double nominal = std::max(vehicle.nominal_capacity_kwh, 1.0);
  const double to = static_cast<double>(period.to_ms);

  // History: BMS SOH, net capacity and the odometer, one value a day, read
  // as three ranges of the daily roll-ups (kept for the car's life).
  const auto estimates = store.capacityEstimates(0, period.to_ms);
  std::int64_t first_day = store.dayStart(period.to_ms);
  if (auto d = store.firstDay()) first_day = std::min(first_day, *d);
  if (!estimates.empty()) first_day = std::min(first_day, store.dayStart(estimates.front().ts_ms));
  auto daily = [&](vehicle::SignalId id, double scale) {
    std::vector<Point> out;
    for (const auto& r : store.dailyRollups(id, first_day, period.to_ms)) {
      if (r.count > 0)
        out.push_back(
            {static_cast<double>(r.bucket_ms) + kMsPerDay / 2.0, r.sum / r.count * scale});
    }
    return out;
  };
  const std::vector<Point> bms_days = daily(sig::kSoh, 1.0);
  // NetCapacity as percent of nominal: not capped at 100.
  const std::vector<Point> net_days = daily(sig::kNetCapacity, 100.0 / nominal);
  std::vector<Point> odo_days;  // km at the day's last reading
  for (const auto& r : store.dailyRollups(sig::kTraveledDistance, first_day, period.to_ms))
    odo_days.push_back({static_cast<double>(r.last_ts), r.last / 1000.0});
  std::vector<Point> est;
  est.reserve(estimates.size());
  for (const auto& e : estimates)
    est.push_back({static_cast<double>(e.ts_ms), e.capacity_kwh / nominal * 100.0});

  // BMS: the mean of its last week inside the period.
  std::optional<Estimate> bms;
  {
    std::vector<double> recent;
    for (const auto& p : bms_days) {
      if (p.t_ms >= static_cast<double>(period.from_ms) && p.t_ms >= to - 7.0 * kMsPerDay)
        recent.push_back(p.soh);
    }
    if (!recent.empty()) {
      double sum = 0;
      for (double v : recent) sum += v;
      const double mean = sum / static_cast<double>(recent.size());
      // At its 100 % cap the BMS says only "at least": wider.
      double sigma = mean >= kBmsNearCap ? kBmsCappedSigma : kBmsSigma;
      const bool whole = std::all_of(recent.begin(), recent.end(),
                                     [](double v) { return std::fabs(v - std::round(v)) < 1e-6; });
      if (whole && mean < kBmsNearCap) sigma = std::hypot(sigma, kWholePercentSigma);
      bms = Estimate{mean, sigma};
      out.bms_percent = round1(bms->value);
    }
  }
  // Degradation over all history.
  const double history_from = static_cast<double>(first_day);
  // The BMS's trend from its net capacity where it reports one (never
  // capped), else from its SOH.
  const std::optional<double> rate =
      degradationRate(est, net_days.empty() ? uncensored(bms_days) : net_days, history_from, to);
  if (rate) out.degradation_percent_per_year = std::round(*rate * 100.0) / 100.0;

  const auto estimated =
      estimatedSoh(est, to, lfp, std::max(0.0, rate.value_or(out.fleet_typical_percent_per_year)));
  if (estimated) out.estimated_percent = round1(estimated->value);

  std::optional<Estimate> chosen;
  if (bms && estimated) {
    // Inverse-variance weighting; when the two disagree beyond their
    // uncertainties the interval is widened to cover both.
    const double wb = 1.0 / (bms->sigma * bms->sigma);
    const double we = 1.0 / (estimated->sigma * estimated->sigma);
    const double v = (wb * bms->value + we * estimated->value) / (wb + we);
    double s = std::sqrt(1.0 / (wb + we));
    const double gap = std::fabs(bms->value - estimated->value);
    const double expected =
        std::sqrt(bms->sigma * bms->sigma + estimated->sigma * estimated->sigma);
    if (gap > 2.5 * expected) s = std::max(s, gap / (2.0 * kZ90));
    chosen = Estimate{v, s};
    out.source = "combined";
  } else if (bms) {
    chosen = bms;
    out.source = "bms";
  } else if (estimated) {
    chosen = estimated;
    out.source = "estimated";
  }
  if (chosen) {
    out.value = round1(std::min(chosen->value, 100.0));
    out.low = round1(std::min(chosen->value - kZ90 * chosen->sigma, 100.0));
    out.high = round1(chosen->value + kZ90 * chosen->sigma);
  }

  // Projection to 80 %: linear at the historical rate. The loss curve
  // flattens with age, so this errs early (conservative).
  if (chosen && rate && *rate > 0.05) {
    const double years = std::max(0.0, (chosen->value - 80.0) / *rate);
    if (years < 50) {
      const auto when = period.to_ms + static_cast<std::int64_t>(years * kMsPerYear);
      out.projected_80_date = detail::isoDate(when, vehicle.utc_offset_minutes);
      if (odo_days.size() >= 2) {
        const double span_years = (odo_days.back().t_ms - odo_days.front().t_ms) / kMsPerYear;
        if (span_years >= 30.0 / 365.0) {
          const double km_per_year = (odo_days.back().soh - odo_days.front().soh) / span_years;
          out.projected_80_odometer_km = std::round(odo_days.back().soh + km_per_year * years);
        }
      }
    }
  }

  out.cell_imbalance_mv_max = cellImbalanceMv(store, period.from_ms, period.to_ms);
  if (out.cell_imbalance_mv_max) out.cell_imbalance_mv_max = std::round(*out.cell_imbalance_mv_max);

  // Status: the worst of SOH, rate and imbalance.
  int level = 0;  // 0 good, 1 watch, 2 attention
  if (out.value) {
    if (*out.value < kSohAttention) level = std::max(level, 2);
    if (*out.value < kSohWatch) level = std::max(level, 1);
  }
  if (rate) {
    const double fleet = out.fleet_typical_percent_per_year;
    if (*rate > kRateAttentionFactor * fleet) level = std::max(level, 2);
    if (*rate > kRateWatchFactor * fleet) level = std::max(level, 1);
  }
  if (out.cell_imbalance_mv_max) {
    if (*out.cell_imbalance_mv_max > kImbalanceAttentionMv) level = std::max(level, 2);
    if (*out.cell_imbalance_mv_max > kImbalanceWatchMv) level = std::max(level, 1);
  }
  out.status = level == 2 ? "attention" : (level == 1 ? "watch" : "good");
  return out;
}

}  // namespace crm::analytics
