// The simulator's insides, shared by simulator.cpp (event loop, periodic
// signals, public face), sim_emit.cpp (emission), sim_trip.cpp (trips, what
// happens next when parked) and sim_charging.cpp (charging sessions).
//
// The model is a discrete-event simulation with a handful of timers (next
// drive/charge step or planned start, 30-minute parked tick, 6-hourly
// checks, 04:00 daily, DTC changes, agent-off gaps). Every sample is emitted
// at the current simulated time, so output is in global time order by
// construction; a per-path guard drops a second sample of the same path at
// the same millisecond, which keeps per-path order strict.
//
// Electrical values are sample-and-hold forward: the current, voltage and
// power emitted at t hold until the next sample, and the SOC integrates
// exactly that power, so integrating I*V over time reproduces the SOC change
// times the true capacity.
//
// Threading: one thread.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "crm/vehicle/simulator.h"
#include "sim_battery.h"
#include "sim_planner.h"
#include "sim_random.h"
#include "sim_world.h"

namespace crm::vehicle {
namespace sim {
inline constexpr std::size_t kSignalCount = 40;        // catalogue size (signals.cpp)
inline constexpr double kAcChargerEfficiency = 0.92;   // grid to battery
inline constexpr std::int64_t kBoardDelayMs = 60'000;  // unplug, get in, drive off
}  // namespace sim

struct Simulator::Impl {
  explicit Impl(SimulatorConfig config);
  std::optional<Record> next();

  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  // --- Event loop and periodic signals (simulator.cpp).
  void step();
  void advance(std::int64_t to_ms);
  void finish();
  void onGapBoundary();
  void onDaily();
  void onSixHourly();
  void onTick();
  void onDtcChange();
  std::int64_t nextGapStart();
  double daysSinceStart() const;
  double lvRestVoltageNow() const;
  VehicleFacts makeFacts() const;

  // --- Emission (sim_emit.cpp).
  Sample& push(SignalId id);  // appends a sample at t_ and marks the path
  void emitNumber(SignalId id, double value);
  void emitBool(SignalId id, bool value);
  void emitDtcList();
  void emitSnapshot();          // everything, as an agent reads it when it starts
  void emitSocState();          // SOC current and displayed, energy
  double reportedSocPercent();  // the BMS's SOC: the truth, or an LFP BMS's estimate
  void emitTemperatures();      // pack average, min, max
  void emitElectrical();        // pack current, voltage, power
  void emitCells();
  void emitChargeCurrents();  // DC or phase currents, whichever carries the session
  void emitLocation();

  // --- Activities (sim_trip.cpp, sim_charging.cpp).
  void onActivity();
  bool tripDue() const { return !trips_.empty() && trips_.front().start_ms <= t_; }
  void scheduleParkedNext();
  void beginTripOrPrecharge();
  void startTrip(const sim::PlannedTrip& plan);
  void driveStep();
  void endTrip();
  double nextSpeedKmh(double travelled_m, double remaining_m);
  double drivePowerW(double v0_ms, double v1_ms, double dt_s, double ambient_c);
  void moveLocation(double metres);
  void decideCharge(const sim::PlannedTrip& plan);
  void plugInAc(double target);
  std::int64_t acStartTime() const;
  void startCharging(bool dc, double target);
  void chargeStep();
  double timeToCompleteS(double power_w) const;
  void stopCharging();
  void unplug();
  bool overlapsGap(std::int64_t from, std::int64_t to) const;

  // --- Configuration and models. Declaration order is initialisation order.
  SimulatorConfig cfg_;
  sim::Rng persona_;
  sim::Rng drive_rng_;
  sim::Rng charge_rng_;
  sim::Rng noise_rng_;
  sim::Rng gap_rng_;
  sim::Rng wear_rng_;
  sim::Rng bms_rng_;  // the LFP BMS's SOC error (lfp_soc_noise)
  sim::Climate climate_;
  sim::Battery battery_;
  sim::TripPlanner planner_;
  sim::Tyres tyres_;
  sim::Brakes brakes_;
  GroundTruth truth_;

  // --- Time.
  std::int64_t start_ms_;
  std::int64_t end_ms_;
  std::int64_t offset_ms_;
  std::int64_t delivered_ms_;
  std::int64_t t_;
  std::int64_t next_activity_ = kNever;
  std::int64_t next_tick_ = kNever;
  std::int64_t next_six_ = kNever;
  std::int64_t next_daily_ = kNever;
  std::int64_t next_dtc_ = kNever;
  std::int64_t next_gap_ = kNever;
  std::vector<std::int64_t> dtc_changes_;  // sorted instants when the DTC set changes
  std::size_t dtc_index_ = 0;

  // --- Output queue (reused: no allocation per sample once warm).
  std::vector<Sample> out_;
  std::size_t head_ = 0;
  std::array<std::int64_t, sim::kSignalCount> last_ts_{};
  std::array<double, sim::kSignalCount> last_value_{};
  std::array<bool, sim::kSignalCount> has_last_{};
  bool facts_sent_ = false;
  bool finished_ = false;
  bool in_gap_ = false;
  bool resumed_ = false;

  // --- Vehicle state.
  enum class Mode : std::uint8_t { kParked, kDriving, kCharging };
  Mode mode_ = Mode::kParked;
  bool cable_ = false;
  double odometer_m_ = 0;
  double charged_kwh_ = 0;
  double consumed_kwh_ = 0;
  double regen_credit_kwh_ = 0;  // regeneration offsets later consumption
  double speed_kmh_ = 0;         // held over the current interval
  double power_w_ = 0;           // + into the battery
  double current_a_ = 0;
  double voltage_v_ = 0;
  double charge_limit_ = 0.8;
  double lat_ = 0, lon_ = 0, home_lat_ = 0, home_lon_ = 0, heading_ = 0;
  double lv_offset_v_ = 0;
  double soh_bias_ = 0;
  bool hold_first_soc_ = false;     // late_first_soc: the first SOC report is skipped
  std::int64_t soc_anchor_ms_ = 0;  // lfp_soc_noise: last re-anchoring
  double soc_drift_per_day_ = 0;    // lfp_soc_noise: points per day since then
  std::int64_t last_active_ms_ = 0;
  std::int64_t last_full_ms_ = 0;

  struct ActiveTrip {
    sim::PlannedTrip plan;
    std::int64_t start_ms = 0;
    double odo_start_m = 0;
    double energy_kwh = 0;
    double origin_lat = 0, origin_lon = 0;
    double speed_factor = 1.0;
    int stop_steps_left = 0;
    int steps = 0;
  };
  std::deque<sim::PlannedTrip> trips_;
  ActiveTrip trip_;

  struct ActiveCharge {
    bool dc = false;
    double target = 0.8;
    double stop_at = 2.0;  // an interruption ends the session at this SOC
    std::int64_t start_ms = 0;
    double start_soc = 0;
    double energy_kwh = 0;
    double peak_kw = 0;
    int steps = 0;
  };
  ActiveCharge charge_;
  bool ac_waiting_ = false;  // plugged in, waiting for the timer
  std::int64_t ac_start_ms_ = 0;
  double ac_target_ = 0.8;
  double dc_threshold_ = 0.2;         // away from home, DC below this SOC
  std::optional<double> pending_dc_;  // a DC session about to start (target)
  std::int64_t pending_dc_at_ = 0;
};

}  // namespace crm::vehicle
