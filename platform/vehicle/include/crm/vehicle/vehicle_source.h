// A vehicle data source: the car as the agent sees it. Implementations are
// the simulator (the default), a recording replay, and later the KUKSA
// databroker or a CAN/DBC mapping on a real head unit.
//
// Threading: a source is used from one thread (the agent's event loop).
#pragma once

#include <optional>
#include <string>

#include "crm/vehicle/record.h"

namespace crm::vehicle {

class VehicleSource {
 public:
  virtual ~VehicleSource() = default;

  // Returns the next record in time order (for samples: non-decreasing ts_ms
  // per path; a recording may break that and the validator rejects it).
  // Returns nullopt at the end of the data. Bad input is yielded as a
  // Rejected record, never thrown.
  virtual std::optional<Record> next() = 0;

  // After next() returned nullopt: why the data ended before its end (a
  // damaged or truncated file), naming where; nullopt when it simply ended.
  virtual std::optional<std::string> endError() const { return std::nullopt; }
};

}  // namespace crm::vehicle
