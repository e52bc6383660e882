// Online charging-session detection (rules in docs/analytics.md):
//  - a session is an IsCharging true..false run (current flowing in while
//    parked when the car has no IsCharging), energy the hold-forward
//    integral of terminal power;
//  - DC when ChargeCurrent.DC carried the current, AC when the phases did;
//  - a silence in the stream (the agent was off) inside a session is
//    bridged with the SOC (or BMS energy) change across it;
//  - a charge outside a session, hidden by a silence, becomes one session
//    with inferred = true, but only on evidence noise cannot fake: the BMS's
//    charged-energy counter when it reports one, else an SOC rise that the
//    following readings confirm, above a threshold scaled by the noise of
//    the readings at rest.
// An SOC the car never reported is never used: not as 0, not as a session's
// start or end.
//
// Threading: plain object, one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/store/records.h"
#include "live_state.h"
#include "soc_track.h"

namespace crm::analytics::detail {

// What the detectors need to know about the car beyond the samples.
struct CarModel {
  double kwh_per_point = 0.75;  // usable capacity / 100
  double kwh_per_km = 0.18;     // recent driving efficiency
};

class ChargingDetector {
 public:
  // The interval [now - dt, now) at the power held from the last instant.
  void accumulate(const LiveState& held, double dt_s);
  // One instant, after its samples were applied. `silence` is set when the
  // stream was silent since the previous instant; `soc` has not seen this
  // instant yet, and its level is restarted when a charge is found (the
  // readings before it no longer describe the car). Completed sessions are
  // appended to `out`.
  void onInstant(std::int64_t t, const LiveState& now, const Silence* silence, SocTrack& soc,
                 const CarModel& car, std::vector<store::ChargingSession>& out);
  // End of stream: a session in progress is closed at the last instant seen
  // with what was observed; a charge waiting for confirmation is judged on
  // the readings seen.
  void finish(const CarModel& car, const SocTrack& soc, std::vector<store::ChargingSession>& out);
  bool active() const { return open_.has_value(); }

 private:
  struct Open {
    std::int64_t start_ms = 0;
    std::int64_t last_ms = 0;
    std::optional<double> start_soc;  // first reported SOC when opened without one
    std::optional<double> last_soc;
    double energy_kwh = 0;    // measured plus bridged
    double measured_kwh = 0;  // from power samples only
    double measured_s = 0;
    double peak_kw = 0;
    double max_dc_a = 0;
    double max_phase_a = 0;
    std::optional<double> temp_max_c;
    double charge_limit = 100;
  };
  // An SOC rise across a silence, waiting for the following readings to
  // confirm it.
  struct Candidate {
    std::int64_t from_ms = 0, to_ms = 0;
    double start_soc = 0;  // the level before the silence (reported)
    double drive_kwh = 0;  // what the distance driven meanwhile took
    std::vector<double> readings;
  };

  void onSilence(const LiveState& now, const Silence& silence, SocTrack& soc, const CarModel& car,
                 std::vector<store::ChargingSession>& out);
  void judge(const CarModel& car, const SocTrack& soc, std::vector<store::ChargingSession>& out);
  void open(std::int64_t t, std::optional<double> soc, const LiveState& now);
  void observe(std::int64_t t, const LiveState& now);
  void close(std::int64_t end_ms, std::vector<store::ChargingSession>& out);

  std::optional<Open> open_;
  std::optional<Candidate> candidate_;
  std::int64_t last_end_ms_ = -1;  // end of the last observed session
};

}  // namespace crm::analytics::detail
