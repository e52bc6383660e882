// Retention and the size quota. Order of sacrifice when over quota: raw
// samples beyond a minimal window, then the oldest hourly roll-ups, then
// outbox messages by priority (lowest first, oldest first), counted.
#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "impl.h"

namespace crm::store {
namespace {

constexpr std::int64_t kDay = civil::kMsPerDay;
// Raw samples younger than this survive the quota: the analytics need a few
// days of detail to find sessions and trips.
constexpr std::int64_t kMinRawWindow = 3 * kDay;

std::int64_t usedBytes(Db& db) {
  const auto pages = db.queryInt("PRAGMA page_count").value_or(0);
  const auto free_pages = db.queryInt("PRAGMA freelist_count").value_or(0);
  const auto page_size = db.queryInt("PRAGMA page_size").value_or(4096);
  return (pages - free_pages) * page_size;
}

std::int64_t deleteSamplesBefore(Db& db, std::int64_t cutoff_ms) {
  // Samples arrive in time order, so rowid order is time order: delete the
  // rowid prefix, which needs no index on ts alone.
  Stmt s(db.handle(),
         "DELETE FROM samples WHERE rowid < (SELECT coalesce((SELECT rowid FROM samples WHERE ts "
         ">= ? ORDER BY rowid LIMIT 1), (SELECT max(rowid) + 1 FROM samples)))");
  s.bind(1, cutoff_ms).run();
  return sqlite3_changes(db.handle());
}

}  // namespace

void Store::enforceRetention() {
  Impl& im = *impl_;
  if (im.newest_sample_ms < 0) return;
  const std::int64_t today = dayStart(im.newest_sample_ms);
  const bool new_day = today != im.last_retention_day;
  const bool over = usedBytes(im.db) > options_.quota_bytes;
  if (!new_day && !over) return;
  im.last_retention_day = today;

  Db& db = im.db;
  db.exec("BEGIN IMMEDIATE");
  deleteSamplesBefore(db, rawHorizon());
  std::int64_t dropped = 0;
  if (over) {
    // Shrink the raw window a day at a time, down to the minimum.
    for (std::int64_t window = options_.raw_retention_days * kDay - kDay;
         window >= kMinRawWindow && usedBytes(db) > options_.quota_bytes; window -= kDay) {
      deleteSamplesBefore(db, im.newest_sample_ms - window);
    }
    while (usedBytes(db) > options_.quota_bytes &&
           db.exec("DELETE FROM rollup_hourly WHERE bucket < (SELECT min(bucket) + " +
                   std::to_string(30 * kDay) +
                   " "
                   "FROM rollup_hourly) AND bucket < " +
                   std::to_string(today - 7 * kDay)) == SQLITE_OK &&
           sqlite3_changes(db.handle()) > 0) {
    }
    while (usedBytes(db) > options_.quota_bytes) {
      db.exec(
          "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY priority, seq "
          "LIMIT 100)");
      const auto n = sqlite3_changes(db.handle());
      if (n == 0) break;
      dropped += n;
    }
    if (dropped > 0) {
      // A corrupt counter starts again from what is known now, with a log:
      // the loss itself is still counted from here on.
      auto stored = metaInt("outbox_dropped");
      if (!stored) log::error("store: {}; the count restarts", stored.error().message);
      const std::int64_t before = stored ? stored->value_or(0) : 0;
      im.set_meta.bind(1, std::string_view("outbox_dropped"))
          .bind(2, std::to_string(before + dropped))
          .run();
    }
  }
  if (db.exec("COMMIT") != SQLITE_OK) {
    db.exec("ROLLBACK");
    log::error("store: retention failed: {}", db.lastError());
    return;
  }
  db.exec("PRAGMA incremental_vacuum");
  if (dropped > 0) log::warn("store: quota reached, dropped {} outbox messages", dropped);
}

}  // namespace crm::store
