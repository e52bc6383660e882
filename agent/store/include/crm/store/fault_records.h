// The car's fault codes (DTCs) as the agent announced them on the `faults`
// topic: which are active now, since when, and when each was last listed.
// Kept in the faults table (schema v1; column names stable) so that a
// restart neither announces an active code again nor forgets one that
// clears while the agent was down. Written in the batch of the samples that
// changed it: the announcement, the row and the sample commit together.
//
// Threading: as Store (one thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/result.h"

namespace crm::store {

enum class StoreError : std::uint8_t;

struct FaultRecord {
  std::string code;             // e.g. "P0A80"
  std::int64_t first_seen = 0;  // epoch ms of the first DTCList sample listing it
  std::int64_t last_seen = 0;   // epoch ms of the last DTCList sample listing it
  bool active = false;          // listed by the newest DTCList sample
};

class FaultLog {
 public:
  virtual ~FaultLog() = default;
  // The active codes, by code; staged changes included. A failed read is an
  // error (never "none active": that would announce them all again).
  virtual Result<std::vector<FaultRecord>, StoreError> activeFaults() const = 0;
  // Stages a newly active code, first and last seen at ts_ms.
  virtual Status<StoreError> openFault(std::string_view code, std::int64_t ts_ms) = 0;
  // Stages the end of an active episode (by code and first_seen): inactive,
  // last_seen as given.
  virtual Status<StoreError> clearFault(const FaultRecord& fault) = 0;
  // Stages last_seen = ts_ms for every active code (a DTCList sample listed
  // them all).
  virtual Status<StoreError> activeFaultsSeen(std::int64_t ts_ms) = 0;
};

}  // namespace crm::store
