// Online charging-session detection (rules in docs/analytics.md):
//  - a session is an IsCharging true..false run (current flowing in while
//    parked when the car has no IsCharging), energy the hold-forward
//    integral of terminal power;
//  - DC when ChargeCurrent.DC carried the current, AC when the phases did;
//  - a silence in the stream (the agent was off) inside a session is
//    bridged with the SOC (or BMS energy) change across it;
//  - a silence outside a session that hides an SOC rise of more than 3
//    points (allowing for driving seen on the odometer) becomes one session
//    with inferred = true.
//
// Threading: plain object, one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/store/records.h"
#include "live_state.h"

namespace crm::analytics::detail {

// What the detectors need to know about the car beyond the samples.
struct CarModel {
  double kwh_per_point = 0.75;  // usable capacity / 100
  double kwh_per_km = 0.18;     // recent driving efficiency
};

// Energy into the battery across a silence, kWh (negative when it fell):
// the BMS energy content when both sides report it, else SOC times capacity.
double energyChangeKwh(const LiveState& before, const LiveState& now, const CarModel& car);
// SOC change across a silence, points; falls back on the displayed SOC when
// the precise one was not refreshed.
double socChange(const LiveState& before, const LiveState& now);
// Distance driven across a silence, km (0 when the odometer is unknown).
double odometerChangeKm(const LiveState& before, const LiveState& now);

class ChargingDetector {
 public:
  // The interval [now - dt, now) at the power held from the last instant.
  void accumulate(const LiveState& held, double dt_s);
  // One instant, after its samples were applied. `silence` is set when the
  // stream was silent since the previous instant. Completed sessions are
  // appended to `out`.
  void onInstant(std::int64_t t, const LiveState& now, const Silence* silence, const CarModel& car,
                 std::vector<store::ChargingSession>& out);
  // End of stream: a session in progress is closed at the last instant seen
  // with what was observed.
  void finish(const LiveState& now, std::vector<store::ChargingSession>& out);
  bool active() const { return open_.has_value(); }

 private:
  struct Open {
    std::int64_t start_ms = 0;
    std::int64_t last_ms = 0;
    double start_soc = 0;
    double last_soc = 0;
    double energy_kwh = 0;    // measured plus bridged
    double measured_kwh = 0;  // from power samples only
    double measured_s = 0;
    double peak_kw = 0;
    double max_dc_a = 0;
    double max_phase_a = 0;
    std::optional<double> temp_max_c;
    double charge_limit = 100;
  };

  void open(std::int64_t t, double soc, const LiveState& now);
  void observe(std::int64_t t, const LiveState& now);
  store::ChargingSession close(std::int64_t end_ms, double end_soc);

  std::optional<Open> open_;
};

}  // namespace crm::analytics::detail
