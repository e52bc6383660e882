// What the agent knows about the car it runs in: identity and the facts the
// analytics and reports need. The configuration provides it; a recording's
// vehicle line may override it (docs/recording-format.md).
//
// Threading: plain values.
#pragma once

#include <string>

namespace crm::vehicle {

struct VehicleInfo {
  std::string vin = "LRW3E7EK5NC000001";
  std::string model = "sim-ev-75";
  double nominal_capacity_kwh = 75.0;
  std::string chemistry = "NMC";  // NMC, NCA or LFP: LFP wants a weekly full charge
  std::string delivered = "2026-01-01";
  double tyre_placard_kpa = 290;
  // Local time for days, quiet hours and daily telemetry. China: +480.
  int utc_offset_minutes = 0;

  bool operator==(const VehicleInfo&) const = default;
};

}  // namespace crm::vehicle
