#include "sim_fp.h"  // first: see there

#include "crm/vehicle/simulator.h"

#include "crm/common/civil_time.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "sim_impl.h"

namespace crm::vehicle {
namespace {

using sim::kMsPerDay;
using sim::kMsPerHour;
constexpr std::int64_t kTickMs = 30 * 60'000LL;
constexpr double kMsPerYear = 365.2425 * kMsPerDay;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// First instant strictly after t on the grid `period` shifted by `phase` (both ms).
std::int64_t nextOnGrid(std::int64_t t, std::int64_t period, std::int64_t phase) {
  return (floorDiv(t - phase, period) + 1) * period + phase;
}

}  // namespace

Simulator::Impl::Impl(SimulatorConfig config)
    : cfg_(std::move(config)),
      persona_(cfg_.seed, 1),
      drive_rng_(cfg_.seed, 2),
      charge_rng_(cfg_.seed, 3),
      noise_rng_(cfg_.seed, 4),
      gap_rng_(cfg_.seed, 5),
      wear_rng_(cfg_.seed, 6),
      bms_rng_(cfg_.seed, 9),
      climate_(cfg_.ambient_mean_c, cfg_.ambient_amplitude_c, cfg_.seed,
               cfg_.utc_offset_minutes * 60'000LL),
      battery_(cfg_.nominal_capacity_kwh, sim::parseChemistry(cfg_.chemistry),
               cfg_.initial_soh_percent, persona_.uniform(0.55, 0.85),
               climate_.ambientC(cfg_.start_ms)),
      planner_(cfg_, sim::Rng(cfg_.seed, 7), sim::Rng(cfg_.seed, 8)),
      tyres_(cfg_.tyre_placard_kpa, cfg_.slow_leak, persona_),
      brakes_(cfg_.initial_odometer_km, persona_),
      start_ms_(cfg_.start_ms),
      end_ms_(cfg_.days > 0 ? cfg_.start_ms + std::llround(cfg_.days * kMsPerDay) : kNever),
      offset_ms_(cfg_.utc_offset_minutes * 60'000LL),
      t_(cfg_.start_ms) {
  delivered_ms_ = start_ms_ - std::llround(battery_.equivalentAgeDays() * kMsPerDay);
  odometer_m_ = std::max(0.0, cfg_.initial_odometer_km) * 1000.0;
  // A used car's lifetime counters, at typical efficiency and losses.
  consumed_kwh_ = odometer_m_ / 1000.0 * 0.165;
  charged_kwh_ = odometer_m_ / 1000.0 * 0.18;
  home_lat_ = 31.23 + persona_.gauss(0, 0.05);
  home_lon_ = 121.47 + persona_.gauss(0, 0.05);
  lat_ = home_lat_;
  lon_ = home_lon_;
  lv_offset_v_ = persona_.gauss(0, 0.04);
  soh_bias_ = std::clamp(persona_.gauss(0, 0.6), -1.5, 1.5);
  last_full_ms_ = start_ms_ - std::llround(persona_.uniform(0, 7) * kMsPerDay);
  last_active_ms_ = start_ms_ - 6 * kMsPerHour;
  charge_limit_ = planner_.habits().ac_limit;
  dc_threshold_ = planner_.habits().dc_below;
  voltage_v_ = battery_.ocvPackV();
  last_ts_.fill(std::numeric_limits<std::int64_t>::min());
  out_.reserve(256);

  for (const auto& dtc : cfg_.dtcs) {
    for (double day : {dtc.on_day, dtc.off_day}) {
      if (day < 0) continue;
      const std::int64_t at = start_ms_ + std::llround(day * kMsPerDay);
      if (at > start_ms_) dtc_changes_.push_back(at);
    }
  }
  std::sort(dtc_changes_.begin(), dtc_changes_.end());
  dtc_changes_.erase(std::unique(dtc_changes_.begin(), dtc_changes_.end()), dtc_changes_.end());
  next_dtc_ = dtc_changes_.empty() ? kNever : dtc_changes_.front();

  // Periodic timers on local-time grids; the operating day starts at 04:00.
  next_tick_ = nextOnGrid(t_, kTickMs, 0);
  next_six_ = nextOnGrid(t_, 6 * kMsPerHour, 2 * kMsPerHour - offset_ms_);
  next_daily_ = nextOnGrid(t_, kMsPerDay, 4 * kMsPerHour - offset_ms_);
  planner_.planDay(next_daily_ - kMsPerDay, trips_);
  while (!trips_.empty() && trips_.front().start_ms < t_) trips_.pop_front();
  if (cfg_.gaps) next_gap_ = nextGapStart();

  battery_.refreshCapacity();
  truth_.capacity.push_back(
      {t_, battery_.capacityKwh(), battery_.sohPercent(), odometer_m_ / 1000.0});
  hold_first_soc_ = cfg_.late_first_soc;
  soc_anchor_ms_ = last_full_ms_;
  emitSnapshot();
  scheduleParkedNext();
}

std::optional<Record> Simulator::Impl::next() {
  if (!facts_sent_) {
    facts_sent_ = true;
    return Record{makeFacts()};
  }
  while (head_ == out_.size()) {
    if (finished_) return std::nullopt;
    out_.clear();
    head_ = 0;
    step();
  }
  return Record{std::move(out_[head_++])};
}

VehicleFacts Simulator::Impl::makeFacts() const {
  VehicleFacts facts;
  char vin[24];
  std::snprintf(vin, sizeof vin, "LRW3E7EK5NC%06llu",
                static_cast<unsigned long long>(sim::hashDraw(cfg_.seed, 0x5111) % 1000000));
  facts.vin = vin;
  facts.model = "sim-ev-" + std::to_string(std::llround(cfg_.nominal_capacity_kwh));
  facts.nominal_capacity_kwh = cfg_.nominal_capacity_kwh;
  facts.chemistry = cfg_.chemistry;
  facts.delivered = civil::isoDate(delivered_ms_ + offset_ms_);
  facts.tyre_placard_kpa = cfg_.tyre_placard_kpa;
  return facts;
}

void Simulator::Impl::step() {
  const std::int64_t tn =
      std::min({next_activity_, next_tick_, next_six_, next_daily_, next_dtc_, next_gap_});
  if (tn >= end_ms_) {
    finish();
    return;
  }
  advance(tn);
  // Gap state flips first, so that a gap hides everything at its start and
  // the first samples after it are the activity's own.
  if (tn == next_gap_) onGapBoundary();
  if (tn == next_activity_) {
    onActivity();
    if (next_activity_ <= t_) next_activity_ = t_ + 1000;  // never stall the clock
  }
  if (resumed_) {
    resumed_ = false;
    emitSnapshot();
  }
  if (tn == next_dtc_) onDtcChange();
  if (tn == next_daily_) onDaily();
  if (tn == next_six_) onSixHourly();
  if (tn == next_tick_) onTick();
}

void Simulator::Impl::advance(std::int64_t to_ms) {
  const double dt = static_cast<double>(to_ms - t_) / 1000.0;
  if (dt <= 0) return;
  const double ambient = climate_.ambientC(t_);
  const double kwh = power_w_ * dt / 3.6e6;
  battery_.applyPower(power_w_, dt);
  sim::ThermalMode thermal = sim::ThermalMode::kParked;
  if (mode_ == Mode::kCharging) {
    thermal = charge_.dc ? sim::ThermalMode::kDcCharging : sim::ThermalMode::kAcCharging;
    charged_kwh_ += kwh;
    charge_.energy_kwh += kwh;
  } else if (mode_ == Mode::kDriving) {
    thermal = sim::ThermalMode::kDriving;
    trip_.energy_kwh -= kwh;
    if (kwh < 0) {
      const double used = -kwh;
      const double offset = std::min(used, regen_credit_kwh_);
      regen_credit_kwh_ -= offset;
      consumed_kwh_ += used - offset;
    } else {
      regen_credit_kwh_ += kwh;
    }
    const double metres = speed_kmh_ / 3.6 * dt;
    odometer_m_ += metres;
    moveLocation(metres);
  }
  battery_.updateThermal(dt, ambient, power_w_, thermal);
  battery_.ageCalendar(dt);
  t_ = to_ms;
  tyres_.advance(dt, daysSinceStart(), ambient, mode_ == Mode::kDriving);
}

double Simulator::Impl::daysSinceStart() const {
  return static_cast<double>(t_ - start_ms_) / kMsPerDay;
}

double Simulator::Impl::lvRestVoltageNow() const {
  const double years = static_cast<double>(t_ - delivered_ms_) / kMsPerYear;
  const double hours_rest = static_cast<double>(t_ - last_active_ms_) / kMsPerHour;
  return sim::lvRestVoltage(years, cfg_.lv_battery_decline_v_per_year, climate_.ambientC(t_),
                            hours_rest, lv_offset_v_);
}

void Simulator::Impl::finish() {
  if (mode_ == Mode::kDriving) {
    emitNumber(sig::kTraveledDistance, odometer_m_);
    truth_.trips.push_back(
        {trip_.start_ms, t_, (odometer_m_ - trip_.odo_start_m) / 1000.0, trip_.energy_kwh});
  } else if (mode_ == Mode::kCharging) {
    const double soc = battery_.soc();
    truth_.charges.push_back({charge_.start_ms, t_, charge_.start_soc * 100, soc * 100,
                              charge_.energy_kwh, charge_.peak_kw, charge_.dc,
                              soc < charge_.target - 0.01, overlapsGap(charge_.start_ms, t_)});
  }
  finished_ = true;
}

std::int64_t Simulator::Impl::nextGapStart() {
  // Roughly every two weeks, starting in the evening (so that the car often
  // charges overnight while the agent is off).
  const double days = 3.0 + gap_rng_.exponential(12.0);
  const std::int64_t base = t_ + std::llround(days * kMsPerDay);
  const std::int64_t local_midnight =
      floorDiv(base + offset_ms_, kMsPerDay) * kMsPerDay - offset_ms_;
  return local_midnight + std::llround(gap_rng_.uniform(16.0, 23.5) * kMsPerHour);
}

void Simulator::Impl::onGapBoundary() {
  if (!in_gap_) {
    in_gap_ = true;
    const double hours = std::exp(gap_rng_.uniform(std::log(2.0), std::log(48.0)));
    const std::int64_t end = t_ + std::llround(hours * kMsPerHour);
    truth_.gaps.emplace_back(t_, std::min(end, end_ms_));
    next_gap_ = end;
  } else {
    in_gap_ = false;
    resumed_ = true;
    next_gap_ = nextGapStart();
  }
}

void Simulator::Impl::onDaily() {
  battery_.refreshCapacity();
  truth_.capacity.push_back(
      {t_, battery_.capacityKwh(), battery_.sohPercent(), odometer_m_ / 1000.0});
  // The BMS has its own estimate: the truth plus a per-car bias and a little
  // day-to-day wobble. Drawn every day so the stream does not depend on config.
  const double wobble = wear_rng_.gauss(0, 0.15);
  if (cfg_.bms_reports_soh) {
    emitNumber(sig::kSoh, std::min(100.0, battery_.sohPercent() + soh_bias_ + wobble));
    emitNumber(sig::kNetCapacity, battery_.capacityKwh() * (1.0 + (soh_bias_ + wobble) / 100.0));
  }
  emitDtcList();
  tyres_.maybeInflate(daysSinceStart(), wear_rng_);
  planner_.planDay(t_, trips_);
  next_daily_ += kMsPerDay;
  if (mode_ == Mode::kParked) scheduleParkedNext();
}

void Simulator::Impl::onSixHourly() {
  for (int i = 0; i < 4; ++i) {
    emitNumber(static_cast<SignalId>(sig::kTyreFrontLeft + i), tyres_.pressureKpa(i));
    emitNumber(static_cast<SignalId>(sig::kPadWearFrontLeft + i), brakes_.padWearPercent(i));
  }
  emitNumber(sig::kBrakeFluidLevel, brakes_.fluidLevelPercent());
  if (mode_ == Mode::kParked) emitCells();  // imbalance is only meaningful at rest
  next_six_ += 6 * kMsPerHour;
}

void Simulator::Impl::onTick() {
  emitNumber(sig::kAmbientTemp, climate_.ambientC(t_));
  if (mode_ == Mode::kParked) {
    emitSocState();
    emitTemperatures();
    emitNumber(sig::kLvBatteryVoltage, lvRestVoltageNow());
  }
  next_tick_ += kTickMs;
}

void Simulator::Impl::onDtcChange() {
  emitDtcList();
  ++dtc_index_;
  next_dtc_ = dtc_index_ < dtc_changes_.size() ? dtc_changes_[dtc_index_] : kNever;
}

// ---- Public face.

Simulator::Simulator(SimulatorConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Simulator::~Simulator() = default;
std::optional<Record> Simulator::next() {
  return impl_->next();
}
const GroundTruth& Simulator::truth() const {
  return impl_->truth_;
}

}  // namespace crm::vehicle
