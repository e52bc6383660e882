// The store's reads about itself (inspection.h): the outbox by kind and the
// schema version. Reads only; a failure is an error, never "empty".
#include "crm/store/inspection.h"

#include "impl.h"

namespace crm::store {

Result<OutboxSummary, StoreError> Store::outboxSummary() const {
  Db& db = impl_->db;
  OutboxSummary out;
  Stmt s(db.handle(), "SELECT kind, count(*), min(created_ms) FROM outbox GROUP BY kind");
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    const std::int64_t n = s.i64(1);
    out.by_kind[s.text(0)] = n;
    out.pending += n;
    const std::int64_t oldest = s.i64(2);
    if (!out.oldest_ms || oldest < *out.oldest_ms) out.oldest_ms = oldest;
  }
  if (rc != SQLITE_DONE) return fail(StoreError::kRead, "outbox summary: " + db.lastError());
  return out;
}

Result<std::int64_t, StoreError> Store::schemaVersion() const {
  auto version = impl_->db.queryInt("PRAGMA user_version");
  if (!version) return fail(StoreError::kRead, "schema version: " + impl_->db.lastError());
  return *version;
}

}  // namespace crm::store
