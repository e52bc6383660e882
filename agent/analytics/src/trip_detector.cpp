#include "trip_detector.h"

#include <algorithm>

namespace crm::analytics::detail {
namespace {
namespace sig = vehicle::sig;
}  // namespace

void TripDetector::accumulate(const LiveState& held, double dt_s) {
  if (!open_) return;
  open_->energy_kwh -= held.powerW() * dt_s / 3.6e6;
  if (held.has(sig::kAmbientTemp)) {
    open_->ambient_sum += held.get(sig::kAmbientTemp) * dt_s;
    open_->ambient_s += dt_s;
  }
}

void TripDetector::onInstant(std::int64_t t, const LiveState& now, const Silence* silence,
                             std::vector<store::Trip>& out) {
  if (silence != nullptr && open_) out.push_back(close(open_->last_ms));
  const bool moving = now.moving();
  if (!open_ && moving) {
    open_ = Open{};
    open_->start_ms = t;
    open_->has_odo = now.has(sig::kTraveledDistance);
    open_->start_odo_m = now.get(sig::kTraveledDistance);
  }
  if (!open_) return;
  open_->last_ms = t;
  if (now.has(sig::kTraveledDistance)) {
    if (!open_->has_odo) {
      // The odometer arrived after the trip began: count from its first value.
      open_->has_odo = true;
      open_->start_odo_m = now.get(sig::kTraveledDistance);
    }
    open_->last_odo_m = now.get(sig::kTraveledDistance);
  }
  if (!moving) out.push_back(close(t));
}

void TripDetector::finish(std::vector<store::Trip>& out) {
  if (open_) out.push_back(close(open_->last_ms));
}

void TripDetector::forgetOpenTrip() {
  if (!open_) return;
  Open fresh;
  fresh.start_ms = open_->last_ms;
  fresh.last_ms = open_->last_ms;
  fresh.has_odo = open_->has_odo;
  fresh.start_odo_m = open_->last_odo_m;
  fresh.last_odo_m = open_->last_odo_m;
  open_ = fresh;
}

store::Trip TripDetector::close(std::int64_t end_ms) {
  const Open& o = *open_;
  store::Trip trip;
  trip.start_ms = o.start_ms;
  trip.end_ms = end_ms;
  trip.distance_km = o.has_odo ? std::max(0.0, o.last_odo_m - o.start_odo_m) / 1000.0 : 0.0;
  trip.energy_kwh = o.energy_kwh;
  if (o.ambient_s > 0) trip.ambient_c = o.ambient_sum / o.ambient_s;
  open_.reset();
  return trip;
}

}  // namespace crm::analytics::detail
