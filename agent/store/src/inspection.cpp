// The store's reads about itself (inspection.h): the outbox by kind, its
// losses (outbox_losses.h) and the schema version. Reads only; a failure is an error, never
// "empty".
#include "crm/store/inspection.h"

#include "crm/common/log.h"
#include "crm/store/meta_keys.h"
#include "crm/store/outbox_losses.h"
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

namespace crm::store {

Result<OutboxLosses, StoreError> outboxLosses(const Reader& store) {
  OutboxLosses out;
  bool known = true;  // every per-kind expiry counter was a number
  // A counter that is not a number is unknown, not zero; a failed read fails.
  auto read = [&](const std::string& key) -> Result<std::optional<std::int64_t>, StoreError> {
    auto v = store.metaInt(key);
    if (v) return std::optional<std::int64_t>(v->value_or(0));
    if (v.error().code != StoreError::kCorrupt) {
      return fail(StoreError::kRead, "outbox losses: " + v.error().message);
    }
    log::error("store: {}; shown as unknown", v.error().message);
    return std::optional<std::int64_t>();
  };
  auto total = read(kOutboxDroppedKey);
  if (!total) return total.error();
  out.quota = *total;
  std::int64_t expired = 0;
  for (const auto& spec : wire::kKinds) {
    auto dropped = read(outboxDroppedKey(spec.topic));
    if (!dropped) return dropped.error();
    auto stale = read(outboxExpiredKey(spec.topic));
    if (!stale) return stale.error();
    if (!*stale) known = false;
    auto big = read(outboxOversizeKey(spec.topic));
    if (!big) return big.error();
    const std::int64_t q = dropped->value_or(0), e = stale->value_or(0), o = big->value_or(0);
    expired += e;
    out.oversize += o;
    if (q > 0 || e > 0 || o > 0) out.by_kind[std::string(spec.topic)] = {q, e, o};
  }
  if (known) out.expired = expired;
  return out;
}

}  // namespace crm::store
