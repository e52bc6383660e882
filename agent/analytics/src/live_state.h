// The latest value of every numeric or boolean signal, as the online
// detectors see the car at one instant (after all samples with that
// timestamp have been applied).
//
// Threading: plain value, one thread.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "crm/vehicle/record.h"
#include "crm/vehicle/signals.h"

namespace crm::analytics::detail {

inline constexpr std::size_t kMaxSignals = 64;

class LiveState {
 public:
  void apply(const vehicle::Sample& s) {
    if (s.signal >= kMaxSignals) return;
    double v = 0;
    if (const auto* d = std::get_if<double>(&s.value)) {
      v = *d;
    } else if (const auto* b = std::get_if<bool>(&s.value)) {
      v = *b ? 1.0 : 0.0;
    } else {
      return;
    }
    // A value repeated exactly may be a stale frame (a sensor that missed an
    // update re-sends its last value); powerW() arbitrates with it.
    repeated_[s.signal] = has_[s.signal] && value_[s.signal] == v;
    value_[s.signal] = v;
    ts_[s.signal] = s.ts_ms;
    has_[s.signal] = true;
  }

  bool has(vehicle::SignalId id) const { return has_[id]; }
  double get(vehicle::SignalId id, double fallback = 0) const {
    return has_[id] ? value_[id] : fallback;
  }
  std::int64_t ts(vehicle::SignalId id) const { return has_[id] ? ts_[id] : -1; }

  // Power at the pack terminals, W, + into the battery. The power signal
  // when the car reports it, else voltage times current.
  // When both are reported and disagree grossly, the one whose sample is a
  // repeat of its previous value is taken for stale.
  double powerW() const {
    namespace sig = vehicle::sig;
    const bool vi = has_[sig::kPackCurrent] && has_[sig::kPackVoltage];
    const double p_vi = vi ? value_[sig::kPackCurrent] * value_[sig::kPackVoltage] : 0.0;
    if (!has_[sig::kPackPower]) return p_vi;
    const double p = value_[sig::kPackPower];
    if (vi && ts_[sig::kPackCurrent] == ts_[sig::kPackPower] &&
        std::fabs(p - p_vi) > 500.0 + 0.15 * std::fabs(p_vi) && repeated_[sig::kPackPower] &&
        !repeated_[sig::kPackCurrent]) {
      return p_vi;
    }
    return p;
  }
  bool hasPower() const {
    namespace sig = vehicle::sig;
    return has_[sig::kPackPower] || (has_[sig::kPackCurrent] && has_[sig::kPackVoltage]);
  }
  // Moving: IsMoving when reported, else a speed above walking pace.
  bool moving() const {
    namespace sig = vehicle::sig;
    if (has_[sig::kIsMoving]) return value_[sig::kIsMoving] != 0;
    return get(sig::kSpeed) > 3.0;
  }
  // Charging: IsCharging when reported, else current flowing in while the
  // car stands (regeneration only happens while moving).
  bool charging() const {
    namespace sig = vehicle::sig;
    if (has_[sig::kIsCharging]) return value_[sig::kIsCharging] != 0;
    return !moving() && get(sig::kPackCurrent) > 1.0;
  }
  // At rest: no current through the pack, neither driving nor charging. The
  // 1 A threshold admits the sensor offset and the 12 V converter's idle draw.
  bool atRest() const {
    namespace sig = vehicle::sig;
    return !moving() && !charging() && has_[sig::kPackCurrent] &&
           std::fabs(value_[sig::kPackCurrent]) < 1.0;
  }

 private:
  std::array<double, kMaxSignals> value_{};
  std::array<std::int64_t, kMaxSignals> ts_{};
  std::array<bool, kMaxSignals> has_{};
  std::array<bool, kMaxSignals> repeated_{};
};

// What the analytics learn when the stream falls silent for longer than the
// gap threshold: the state before the silence and how long it lasted.
struct Silence {
  std::int64_t from_ms = 0;  // last instant before the silence
  std::int64_t to_ms = 0;    // first instant after it
  const LiveState* before = nullptr;
};

}  // namespace crm::analytics::detail
