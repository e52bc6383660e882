// LiveTracker: the newest values of the signals that can turn a prompt
// critical, and whether a sample moved one of them across a rule's edge.
#include <algorithm>

#include "bands.h"
#include "crm/engagement/facts.h"

namespace crm::engagement {
namespace {

namespace sig = vehicle::sig;

// Tyre signal -> LiveFacts::tyre_kpa index, or -1.
int tyreIndex(vehicle::SignalId id) {
  switch (id) {
    case sig::kTyreFrontLeft:
      return 0;
    case sig::kTyreFrontRight:
      return 1;
    case sig::kTyreRearLeft:
      return 2;
    case sig::kTyreRearRight:
      return 3;
    default:
      return -1;
  }
}

std::optional<double> numberOf(const vehicle::Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

}  // namespace

LiveTracker::LiveTracker() : LiveTracker(vehicle::VehicleInfo{}.tyre_placard_kpa, Thresholds{}) {}

LiveTracker::LiveTracker(double tyre_placard_kpa, const Thresholds& thresholds) {
  setBands(tyre_placard_kpa, thresholds);
}

void LiveTracker::setBands(double tyre_placard_kpa, const Thresholds& thresholds) {
  placard_kpa_ = tyre_placard_kpa;
  thresholds_ = thresholds;
  for (std::size_t i = 0; i < tyre_band_.size(); ++i)
    tyre_band_[i] = facts_.tyre_kpa[i] ? tyreBand(*facts_.tyre_kpa[i]) : 0;
  fluid_band_ = facts_.brake_fluid_percent ? fluidBand(*facts_.brake_fluid_percent) : 0;
}

// 0 fine, 1 between the clear edge and the raise edge, 2 low, 3 critical.
int LiveTracker::tyreBand(double kpa) const {
  if (placard_kpa_ <= 0) return 0;
  const double below = bands::percentBelow(kpa, placard_kpa_);
  if (below >= thresholds_.tyre_critical_percent) return 3;
  if (below >= thresholds_.tyre_low_percent) return 2;
  if (below > bands::tyreClearPercent(thresholds_)) return 1;
  return 0;
}

// 0 fine, 1 between the raise edge and the clear edge, 2 low.
int LiveTracker::fluidBand(double percent) const {
  if (percent < thresholds_.brake_fluid_low_percent) return 2;
  if (percent < bands::fluidClearPercent(thresholds_)) return 1;
  return 0;
}

bool LiveTracker::update(const vehicle::Sample& sample) {
  facts_.last_sample_ms = std::max(facts_.last_sample_ms, sample.ts_ms);
  if (sample.signal == sig::kDtcList) {
    const auto* codes = std::get_if<std::vector<std::string>>(&sample.value);
    if (codes == nullptr) return false;
    std::vector<std::string> sorted = *codes;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const bool changed = !facts_.dtcs_seen || sorted != facts_.active_dtcs;
    facts_.active_dtcs = std::move(sorted);
    facts_.dtcs_seen = true;
    return changed;
  }
  const auto number = numberOf(sample.value);
  if (!number) return false;
  const double v = *number;
  if (const int tyre = tyreIndex(sample.signal); tyre >= 0) {
    facts_.tyre_kpa[tyre] = v;
    const int band = tyreBand(v);
    const bool changed = band != tyre_band_[tyre];
    tyre_band_[tyre] = band;
    return changed;
  }
  switch (sample.signal) {
    case sig::kIsMoving: {
      is_moving_seen_ = true;
      const bool changed = facts_.moving != (v != 0);
      facts_.moving = v != 0;
      return changed;
    }
    case sig::kSpeed: {
      if (is_moving_seen_) return false;
      const bool changed = facts_.moving != (v > 0);
      facts_.moving = v > 0;
      return changed;
    }
    case sig::kBrakeFluidLevel: {
      facts_.brake_fluid_percent = v;
      const int band = fluidBand(v);
      const bool changed = band != fluid_band_;
      fluid_band_ = band;
      return changed;
    }
    case sig::kSocCurrent: {
      facts_.soc_percent = v;
      // Becoming full matters at once (the LFP reminder); staying full not.
      const bool was_full = full_;
      full_ = v >= bands::kFullSocPercent;
      if (full_) facts_.last_full_ms = sample.ts_ms;
      return full_ && !was_full;
    }
    default:
      return false;
  }
}

}  // namespace crm::engagement
