// The fault codes announced on the `faults` topic (fault_records.h): one
// row per episode of a code (code, first_seen), the active ones marked.
#include "impl.h"

namespace crm::store {

Result<std::vector<FaultRecord>, StoreError> Store::activeFaults() const {
  Db& db = impl_->db;
  Stmt s(db.handle(),
         "SELECT code, first_seen, last_seen FROM faults WHERE active = 1 ORDER BY code");
  std::vector<FaultRecord> out;
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(FaultRecord{s.text(0), s.i64(1), s.i64(2), true});
  }
  if (rc != SQLITE_DONE) return fail(StoreError::kRead, "active faults: " + db.lastError());
  return out;
}

Status<StoreError> Store::openFault(std::string_view code, std::int64_t ts_ms) {
  if (auto st = begin(); !st) return st;
  // OR REPLACE: an episode is its code and first sample, so the same pair
  // can only be this episode written again (a replay over its own cache).
  Stmt s(impl_->db.handle(),
         "INSERT OR REPLACE INTO faults(code, first_seen, last_seen, active) VALUES(?, ?, ?, 1)");
  s.bind(1, code).bind(2, ts_ms).bind(3, ts_ms);
  if (s.run() != SQLITE_DONE) return writeFailed("fault " + std::string(code));
  return {};
}

Status<StoreError> Store::clearFault(const FaultRecord& fault) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "UPDATE faults SET active = 0, last_seen = ? WHERE code = ? AND first_seen = ?");
  s.bind(1, fault.last_seen).bind(2, fault.code).bind(3, fault.first_seen);
  if (s.run() != SQLITE_DONE) return writeFailed("fault " + fault.code);
  return {};
}

Status<StoreError> Store::activeFaultsSeen(std::int64_t ts_ms) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(), "UPDATE faults SET last_seen = ? WHERE active = 1");
  s.bind(1, ts_ms);
  if (s.run() != SQLITE_DONE) return writeFailed("faults last seen");
  return {};
}

}  // namespace crm::store
