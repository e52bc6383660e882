// Online trip detection: a trip is an IsMoving true..false run (speed above
// walking pace when the car has no IsMoving). Distance comes from the
// odometer, not integrated speed; energy is the hold-forward integral of
// the power leaving the pack (regeneration counted back); ambient is the
// time-weighted mean of the air temperature held over the trip.
//
// A silence in the stream inside a trip closes it at the last instant seen,
// with the distance observed up to then: the odometer after the silence
// may include other trips the agent did not see.
//
// Threading: plain object, one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/store/records.h"
#include "live_state.h"

namespace crm::analytics::detail {

class TripDetector {
 public:
  void accumulate(const LiveState& held, double dt_s);
  void onInstant(std::int64_t t, const LiveState& now, const Silence* silence,
                 std::vector<store::Trip>& out);
  void finish(std::vector<store::Trip>& out);
  // The trip history was erased: a trip under way restarts from the last
  // instant seen, so nothing from before the erase is written afterwards.
  void forgetOpenTrip();
  bool active() const { return open_.has_value(); }

 private:
  struct Open {
    std::int64_t start_ms = 0;
    std::int64_t last_ms = 0;
    double start_odo_m = 0;
    double last_odo_m = 0;
    bool has_odo = false;
    double energy_kwh = 0;
    double ambient_sum = 0;  // celsius * seconds
    double ambient_s = 0;
  };
  store::Trip close(std::int64_t end_ms);

  std::optional<Open> open_;
};

}  // namespace crm::analytics::detail
