#include "capacity_estimator.h"

#include <algorithm>
#include <cmath>

#include "robust.h"

namespace crm::analytics::detail {
namespace {

namespace sig = vehicle::sig;

// SOC samples of a rest are collected for this long: enough for a few
// samples on a parked car, short enough that self-discharge does not count.
constexpr std::int64_t kRestCollectMs = 2 * kMsPerHour;
// A silence at rest keeps the chain only when nothing moved meanwhile.
constexpr double kSilentSocTolerance = 0.5;
// Samples further than this from the median of a rest are outliers.
constexpr double kRestOutlierPoints = 0.3;

double restSoc(const std::vector<double>& socs) {
  const double m = median(socs);
  double sum = 0;
  int n = 0;
  for (double s : socs) {
    if (std::fabs(s - m) <= kRestOutlierPoints) {
      sum += s;
      ++n;
    }
  }
  return n > 0 ? sum / n : m;
}

}  // namespace

void CapacityEstimator::accumulate(const LiveState& held, double dt_s) {
  energy_kwh_ += held.powerW() * dt_s / 3.6e6;
}

void CapacityEstimator::onInstant(std::int64_t t, const LiveState& now, const Silence* silence,
                                  const SocTrack& soc, std::vector<store::CapacityEstimate>& out) {
  const bool at_rest = now.atRest() && now.has(sig::kSocCurrent);
  if (silence != nullptr) {
    const LiveState& before = *silence->before;
    // Compared with the level before (one bad reading cannot break the
    // chain) and within what the readings scatter at rest; an odometer not
    // seen on both sides cannot show that the car stood still.
    const auto level = soc.level();
    const double tolerance = std::max(kSilentSocTolerance, kNoiseSigmas * soc.restNoise());
    const bool unchanged = rest_ && at_rest && level && before.has(sig::kSocCurrent) &&
                           std::fabs(now.get(sig::kSocCurrent) - *level) < tolerance &&
                           before.has(sig::kTraveledDistance) && now.has(sig::kTraveledDistance) &&
                           now.get(sig::kTraveledDistance) == before.get(sig::kTraveledDistance);
    if (!unchanged) {
      endRest(out);
      rest_.reset();
      chain_.clear();
    }
  }
  if (rest_ && !at_rest) {
    endRest(out);
    rest_.reset();
  }
  if (!at_rest) return;
  if (!rest_) {
    rest_ = Rest{};
    rest_->start_ms = t;
    rest_->energy_kwh = energy_kwh_;
  }
  if (rest_->done) return;
  if (t - rest_->start_ms > kRestCollectMs) {
    endRest(out);
    return;
  }
  if (now.ts(sig::kSocCurrent) == t) rest_->socs.push_back(now.get(sig::kSocCurrent));
  if (now.has(sig::kPackTempAvg)) rest_->temp_c = now.get(sig::kPackTempAvg);
}

void CapacityEstimator::finish(std::vector<store::CapacityEstimate>& out) {
  endRest(out);
}

void CapacityEstimator::endRest(std::vector<store::CapacityEstimate>& out) {
  if (!rest_) return;
  if (!rest_->done && !rest_->socs.empty()) {
    addPoint(RestPoint{rest_->start_ms, rest_->energy_kwh, restSoc(rest_->socs), rest_->temp_c},
             out);
  }
  // The rest itself may go on (its collection window is over); the next
  // point comes after the car has been active again.
  rest_->done = true;
}

void CapacityEstimator::addPoint(const RestPoint& p, std::vector<store::CapacityEstimate>& out) {
  while (!chain_.empty() && p.ts_ms - chain_.front().ts_ms > options_.max_window_ms)
    chain_.pop_front();
  // The newest earlier point far enough away in SOC: the shortest window.
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    const double span = p.soc - it->soc;
    if (std::fabs(span) < options_.min_span_points) continue;
    const double kwh = (p.energy_kwh - it->energy_kwh) / span * 100.0;
    // Physically plausible only; anything else is a broken integral.
    if (kwh > 0.4 * options_.nominal_kwh && kwh < 1.2 * options_.nominal_kwh) {
      out.push_back(store::CapacityEstimate{p.ts_ms, kwh, std::fabs(span), p.temp_c});
    }
    chain_.clear();
    break;
  }
  chain_.push_back(p);
}

}  // namespace crm::analytics::detail
