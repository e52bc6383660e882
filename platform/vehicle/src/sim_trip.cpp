// Trips of the simulated car and what it does next when parked (see sim_impl.h).
#include "sim_fp.h"  // first: see there

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim_impl.h"

namespace crm::vehicle {
namespace {

using sim::kMsPerHour;
constexpr double kDriveStepS = 10.0;
constexpr std::int64_t kMissedTripMs = 2 * kMsPerHour;  // a trip this late is abandoned
constexpr double kMetresPerDegree = 111'320.0;

}  // namespace

void Simulator::Impl::scheduleParkedNext() {
  std::int64_t next = kNever;
  if (pending_dc_) next = std::min(next, std::max(pending_dc_at_, t_ + 1000));
  if (!trips_.empty())
    next = std::min(next, std::max(trips_.front().start_ms, t_ + sim::kBoardDelayMs));
  if (ac_waiting_) next = std::min(next, std::max(ac_start_ms_, t_ + 1000));
  next_activity_ = next;
}

void Simulator::Impl::onActivity() {
  switch (mode_) {
    case Mode::kDriving:
      driveStep();
      return;
    case Mode::kCharging:
      // Home charging ends when the car is needed; a DC stop makes trips wait.
      if (!charge_.dc && tripDue()) {
        stopCharging();
        unplug();
        scheduleParkedNext();
      } else {
        chargeStep();
      }
      return;
    case Mode::kParked:
      if (pending_dc_ && t_ >= pending_dc_at_) {
        const double target = *pending_dc_;
        pending_dc_.reset();
        startCharging(true, target);
      } else if (tripDue()) {
        if (cable_) {
          unplug();
          scheduleParkedNext();
        } else {
          beginTripOrPrecharge();
        }
      } else if (ac_waiting_ && t_ >= ac_start_ms_) {
        ac_waiting_ = false;
        startCharging(false, ac_target_);
      } else {
        scheduleParkedNext();
      }
      return;
  }
}

void Simulator::Impl::beginTripOrPrecharge() {
  const sim::PlannedTrip plan = trips_.front();
  if (t_ - plan.start_ms > kMissedTripMs) {
    trips_.pop_front();
    scheduleParkedNext();
    return;
  }
  // Will the trip fit? Drivers budget pessimistically: more on the highway
  // and in the cold.
  const double ambient = climate_.ambientC(t_);
  const double kwh_per_km =
      0.16 + (plan.cruise_kmh > 80 ? 0.05 : 0.0) + 0.006 * std::max(0.0, 15.0 - ambient);
  const double need = plan.distance_km * kwh_per_km / battery_.capacityKwh();
  const auto& habits = planner_.habits();
  if (battery_.soc() - need < habits.reserve) {
    const double target = std::min(1.0, std::max(habits.dc_target, habits.reserve + 0.05 + need));
    if (battery_.soc() < target - 0.02) {
      startCharging(true, target);
      return;
    }
  }
  trips_.pop_front();
  startTrip(plan);
}

void Simulator::Impl::startTrip(const sim::PlannedTrip& plan) {
  mode_ = Mode::kDriving;
  trip_ = ActiveTrip{};
  trip_.plan = plan;
  trip_.start_ms = t_;
  trip_.odo_start_m = odometer_m_;
  trip_.origin_lat = lat_;
  trip_.origin_lon = lon_;
  heading_ = drive_rng_.uniform(0.0, 2.0 * std::numbers::pi);
  emitBool(sig::kIsMoving, true);
  driveStep();
}

double Simulator::Impl::nextSpeedKmh(double travelled_m, double remaining_m) {
  if (trip_.stop_steps_left > 0) {
    --trip_.stop_steps_left;
    return 0.0;
  }
  const auto& plan = trip_.plan;
  const double p_stop = plan.urban ? 0.05 : (plan.cruise_kmh > 80 ? 0.003 : 0.015);
  if (trip_.steps > 0 && drive_rng_.chance(p_stop)) {
    trip_.stop_steps_left = drive_rng_.uniformInt(1, 5);  // 10-60 s at a light
    return 0.0;
  }
  // Speed wanders around the cruise speed (AR(1)); the first and last few
  // hundred metres are side streets.
  trip_.speed_factor += 0.3 * (1.0 - trip_.speed_factor) + 0.12 * drive_rng_.gauss();
  trip_.speed_factor = std::clamp(trip_.speed_factor, 0.35, 1.3);
  double v = plan.cruise_kmh * trip_.speed_factor;
  if (travelled_m < 800 || remaining_m < 800) v = std::min(v, 40.0);
  return std::max(v, 5.0);
}

double Simulator::Impl::drivePowerW(double v0, double v1, double dt, double ambient) {
  // Road load of a mid-size EV (mass grows with the pack), with denser air
  // and stiffer tyres in the cold, plus cabin heating or cooling.
  const double mass = 1500.0 + 7.0 * cfg_.nominal_capacity_kwh;
  const double rho = 1.225 * 288.15 / (273.15 + ambient);
  const double crr = 0.011 * (1.0 + 0.01 * std::max(0.0, 10.0 - ambient));
  const double p_road = v1 > 0 ? (mass * 9.81 * crr + 0.5 * rho * 0.6 * v1 * v1) * v1 : 0.0;
  const double p_wheel = p_road + 0.5 * mass * (v1 * v1 - v0 * v0) / dt;
  double p_batt = 0;  // + out of the battery
  if (p_wheel >= 0) {
    p_batt = p_wheel / 0.85 * (1.0 + 0.003 * std::max(0.0, 20.0 - battery_.temperatureC()));
  } else {
    // Regeneration recovers most braking above walking pace; friction
    // brakes do the rest (and wear the pads).
    const double braking = -p_wheel;
    const double regen = std::max(v0, v1) > 2.0 ? std::min(braking * 0.85, 60'000.0) : 0.0;
    brakes_.addFrictionEnergy((braking - regen) * dt);
    p_batt = -regen * 0.75;
  }
  const double aux = 450.0 + std::min(4000.0, 140.0 * std::max(0.0, 18.0 - ambient)) +
                     120.0 * std::max(0.0, ambient - 24.0) +
                     battery_.heaterLoadW(sim::ThermalMode::kDriving);
  return -(p_batt + aux);
}

void Simulator::Impl::moveLocation(double metres) {
  if (trip_.plan.ends_home) {
    // Heading home: along the straight line from where the trip began.
    const double total = trip_.plan.distance_km * 1000.0;
    const double progress = std::clamp((odometer_m_ - trip_.odo_start_m) / total, 0.0, 1.0);
    lat_ = trip_.origin_lat + (home_lat_ - trip_.origin_lat) * progress;
    lon_ = trip_.origin_lon + (home_lon_ - trip_.origin_lon) * progress;
    return;
  }
  // Roads are not straight: a third of the distance is lost to bends.
  const double d = metres / 1.5;
  lat_ += d * std::cos(heading_) / kMetresPerDegree;
  lon_ += d * std::sin(heading_) / (kMetresPerDegree * std::cos(lat_ * std::numbers::pi / 180.0));
}

void Simulator::Impl::driveStep() {
  const double travelled = odometer_m_ - trip_.odo_start_m;
  const double remaining = trip_.plan.distance_km * 1000.0 - travelled;
  if (remaining <= 1.0 || battery_.soc() < 0.03) {
    endTrip();
    return;
  }
  heading_ += 0.05 * drive_rng_.gauss();
  // Drivers accelerate at up to 1.5 m/s^2 and brake at up to 3 m/s^2.
  double v = std::clamp(nextSpeedKmh(travelled, remaining), speed_kmh_ - 108.0, speed_kmh_ + 54.0);
  double dt = kDriveStepS;
  if (v > 0 && v / 3.6 * dt >= remaining) {
    // Land exactly on the planned distance: whole seconds, speed adjusted.
    dt = std::max(1.0, std::ceil(remaining / (v / 3.6)));
    v = remaining / dt * 3.6;
  }
  const double ambient = climate_.ambientC(t_);
  power_w_ = drivePowerW(speed_kmh_ / 3.6, v / 3.6, dt, ambient);
  speed_kmh_ = v;
  current_a_ = battery_.currentForPower(power_w_);
  voltage_v_ = battery_.voltageForCurrent(current_a_);

  emitNumber(sig::kSpeed, v);
  emitBool(sig::kIsMoving, true);
  emitSocState();
  emitElectrical();
  emitNumber(sig::kTraveledDistance, odometer_m_);
  if (trip_.steps % 6 == 0) {
    emitTemperatures();
    emitNumber(sig::kConsumedEnergy, consumed_kwh_);
  }
  emitLocation();
  ++trip_.steps;
  next_activity_ = t_ + std::llround(dt * 1000.0);
}

void Simulator::Impl::endTrip() {
  mode_ = Mode::kParked;
  speed_kmh_ = 0;
  power_w_ = 0;
  current_a_ = 0;
  voltage_v_ = battery_.ocvPackV();
  emitNumber(sig::kSpeed, 0.0);
  emitBool(sig::kIsMoving, false);
  emitSocState();
  emitElectrical();
  emitNumber(sig::kTraveledDistance, odometer_m_);
  emitNumber(sig::kConsumedEnergy, consumed_kwh_);
  emitTemperatures();
  emitLocation();
  truth_.trips.push_back(
      {trip_.start_ms, t_, (odometer_m_ - trip_.odo_start_m) / 1000.0, trip_.energy_kwh});
  last_active_ms_ = t_;
  decideCharge(trip_.plan);
  scheduleParkedNext();
}

}  // namespace crm::vehicle
