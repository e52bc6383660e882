// Checks each sample against the catalogue: type, physical range, lifetime
// counters that must not go backwards, and time order per path
// (docs/contract.md §2). Every source goes through it, so the store only ever
// sees plausible data.
//
// Threading: not thread-safe; one instance per ingest stream.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/vehicle/record.h"

namespace crm::vehicle {

class SampleValidator {
 public:
  SampleValidator();

  // Returns nullopt when the sample is acceptable (and remembers it for the
  // order and monotonic checks), or the reason it is rejected (and forgets
  // nothing: a rejected sample does not move the per-path state).
  std::optional<Rejected> check(const Sample& sample);

  // Seeds the per-path state, e.g. from the store after a restart, so that a
  // counter cannot go backwards across restarts either.
  void prime(SignalId signal, std::int64_t ts_ms, std::optional<double> number);

 private:
  struct PathState {
    std::int64_t last_ts = INT64_MIN;
    double last_number = 0;
    bool has_number = false;
  };
  std::vector<PathState> state_;
};

}  // namespace crm::vehicle
