// Trip plans and charging habits by usage profile. Each car gets a persona
// from its seed (commute length, departure times, whether it plugs in every
// night, off-peak timer), and each operating day (04:00 to 04:00 local, so
// that a ride-hailing shift past midnight stays in one day) gets a plan.
//
// Threading: plain value, one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "crm/vehicle/simulator.h"
#include "sim_random.h"

namespace crm::vehicle::sim {

struct PlannedTrip {
  std::int64_t start_ms = 0;
  double distance_km = 0;
  double cruise_kmh = 50;  // typical speed for the road mix
  bool urban = true;       // stops at lights and junctions
  bool ends_home = false;  // at home or the depot: AC charging possible
  bool last_of_day = false;
};

// How this car is charged. Fractions of SOC are 0..1.
struct Habits {
  double dc_share = 0.05;          // probability that a planned charge is DC
  double ac_limit = 0.8;           // AC target
  double dc_target = 0.8;          // DC sessions stop here (the taper makes more slow)
  double plug_below = 0.5;         // plug in at home below this SOC...
  bool always_plug = false;        // ...or every time
  double dc_below = 0.2;           // away from home, look for a DC charger below this
  double reserve = 0.1;            // never start a trip expected to end below this
  double postpone_dc = 0.0;        // chance of "one more job first" when DC is due
  int off_peak_hour = -1;          // local hour AC charging starts; -1 = at once
  double lfp_full_every_days = 7;  // LFP makers ask for a full charge weekly
  double interrupt_ac = 0.04;      // chance a session stops early (breaker, unplugged)
  double interrupt_dc = 0.12;      // (driver leaves before the target)
};

class TripPlanner {
 public:
  // `persona` draws the car's fixed traits; the planner keeps `rng` for days.
  TripPlanner(const SimulatorConfig& config, Rng persona, Rng rng);

  const Habits& habits() const { return habits_; }

  // Appends the trips of the operating day starting at `day_start_ms` (UTC
  // epoch ms of 04:00 local), in start order, without overlaps.
  void planDay(std::int64_t day_start_ms, std::deque<PlannedTrip>& out);

 private:
  struct Draft {
    double hour;  // local clock hours of the operating day, 4 to 28
    double km;
    double cruise_kmh;
    bool urban;
    bool ends_home;
  };

  void planPrivate(int weekday, std::vector<Draft>& drafts);
  void planRideHailing(std::vector<Draft>& drafts);
  void planLogistics(int weekday, std::vector<Draft>& drafts);
  void addErrand(double hour, double km, std::vector<Draft>& drafts);

  UsageProfile profile_;
  std::int64_t offset_ms_;
  double max_leg_km_;
  Habits habits_;
  Rng rng_;
  // Persona.
  double commute_km_;
  double depart_hour_;
  double return_hour_;
  bool commutes_;
  double shift_start_hour_;
  double shift_end_hour_;
};

}  // namespace crm::vehicle::sim
