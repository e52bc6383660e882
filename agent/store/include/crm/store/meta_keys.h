// Keys of the meta table that more than one component reads or writes.
// Stable: they are in every cache written so far.
#pragma once

#include <cstdint>
#include <string>

namespace crm::store {

// Samples and lines rejected while `day_start_ms` (a local day, see
// Reader::dayStart) was the car's current day: ingest counts them, the
// health report sums its period's.
inline std::string rejectedOnDayKey(std::int64_t day_start_ms) {
  return "data_quality.rejected." + std::to_string(day_start_ms);
}

}  // namespace crm::store
