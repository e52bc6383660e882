// The seq high-water mark kept beside the cache, in <cache>.seq: a file the
// loss of the cache does not take with it. It holds one decimal number, a
// bound on every seq ever handed out for this car: a cache moved aside (or
// deleted) leaves it behind, and the fresh cache resumes above it.
//
// Written atomically (temp file, fsync, rename, fsync of the folder), and
// only once per block of seqs (kSeqBlock): the store reserves ahead, so the
// file is written about once per thousand messages, not per message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crm/common/result.h"
#include "crm/store/store.h"

namespace crm::store {

// How many seqs one write of the mark reserves. Stable enough: a larger
// block only leaves a larger gap after a crash; seq gaps are allowed,
// reuse never is.
inline constexpr std::int64_t kSeqBlock = 1000;

struct SeqMarkRead {
  enum class Is : std::uint8_t { kAbsent, kValue, kDamaged } is = Is::kAbsent;
  std::int64_t value = 0;
  std::string why;  // for kDamaged
};

std::string seqMarkPath(const std::string& cache_path);
SeqMarkRead readSeqMark(const std::string& cache_path);
// kFull when the file system has no room; kIo otherwise. `sync`: fsync the
// file and its folder (a power cut keeps the mark, not only a crash).
Status<StoreError> writeSeqMark(const std::string& cache_path, std::int64_t value, bool sync);

}  // namespace crm::store
