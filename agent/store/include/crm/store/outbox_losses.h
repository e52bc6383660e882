// What the outbox lost: messages dropped for the storage quota and messages
// that expired unsent (past their kind's time-to-live), running totals
// since the cache was made, per kind. The daily telemetry carries them to
// the CRM; the technician's outbox view shows them.
//
// Threading: as the Reader it reads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "crm/store/store.h"

namespace crm::store {

struct OutboxLosses {
  // All kinds, lost to the quota. It also holds drops from before the
  // per-kind counts existed, so it may exceed their sum. nullopt: the
  // stored counter is not a number (unknown, never taken for 0).
  std::optional<std::int64_t> quota;
  std::optional<std::int64_t> expired;  // all kinds, expired unsent
  std::int64_t oversize = 0;            // all kinds, never queued: too large
  // Per kind (topic suffix); only kinds that lost something.
  struct Counts {
    std::int64_t quota = 0, expired = 0, oversize = 0;
  };
  std::map<std::string, Counts> by_kind;
};

// Reads the counters (a few meta rows). A failed read is kRead; a counter
// that is not a number is logged and left out (the totals become unknown).
Result<OutboxLosses, StoreError> outboxLosses(const Reader& store);

}  // namespace crm::store
