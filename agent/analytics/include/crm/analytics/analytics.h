// Online analytics over the accepted sample stream: charging sessions, trips
// and independent capacity estimates, written to the store as they complete;
// each completed charging session also goes to the outbox as
// telemetry/charge-session.
//
// Threading: one thread (the event loop, or replay's thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "crm/store/store.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::analytics {

struct AnalyticsCounters {
  std::uint64_t charging_sessions = 0;
  std::uint64_t inferred_sessions = 0;  // charged while the agent was off
  std::uint64_t trips = 0;
  std::uint64_t capacity_estimates = 0;
};

class Analytics {
 public:
  // `history` (sessions, trips, estimates) and `outbox` (charge-session
  // messages) must outlive the Analytics. `vehicle` gives chemistry, nominal
  // capacity and the VIN the messages carry.
  Analytics(store::History& history, store::Outbox& outbox, vehicle::VehicleInfo vehicle);
  ~Analytics();
  Analytics(const Analytics&) = delete;
  Analytics& operator=(const Analytics&) = delete;

  // Feeds one accepted (validated) sample, in time order. Returns false on a
  // store error.
  bool onSample(const vehicle::Sample& sample);
  // End of stream (replay): closes what is open if it can be closed honestly.
  bool finish();
  // Vehicle facts changed (a recording's vehicle line).
  void setVehicle(const vehicle::VehicleInfo& vehicle);
  // The driver's trips were erased: a trip under way is recorded from now
  // on, never from its start before the erase.
  void forgetOpenTrip();

  const AnalyticsCounters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crm::analytics
