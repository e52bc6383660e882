// Analytics: feeds the online detectors instant by instant and writes what
// they complete to the store (and charging sessions to the outbox).
//
// Samples are grouped by timestamp: the detectors see the car after all
// samples of one instant were applied, so the order of signals within an
// instant does not matter. Between instants the values are held forward
// (the car reports changes), which is how energy is integrated. A silence
// longer than kSilenceMs is not integrated over: the agent was off or the
// source stalled, and the detectors bridge it from the state on both sides.
#include "crm/analytics/analytics.h"

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>
#include <vector>

#include "capacity_estimator.h"
#include "charging_detector.h"
#include "crm/common/log.h"
#include "robust.h"
#include "trip_detector.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using detail::LiveState;
using detail::roundTo;

// Longer than any interval between samples of a moving or charging car (10
// to 60 s), shorter than a meaningful unseen charge. Parked cars report
// every 30 min; those silences are checked and found uneventful.
constexpr std::int64_t kSilenceMs = 15 * detail::kMsPerMinute;
// Recent own capacity estimates kept for converting SOC to energy.
constexpr std::size_t kRecentEstimates = 7;
// Trips shorter than this say little about efficiency: they do not move the
// learned kWh/km (CarModel::kwh_per_km), which estimates the energy driven
// across a silence.
constexpr double kLearnedEfficiencyMinKm = 2.0;

// Stable keys of the telemetry/charge-session body (docs/analytics.md).
std::string chargeSessionBody(const store::ChargingSession& s) {
  nlohmann::json b;
  b["start_ms"] = s.start_ms;
  b["end_ms"] = s.end_ms;
  b["start_soc"] = roundTo(s.start_soc, 2);
  b["end_soc"] = roundTo(s.end_soc, 2);
  b["energy_kwh"] = roundTo(s.energy_kwh, 3);
  b["inferred"] = s.inferred;
  b["interrupted"] = s.interrupted;
  if (s.inferred) {
    // Nothing was observed: what cannot be known is null, not zero.
    b["current_type"] = nullptr;
    b["peak_kw"] = nullptr;
    b["average_kw"] = nullptr;
    b["pack_temp_max_c"] = nullptr;
  } else {
    b["current_type"] = s.dc ? "dc" : "ac";
    b["peak_kw"] = roundTo(s.peak_kw, 2);
    b["average_kw"] = roundTo(s.average_kw, 2);
    b["pack_temp_max_c"] = s.pack_temp_max_c ? nlohmann::json(roundTo(*s.pack_temp_max_c, 1))
                                             : nlohmann::json(nullptr);
  }
  b["duration_min"] = roundTo(static_cast<double>(s.end_ms - s.start_ms) / 60'000.0, 1);
  return b.dump();
}

}  // namespace

struct Analytics::Impl {
  Impl(store::History& h, store::Outbox& o, vehicle::VehicleInfo v)
      : store(h), outbox(o), vehicle(std::move(v)), capacity(capacityOptions()) {}

  detail::CapacityOptions capacityOptions() const {
    detail::CapacityOptions o;
    o.nominal_kwh = vehicle.nominal_capacity_kwh;
    return o;
  }

  bool onSample(const vehicle::Sample& sample) {
    bool ok = true;
    if (!pending.empty() && sample.ts_ms > pending_ts) ok = flush();
    if (pending.empty()) pending_ts = sample.ts_ms;
    pending.push_back(sample);
    return ok;
  }

  bool flush() {
    if (pending.empty()) return true;
    const std::int64_t t = pending_ts;
    detail::Silence silence;
    const detail::Silence* gap = nullptr;
    if (last_ts >= 0) {
      const std::int64_t dt_ms = t - last_ts;
      if (dt_ms > kSilenceMs) {
        before = live;
        silence = detail::Silence{last_ts, t, &before};
        gap = &silence;
      } else if (dt_ms > 0) {
        const double dt = static_cast<double>(dt_ms) / 1000.0;
        charging.accumulate(live, dt);
        trips.accumulate(live, dt);
        capacity.accumulate(live, dt);
      }
    }
    for (const auto& s : pending) live.apply(s);
    pending.clear();
    updateCarModel();
    charging.onInstant(t, live, gap, soc, car, sessions_out);
    trips.onInstant(t, live, gap, trips_out);
    capacity.onInstant(t, live, gap, soc, estimates_out);
    soc.onInstant(t, live);
    last_ts = t;
    return writeOut();
  }

  bool finish() {
    bool ok = flush();
    charging.finish(car, soc, sessions_out);
    trips.finish(trips_out);
    capacity.finish(estimates_out);
    return writeOut() && ok;
  }

  // What the detectors assume about the car: the usable capacity (own
  // estimates first, then the BMS's, then nominal) and the efficiency.
  void updateCarModel() {
    double capacity_kwh = vehicle.nominal_capacity_kwh;
    if (!recent_capacity.empty()) {
      capacity_kwh = detail::median({recent_capacity.begin(), recent_capacity.end()});
    } else if (live.has(sig::kNetCapacity) && live.get(sig::kNetCapacity) > 1) {
      capacity_kwh = live.get(sig::kNetCapacity);
    } else if (live.has(sig::kSoh) && live.get(sig::kSoh) > 1) {
      capacity_kwh = vehicle.nominal_capacity_kwh * live.get(sig::kSoh) / 100.0;
    }
    car.kwh_per_point = capacity_kwh / 100.0;
  }

  bool writeOut() {
    bool ok = true;
    for (const auto& s : sessions_out) {
      if (!store.addChargingSession(s).ok()) {
        ok = false;
        continue;
      }
      if (!outbox.enqueue(wire::Kind::kChargeSession, vehicle.vin, s.end_ms, chargeSessionBody(s))
               .ok()) {
        ok = false;
      }
      ++counters.charging_sessions;
      if (s.inferred) ++counters.inferred_sessions;
    }
    sessions_out.clear();
    for (const auto& trip : trips_out) {
      if (trip.distance_km >= kLearnedEfficiencyMinKm && trip.energy_kwh > 0) {
        // Exponentially weighted over about ten trips.
        car.kwh_per_km += 0.1 * (trip.energy_kwh / trip.distance_km - car.kwh_per_km);
      }
      if (!store.addTrip(trip).ok()) {
        ok = false;
        continue;
      }
      ++counters.trips;
    }
    trips_out.clear();
    for (const auto& e : estimates_out) {
      recent_capacity.push_back(e.capacity_kwh);
      if (recent_capacity.size() > kRecentEstimates) recent_capacity.pop_front();
      if (!store.addCapacityEstimate(e).ok()) {
        ok = false;
        continue;
      }
      ++counters.capacity_estimates;
    }
    estimates_out.clear();
    if (!ok) log::warn("event=analytics_store_error");
    return ok;
  }

  store::History& store;
  store::Outbox& outbox;
  vehicle::VehicleInfo vehicle;
  AnalyticsCounters counters;
  detail::CarModel car;
  detail::ChargingDetector charging;
  detail::TripDetector trips;
  detail::CapacityEstimator capacity;
  detail::SocTrack soc;
  LiveState live;
  LiveState before;
  std::vector<vehicle::Sample> pending;
  std::int64_t pending_ts = 0;
  std::int64_t last_ts = -1;
  std::deque<double> recent_capacity;
  std::vector<store::ChargingSession> sessions_out;
  std::vector<store::Trip> trips_out;
  std::vector<store::CapacityEstimate> estimates_out;
};

Analytics::Analytics(store::History& history, store::Outbox& outbox, vehicle::VehicleInfo vehicle)
    : impl_(std::make_unique<Impl>(history, outbox, std::move(vehicle))) {}
Analytics::~Analytics() = default;

bool Analytics::onSample(const vehicle::Sample& sample) {
  return impl_->onSample(sample);
}

bool Analytics::finish() {
  return impl_->finish();
}

void Analytics::forgetOpenTrip() {
  impl_->trips.forgetOpenTrip();
}

void Analytics::setVehicle(const vehicle::VehicleInfo& vehicle) {
  const bool capacity_changed = vehicle.nominal_capacity_kwh != impl_->vehicle.nominal_capacity_kwh;
  impl_->vehicle = vehicle;
  impl_->capacity.setOptions(impl_->capacityOptions());
  // Estimates made for another pack say nothing about this one.
  if (capacity_changed) impl_->recent_capacity.clear();
}

const AnalyticsCounters& Analytics::counters() const {
  return impl_->counters;
}

}  // namespace crm::analytics
