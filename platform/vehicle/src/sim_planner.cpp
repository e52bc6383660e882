#include "sim_fp.h"  // first: see there

#include "sim_planner.h"

#include <algorithm>
#include <cmath>

#include "sim_world.h"

namespace crm::vehicle::sim {
namespace {

// Local clock hours at which an operating day begins and ends (4 to 28).
constexpr double kDayBeginHour = 4.0;
constexpr double kDayEndHour = 27.5;
// Planned driving time assumes stops and traffic take a fifth off the cruise speed.
constexpr double kSpeedFactor = 0.8;

}  // namespace

TripPlanner::TripPlanner(const SimulatorConfig& config, Rng persona, Rng rng)
    : profile_(config.profile),
      offset_ms_(static_cast<std::int64_t>(config.utc_offset_minutes) * 60'000),
      // One leg must fit in about half the usable range at a cold-day 0.2 kWh/km.
      max_leg_km_(std::max(20.0, 0.55 * config.nominal_capacity_kwh * 0.9 / 0.2)),
      rng_(rng) {
  const bool lfp = config.chemistry == "LFP";
  commute_km_ = persona.uniform(14.0, 24.0);
  depart_hour_ = persona.uniform(6.75, 8.5);
  return_hour_ = persona.uniform(16.5, 18.75);
  commutes_ = persona.chance(0.9);
  switch (profile_) {
    case UsageProfile::kPrivate:
      shift_start_hour_ = 0;
      shift_end_hour_ = 0;
      habits_.dc_share = 0.05;
      habits_.ac_limit = lfp ? 0.9 : 0.8;
      habits_.always_plug = persona.chance(0.5);
      habits_.dc_below = 0.2;
      if (persona.chance(0.7)) {
        static constexpr int kOffPeak[] = {22, 23, 0, 1};
        habits_.off_peak_hour = kOffPeak[persona.uniformInt(0, 3)];
      }
      break;
    case UsageProfile::kRideHailing:
      shift_start_hour_ = persona.uniform(6.5, 8.0);
      shift_end_hour_ = persona.uniform(23.0, 24.5);
      habits_.dc_share = 0.6;
      habits_.ac_limit = lfp ? 1.0 : 0.9;
      habits_.always_plug = true;
      habits_.dc_below = 0.3;
      // Drivers paid per ride run the pack low now and then (deep discharge).
      habits_.reserve = persona.uniform(0.04, 0.1);
      habits_.postpone_dc = 0.3;
      break;
    case UsageProfile::kLogistics:
      shift_start_hour_ = persona.uniform(7.0, 8.0);
      shift_end_hour_ = persona.uniform(17.0, 18.5);
      habits_.dc_share = 0.25;
      habits_.ac_limit = lfp ? 1.0 : 0.9;
      habits_.always_plug = true;
      habits_.dc_below = 0.3;
      habits_.reserve = persona.uniform(0.06, 0.12);
      habits_.postpone_dc = 0.15;
      if (persona.chance(0.5)) habits_.off_peak_hour = 22;
      break;
  }
  habits_.lfp_full_every_days = persona.uniform(6.0, 8.0);
  if (config.dc_share >= 0) habits_.dc_share = std::clamp(config.dc_share, 0.0, 1.0);
  if (config.charge_limit_percent >= 0) {
    habits_.ac_limit = std::clamp(config.charge_limit_percent / 100.0, 0.5, 1.0);
  }
}

void TripPlanner::addErrand(double hour, double km, std::vector<Draft>& drafts) {
  const double cruise = rng_.uniform(30.0, 45.0);
  drafts.push_back({hour, km, cruise, true, false});
  drafts.push_back({hour + km / (cruise * kSpeedFactor) + rng_.uniform(0.4, 1.5),
                    km * rng_.uniform(0.9, 1.1), rng_.uniform(30.0, 45.0), true, true});
}

void TripPlanner::planPrivate(int weekday, std::vector<Draft>& drafts) {
  const bool workday = weekday >= 1 && weekday <= 5;
  if (workday) {
    if (commutes_ && rng_.chance(0.9)) {
      drafts.push_back({depart_hour_ + rng_.gauss(0, 0.2), commute_km_ * rng_.uniform(0.96, 1.06),
                        rng_.uniform(45.0, 65.0), false, false});
      drafts.push_back({return_hour_ + rng_.gauss(0, 0.4), commute_km_ * rng_.uniform(0.96, 1.08),
                        rng_.uniform(45.0, 65.0), false, true});
      if (rng_.chance(0.3)) {
        const double hour = rng_.uniform(19.25, 20.75);
        addErrand(hour, rng_.uniform(3.0, 10.0), drafts);
      }
    } else if (rng_.chance(0.6)) {
      const double hour = rng_.uniform(9.0, 17.0);
      addErrand(hour, rng_.uniform(4.0, 15.0), drafts);
    }
  } else if (rng_.chance(0.05)) {
    // A day out: a long highway leg each way.
    const double km = rng_.uniform(std::min(100.0, max_leg_km_ * 0.6), max_leg_km_);
    drafts.push_back({rng_.uniform(8.0, 10.0), km, rng_.uniform(95.0, 115.0), false, false});
    drafts.push_back({rng_.uniform(16.0, 19.0), km * rng_.uniform(0.98, 1.03),
                      rng_.uniform(95.0, 115.0), false, true});
  } else if (rng_.chance(0.72)) {
    const int outings = rng_.chance(0.4) ? 2 : 1;
    double hour = rng_.uniform(9.5, 13.0);
    for (int i = 0; i < outings; ++i) {
      addErrand(hour, rng_.uniform(4.0, 20.0), drafts);
      hour += rng_.uniform(3.0, 5.0);
    }
  }
  // Night driving is rare for private cars: an evening out, home late.
  if (rng_.chance(0.03)) {
    const double km = rng_.uniform(5.0, 20.0);
    drafts.push_back({rng_.uniform(19.5, 21.0), km, rng_.uniform(35.0, 55.0), true, false});
    drafts.push_back({rng_.uniform(23.0, 24.75), km, rng_.uniform(35.0, 55.0), true, true});
  }
}

void TripPlanner::planRideHailing(std::vector<Draft>& drafts) {
  if (rng_.chance(0.1)) return;  // a day off
  double hour = shift_start_hour_ + rng_.gauss(0, 0.25);
  const double end = shift_end_hour_ + rng_.gauss(0, 0.25);
  const double target_km = rng_.uniform(200.0, 300.0);
  const double lunch = rng_.uniform(12.0, 13.0);
  const double dinner = rng_.uniform(18.0, 19.0);
  bool had_lunch = false;
  bool had_dinner = false;
  double km = rng_.uniform(3.0, 8.0);  // to the first pick-up zone
  drafts.push_back({hour, km, rng_.uniform(35.0, 50.0), true, false});
  hour += km / (40.0 * kSpeedFactor) + rng_.uniform(0.05, 0.2);
  while (hour < end - 0.4 && km < target_km - 8.0) {
    const double leg = std::min(35.0, 2.0 + rng_.exponential(8.0));
    const double cruise = rng_.uniform(28.0, 42.0);
    drafts.push_back({hour, leg, cruise, true, false});
    km += leg;
    hour += leg / (cruise * kSpeedFactor) + rng_.uniform(2.0, 20.0) / 60.0;
    if (!had_lunch && hour >= lunch) {
      hour += 0.75;
      had_lunch = true;
    }
    if (!had_dinner && hour >= dinner) {
      hour += 0.67;
      had_dinner = true;
    }
  }
  drafts.push_back({hour, rng_.uniform(4.0, 12.0), rng_.uniform(35.0, 55.0), true, true});
}

void TripPlanner::planLogistics(int weekday, std::vector<Draft>& drafts) {
  const bool saturday = weekday == 6;
  if (weekday == 0 || (saturday && !rng_.chance(0.3))) return;
  double hour = shift_start_hour_ + rng_.gauss(0, 0.15);
  const double end = saturday ? 13.0 : shift_end_hour_;
  const double target_km = rng_.uniform(150.0, 250.0) * (saturday ? 0.5 : 1.0);
  bool had_lunch = false;
  double km = 0;
  while (hour < end - 0.5 && km < target_km - 10.0) {
    const double leg = std::min(25.0, 2.0 + rng_.exponential(6.0));
    const double cruise = rng_.uniform(35.0, 60.0);
    drafts.push_back({hour, leg, cruise, cruise < 45.0, false});
    km += leg;
    hour += leg / (cruise * kSpeedFactor) + rng_.uniform(4.0, 15.0) / 60.0;  // the drop-off
    if (!had_lunch && hour >= 12.0) {
      hour += 0.5;
      had_lunch = true;
    }
  }
  if (!drafts.empty()) {
    drafts.push_back({hour, rng_.uniform(5.0, 15.0), rng_.uniform(40.0, 60.0), false, true});
  }
}

void TripPlanner::planDay(std::int64_t day_start_ms, std::deque<PlannedTrip>& out) {
  const std::int64_t local_day = (day_start_ms + offset_ms_) / kMsPerDay;
  const int weekday =
      static_cast<int>((local_day + 4) % 7);  // 1970-01-01 was a Thursday; 0 = Sunday
  std::vector<Draft> drafts;
  switch (profile_) {
    case UsageProfile::kPrivate:
      planPrivate(weekday, drafts);
      break;
    case UsageProfile::kRideHailing:
      planRideHailing(drafts);
      break;
    case UsageProfile::kLogistics:
      planLogistics(weekday, drafts);
      break;
  }
  std::stable_sort(drafts.begin(), drafts.end(),
                   [](const Draft& a, const Draft& b) { return a.hour < b.hour; });
  double free_from = kDayBeginHour + 0.25;
  const std::size_t first = out.size();
  for (const auto& d : drafts) {
    const double hour = std::max(d.hour, free_from);
    if (hour > kDayEndHour) break;
    PlannedTrip trip;
    trip.start_ms = day_start_ms +
                    static_cast<std::int64_t>(std::llround((hour - kDayBeginHour) * 3600.0)) * 1000;
    trip.distance_km = std::clamp(d.km, 0.5, max_leg_km_);
    trip.cruise_kmh = d.cruise_kmh;
    trip.urban = d.urban;
    trip.ends_home = d.ends_home;
    out.push_back(trip);
    free_from = hour + trip.distance_km / (d.cruise_kmh * kSpeedFactor) + 10.0 / 60.0;
  }
  if (out.size() > first) {
    out.back().ends_home = true;  // every day ends at home or the depot
    out.back().last_of_day = true;
  }
}

}  // namespace crm::vehicle::sim
