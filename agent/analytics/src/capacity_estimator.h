// Independent capacity estimates by coulomb counting between rest points
// (docs/domain-facts.md §3). The simulator, like a BMS, defines SOC on energy: SOC
// moves by (terminal power * dt) / usable capacity. So the estimate is
//   capacity_kwh = integral of V*I dt between two rest points / delta SOC * 100
// over a window that spans at least `min_span` SOC points.
//
// A rest point is a stretch with no current (parked, not charging); its SOC
// is the trimmed mean of the SOC samples in its first two hours, which
// beats single-sample noise. Consecutive windows share only an endpoint, so
// the estimates are nearly independent. The chain of rest points breaks at
// a silence that hides a change (SOC moved or the car was driven), since
// nothing was integrated over it.
//
// Threading: plain object, one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "crm/common/civil_time.h"

#include "crm/store/records.h"
#include "live_state.h"
#include "soc_track.h"

namespace crm::analytics::detail {

struct CapacityOptions {
  double min_span_points = 30;  // docs/domain-facts.md §3: at least 30 SOC points
  double nominal_kwh = 75;      // sanity bounds are relative to this
  // A window longer than this integrates too much sensor offset to trust.
  std::int64_t max_window_ms = 7 * civil::kMsPerDay;
};

class CapacityEstimator {
 public:
  explicit CapacityEstimator(CapacityOptions options) : options_(options) {}
  void setOptions(CapacityOptions options) { options_ = options; }

  void accumulate(const LiveState& held, double dt_s);
  // `soc` has not seen this instant yet; its noise widens what counts as
  // "unchanged" across a silence at rest.
  void onInstant(std::int64_t t, const LiveState& now, const Silence* silence, const SocTrack& soc,
                 std::vector<store::CapacityEstimate>& out);
  void finish(std::vector<store::CapacityEstimate>& out);

 private:
  struct RestPoint {
    std::int64_t ts_ms = 0;
    double energy_kwh = 0;  // the running integral at this rest
    double soc = 0;
    std::optional<double> temp_c;
  };
  struct Rest {
    std::int64_t start_ms = 0;
    double energy_kwh = 0;
    std::vector<double> socs;
    std::optional<double> temp_c;
    bool done = false;  // point already taken (the collection window ended)
  };

  void endRest(std::vector<store::CapacityEstimate>& out);
  void addPoint(const RestPoint& p, std::vector<store::CapacityEstimate>& out);

  CapacityOptions options_;
  double energy_kwh_ = 0;  // integral of terminal power since the agent started
  std::optional<Rest> rest_;
  std::deque<RestPoint> chain_;
};

}  // namespace crm::analytics::detail
