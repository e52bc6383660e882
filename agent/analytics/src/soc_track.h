// What the analytics know about the reported state of charge beyond its
// latest value: a level robust to one bad reading, and how much the readings
// scatter while the car stands still.
//
// Some packs report SOC that cannot be taken reading by reading: an LFP
// pack's flat voltage curve leaves its BMS's SOC scattering by about ±0.8
// points, with now and then a reading several points off. A single reading
// must then never decide that energy went in or out.
//
// Threading: plain value, one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "live_state.h"

namespace crm::analytics::detail {

// Noisier packs need wider thresholds: an SOC change counts only beyond at
// least this many times SocTrack::restNoise(), the scatter of one reading at
// rest (a difference of two readings scatters √2 times as much: this is 3.5
// of its σ). The capacity estimator and the charging detector both use it.
inline constexpr double kNoiseSigmas = 5.0;

// The SOC as the car reports it: the precise value, else the displayed one;
// nullopt until the car has reported either. Never 0 for "unknown".
std::optional<double> reportedSoc(const LiveState& s);
// The SOC reading the car sent at instant t, if it sent one.
std::optional<double> readingAt(std::int64_t t, const LiveState& s);

class SocTrack {
 public:
  // After the instant t's samples were applied (the detectors have seen it).
  void onInstant(std::int64_t t, const LiveState& now);
  // The median of the last five readings (the upper one of an even count):
  // one of them, so a value the car reported, and not moved by a bad one
  // and a stale repeat of it. nullopt before any reading.
  std::optional<double> level() const;
  // Standard deviation of one reading at rest, points, from the differences
  // of consecutive readings of a parked car; 0 until enough were seen.
  double restNoise() const;
  // The readings so far describe the car before a charge the detectors
  // found: the level starts again from the next reading.
  void restartLevel() { last_.clear(); }

 private:
  std::deque<double> last_;        // newest readings, at most 5
  std::deque<double> rest_diffs_;  // |difference| of consecutive readings at rest
  std::optional<double> rest_soc_;
  std::int64_t rest_ts_ = -1;
  double noise_ = 0;
};

}  // namespace crm::analytics::detail
