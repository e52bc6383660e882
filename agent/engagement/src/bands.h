// The edges the live tracker and the rules share: where a tyre or brake
// fluid figure starts to hold a prompt, and where an open prompt stops
// holding (hysteresis, docs/engagement.md "Rules"). Private to engagement.
#pragma once

#include "crm/engagement/settings.h"

namespace crm::engagement::bands {

// A full charge, for the LFP reminder: BMSs stop at 98-100 % and some never
// report 100.
inline constexpr double kFullSocPercent = 98;

// Percent below the placard pressure (positive: under-inflated).
inline double percentBelow(double kpa, double placard_kpa) {
  return (placard_kpa - kpa) / placard_kpa * 100.0;
}

// An open tyres.pressure_low keeps holding until the tyre is back within
// 3/4 of the raise edge (20 % -> 15 %): a tyre hovering at 20 % (cold
// mornings, a warm afternoon) does not raise and withdraw by turns.
inline double tyreClearPercent(const Thresholds& t) {
  return t.tyre_low_percent * 0.75;
}

// An open brakes.fluid_low keeps holding until the level is 5 points above
// the raise edge: the level sloshes by a few points while driving.
inline double fluidClearPercent(const Thresholds& t) {
  return t.brake_fluid_low_percent + 5.0;
}

}  // namespace crm::engagement::bands
