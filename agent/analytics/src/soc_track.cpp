#include "soc_track.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "robust.h"

namespace crm::analytics::detail {
namespace {

namespace sig = vehicle::sig;

// The level is the median of this many readings: it outvotes a bad one and
// a stale repeat of it.
constexpr std::size_t kLevelReadings = 5;
// Differences kept for the noise estimate: a day of a parked car's reports.
constexpr std::size_t kNoiseDiffs = 48;
// Fewer differences than this give no estimate yet.
constexpr std::size_t kNoiseMinDiffs = 8;
// Readings further apart than this may straddle a charge the agent missed.
constexpr std::int64_t kNoisePairMaxMs = 2 * kMsPerHour;
// median |a − b| of two readings with Gaussian noise σ is 0.6745 × √2 × σ.
constexpr double kMedianDiffToSigma = 1.0 / (0.6745 * 1.41421356);

}  // namespace

std::optional<double> reportedSoc(const LiveState& s) {
  if (s.has(sig::kSocCurrent)) return s.get(sig::kSocCurrent);
  if (s.has(sig::kSocDisplayed)) return s.get(sig::kSocDisplayed);
  return std::nullopt;
}

std::optional<double> readingAt(std::int64_t t, const LiveState& s) {
  if (s.ts(sig::kSocCurrent) == t) return s.get(sig::kSocCurrent);
  if (!s.has(sig::kSocCurrent) && s.ts(sig::kSocDisplayed) == t) return s.get(sig::kSocDisplayed);
  return std::nullopt;
}

void SocTrack::onInstant(std::int64_t t, const LiveState& now) {
  const bool still = !now.moving() && !now.charging();
  if (!still) rest_soc_.reset();
  const auto reading = readingAt(t, now);
  if (!reading) return;
  const double soc = *reading;
  last_.push_back(soc);
  if (last_.size() > kLevelReadings) last_.pop_front();
  if (!still) return;
  if (rest_soc_ && t - rest_ts_ <= kNoisePairMaxMs) {
    rest_diffs_.push_back(std::fabs(soc - *rest_soc_));
    if (rest_diffs_.size() > kNoiseDiffs) rest_diffs_.pop_front();
    if (rest_diffs_.size() >= kNoiseMinDiffs) {
      noise_ = median({rest_diffs_.begin(), rest_diffs_.end()}) * kMedianDiffToSigma;
    }
  }
  rest_soc_ = soc;
  rest_ts_ = t;
}

std::optional<double> SocTrack::level() const {
  if (last_.empty()) return std::nullopt;
  // The upper median: with an even count (just after a restart) the higher,
  // so that a low reading cannot make a later rise look like a charge.
  std::vector<double> v(last_.begin(), last_.end());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double SocTrack::restNoise() const {
  return noise_;
}

}  // namespace crm::analytics::detail
