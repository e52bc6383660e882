// Charging sessions of the simulated car: when it plugs in, AC and DC power
// curves, interruptions (see sim_impl.h).
#include "sim_fp.h"  // first: see there

#include <algorithm>
#include <cmath>

#include "sim_impl.h"

namespace crm::vehicle {
namespace {

using sim::kMsPerDay;
using sim::kMsPerHour;
constexpr double kAcStepS = 60.0;               // on-board charger power changes slowly
constexpr double kDcStepS = 10.0;               // DC power and temperature move fast
constexpr std::int64_t kPlugDelayMs = 120'000;  // park, walk to the charger, plug in

}  // namespace

void Simulator::Impl::decideCharge(const sim::PlannedTrip& plan) {
  const auto& habits = planner_.habits();
  const double soc = battery_.soc();
  const bool lfp_full_due = battery_.chemistry() == sim::Chemistry::kLfp &&
                            t_ - last_full_ms_ > habits.lfp_full_every_days * kMsPerDay;
  const double dc_draw = charge_rng_.uniform();  // drawn every time: keeps the stream aligned
  const bool at_home =
      plan.ends_home && (plan.last_of_day || cfg_.profile == UsageProfile::kPrivate);
  auto dcSoon = [&] {
    pending_dc_ = habits.dc_target;
    pending_dc_at_ = t_ + kPlugDelayMs;
  };
  if (at_home) {
    if (cfg_.home_charger_kw <= 0) {
      if (soc < std::max(habits.dc_below, 0.35)) dcSoon();
      return;
    }
    if (!habits.always_plug && soc >= habits.plug_below && !lfp_full_due) return;
    if (dc_draw >= habits.dc_share) {
      plugInAc(lfp_full_due ? 1.0 : habits.ac_limit);
    } else if (soc < habits.dc_target - 0.15) {
      // This charge is a fast one instead of the home charger; a driver only
      // makes the stop when it adds a worthwhile amount.
      dcSoon();
    }
    return;
  }
  if (soc < dc_threshold_) dcSoon();
}

std::int64_t Simulator::Impl::acStartTime() const {
  const int h = planner_.habits().off_peak_hour;
  if (h < 0) return t_ + sim::kBoardDelayMs;
  const std::int64_t local = t_ + offset_ms_;
  const std::int64_t midnight = local - ((local % kMsPerDay) + kMsPerDay) % kMsPerDay;
  const double hour = static_cast<double>(local - midnight) / kMsPerHour;
  // Off-peak runs from the timer hour to 06:00.
  const bool in_window = h >= 12 ? (hour >= h || hour < 6) : (hour >= h && hour < 6);
  if (in_window) return t_ + sim::kBoardDelayMs;
  std::int64_t start = midnight + h * kMsPerHour - offset_ms_;
  if (start <= t_) start += kMsPerDay;
  return start;
}

void Simulator::Impl::plugInAc(double target) {
  cable_ = true;
  emitBool(sig::kCableConnected, true);
  charge_limit_ = target;
  emitNumber(sig::kChargeLimit, target * 100.0);
  ac_waiting_ = true;
  ac_target_ = target;
  ac_start_ms_ = acStartTime();
}

void Simulator::Impl::startCharging(bool dc, double target) {
  const double soc = battery_.soc();
  // Drawn whether or not the session starts: keeps the stream aligned.
  const double interrupt_draw = charge_rng_.uniform();
  const double interrupt_where = charge_rng_.uniform();
  if (soc >= target - 0.002) {
    scheduleParkedNext();
    return;
  }
  const auto& habits = planner_.habits();
  mode_ = Mode::kCharging;
  if (!cable_) {
    cable_ = true;
    emitBool(sig::kCableConnected, true);
  }
  charge_limit_ = target;
  emitNumber(sig::kChargeLimit, target * 100.0);
  charge_ = ActiveCharge{};
  charge_.dc = dc;
  charge_.target = target;
  charge_.start_ms = t_;
  charge_.start_soc = soc;
  if (interrupt_draw < (dc ? habits.interrupt_dc : habits.interrupt_ac)) {
    charge_.stop_at = soc + (target - soc) * (0.3 + 0.6 * interrupt_where);
  }
  emitBool(sig::kIsCharging, true);
  chargeStep();
}

double Simulator::Impl::timeToCompleteS(double power_w) const {
  const double cap = battery_.capacityKwh();
  const double soc = battery_.soc();
  if (power_w <= 0 || soc >= charge_.target) return 0;
  if (!charge_.dc) return (charge_.target - soc) * cap * 3.6e6 / power_w;
  // DC: walk the taper curve in 1 % steps.
  double seconds = 0;
  const int slices = static_cast<int>(std::ceil((charge_.target - soc) / 0.01));
  for (int i = 0; i < slices; ++i) {
    const double s = soc + 0.01 * i;
    const double slice = std::min(0.01, charge_.target - s);
    seconds += slice * cap * 3.6e6 / battery_.dcAcceptanceW(cfg_.dc_charger_kw * 1000.0, s);
  }
  return seconds;
}

void Simulator::Impl::chargeStep() {
  const double soc = battery_.soc();
  const double stop_soc = std::min(charge_.target, charge_.stop_at);
  if (soc >= stop_soc - 1e-6) {
    const bool dc = charge_.dc;
    stopCharging();
    if (dc) unplug();
    scheduleParkedNext();
    return;
  }
  double p = 0;
  if (charge_.dc) {
    p = battery_.dcAcceptanceW(cfg_.dc_charger_kw * 1000.0);
    if (charge_.steps < 3) p *= (charge_.steps + 1) / 4.0;  // handshake and ramp-up
  } else {
    // On-board charger limit 11 kW; the BMS tapers the last 3 %.
    p = std::min(cfg_.home_charger_kw, 11.0) * 1000.0 * sim::kAcChargerEfficiency;
    if (soc > 0.97) p *= std::max(0.3, 1.0 - (soc - 0.97) / 0.03 * 0.7);
  }
  double dt = charge_.dc ? kDcStepS : kAcStepS;
  const double need_j = (stop_soc - soc) * battery_.capacityKwh() * 3.6e6;
  if (p * dt >= need_j) {
    // Land exactly on the stop SOC: whole seconds, power adjusted.
    dt = std::max(1.0, std::ceil(need_j / p));
    p = need_j / dt;
  }
  power_w_ = p;
  current_a_ = battery_.currentForPower(p);
  voltage_v_ = battery_.voltageForCurrent(current_a_);
  charge_.peak_kw = std::max(charge_.peak_kw, p / 1000.0);

  emitElectrical();
  if (charge_.steps == 0 || !charge_.dc) {
    emitChargeCurrents();
  } else {
    emitNumber(sig::kChargeCurrentDc, current_a_);  // the phases stay at zero
  }
  emitSocState();
  emitNumber(sig::kTimeToComplete, timeToCompleteS(p));
  if (!charge_.dc || charge_.steps % 6 == 0) {
    emitTemperatures();
    emitNumber(sig::kChargedEnergy, charged_kwh_);
  }
  ++charge_.steps;
  std::int64_t next = t_ + std::llround(dt * 1000.0);
  if (!charge_.dc && !trips_.empty())
    next = std::min(next, std::max(trips_.front().start_ms, t_ + 1000));
  next_activity_ = next;
}

void Simulator::Impl::stopCharging() {
  power_w_ = 0;
  current_a_ = 0;
  voltage_v_ = battery_.ocvPackV();
  const bool dc = charge_.dc;
  mode_ = Mode::kParked;
  emitBool(sig::kIsCharging, false);
  emitElectrical();
  if (dc) {
    emitNumber(sig::kChargeCurrentDc, 0.0);
  } else {
    emitChargeCurrents();
  }
  emitNumber(sig::kTimeToComplete, 0.0);
  emitSocState();
  emitNumber(sig::kChargedEnergy, charged_kwh_);
  emitTemperatures();
  const double soc = battery_.soc();
  truth_.charges.push_back({charge_.start_ms, t_, charge_.start_soc * 100.0, soc * 100.0,
                            charge_.energy_kwh, charge_.peak_kw, dc, soc < charge_.target - 0.01,
                            overlapsGap(charge_.start_ms, t_)});
  if (soc >= 0.995) last_full_ms_ = t_;
  last_active_ms_ = t_;
  // Until the next charge, look for a DC charger at the usual SOC, or now
  // and then push on ("one more ride") and run the pack low.
  const auto& habits = planner_.habits();
  const double push_on = charge_rng_.uniform();
  const double low = charge_rng_.uniform(habits.reserve + 0.02, 0.15);
  dc_threshold_ = push_on < habits.postpone_dc ? std::min(low, habits.dc_below) : habits.dc_below;
}

void Simulator::Impl::unplug() {
  ac_waiting_ = false;
  if (!cable_) return;
  cable_ = false;
  emitBool(sig::kCableConnected, false);
}

bool Simulator::Impl::overlapsGap(std::int64_t from, std::int64_t to) const {
  return std::any_of(truth_.gaps.begin(), truth_.gaps.end(),
                     [&](const auto& g) { return g.first < to && g.second > from; });
}

}  // namespace crm::vehicle
