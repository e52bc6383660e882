// Private state of Store, shared by its source files.
#pragma once

#include <boost/uuid/random_generator.hpp>
#include <limits>
#include <vector>

#include "crm/store/store.h"
#include "sqlite.h"

namespace crm::store {

// Stable: written to disk. Do not change.
inline constexpr std::int64_t kApplicationId = 0x43524D41;  // "CRMA"

// samples_recent holds at most this many rows (about 100 s of driving):
// the sample that finds it full first moves them to samples, in the open
// batch, and the rest of that batch (a replay's, a backlog's) goes straight
// to samples. Readers scan it (it has no index), so it stays small.
inline constexpr std::int64_t kRecentRowsMax = 1024;

struct Bucket {
  Rollup r;
  bool valid = false;
  bool dirty = false;
};

struct SignalState {
  std::int64_t db_id = 0;  // id in the signals table (stable across catalogue changes)
  // Change-based reduction: the last raw sample kept.
  bool has_last = false;
  std::int64_t last_ts = 0;
  vehicle::Value last_value;
  Bucket hour, day;
};

// A bucket that closed in the open batch: written there, and written again
// in the next batch if this one is lost (a failed commit).
struct ClosedBucket {
  bool daily = false;
  std::int64_t db_id = 0;
  Rollup r;
};

struct Store::Impl {
  Db db;
  std::vector<SignalState> signals;  // indexed by catalogue id
  // insert_sample writes samples_recent; insert_settled writes samples
  // directly (a burst, see kRecentRowsMax).
  Stmt insert_sample, insert_settled, recent_stats, upsert_hourly, upsert_daily, insert_outbox,
      delete_outbox, set_meta;
  // Read at every PUBACK while a backlog drains: prepared once.
  Stmt pending_outbox;
  std::int64_t next_seq = 1;
  // Messages below this seq are committed; only those may be published, or a
  // crash could reuse the seq of a message the broker already has.
  std::int64_t committed_next_seq = 1;
  // Every seq below it is covered by the mark file beside the cache.
  std::int64_t seq_mark = 0;
  // next_seq as last committed to meta: unchanged, it is not rewritten.
  std::int64_t meta_next_seq = -1;
  std::vector<ClosedBucket> unflushed;
  // The car's time of the last roll-up checkpoint.
  std::int64_t rollups_flushed_at = -1;
  bool full = false;
  // An erase is committed (or staged) and the WAL may still hold old copies
  // of what it deleted: the next commit checkpoints and truncates it.
  bool erase_pending = false;
  bool opened = false;  // open() finished: there is something to write back at close
  std::int64_t newest_sample_ms = -1;
  std::int64_t samples_reduced = 0;
  // The rowid of the next sample, above every row of samples and
  // samples_recent (the store gives rowids so that a row keeps its own when
  // it moves).
  std::int64_t next_sample_id = 1;
  // samples_recent as the open batch sees it: its rows and the oldest ts
  // among them (INT64_MAX: none). Read again from the file whenever a batch
  // or a unit is rolled back (reloadRecent).
  std::int64_t recent_rows = 0;
  std::int64_t recent_from_ms = std::numeric_limits<std::int64_t>::max();
  // This batch moved a full samples_recent: its other samples go straight to
  // samples (rowids stay in the order samples were taken).
  bool burst = false;
  std::int64_t last_retention_day = -1;
  // The newest clock time a sender judged staleness by (pendingOutbox's
  // now_ms); retention drops what expired by it. 0: none given, nothing
  // expires (a replay).
  std::int64_t outbox_now_ms = 0;
  boost::uuids::random_generator uuid;
  // The first read failure not yet taken (Reader::takeReadError).
  mutable std::string read_error;

  // A statement for a read: its failures are latched in read_error.
  Stmt query(std::string_view sql) const {
    Stmt s(db.handle(), sql);
    s.reportTo(&read_error);
    return s;
  }

  // Catalogue id of a stored signal id (signals this agent version does not
  // know, e.g. from a newer one, have none).
  std::optional<vehicle::SignalId> catalogueId(std::int64_t db_id) const {
    for (std::size_t i = 0; i < signals.size(); ++i) {
      if (signals[i].db_id == db_id) return static_cast<vehicle::SignalId>(i);
    }
    return std::nullopt;
  }
};

// Schema creation and migrations (schema.cpp). On error, what failed.
Status<StoreError> migrate(Db& db);

// Writes one roll-up row (INSERT OR REPLACE); false when the write failed.
bool writeRollup(Stmt& st, std::int64_t db_id, const Rollup& r);

// The WAL's bound (journal_size_limit and the auto-checkpoint): its share
// of the quota. The database file gets the rest (retention.cpp).
std::int64_t walLimitBytes(std::int64_t quota_bytes);

// Adds `n` to the integer meta value `key` inside the open transaction. A
// value that is not an integer restarts from 0 (logged): the loss is still
// counted from here on. False when the write failed.
bool addToMetaCounter(Store& store, Stmt& set_meta, const std::string& key, std::int64_t n);

// Stable: the meta key that survives a crash between an erase's commit and
// the WAL's truncation (erase.cpp): the next open finishes the erase.
inline constexpr const char* kErasePendingKey = "erase.pending";

// Marks the cache for a full integrity check at the next start (SQLite
// reported damage while running): <path>.check.
std::string checkMarkPath(const std::string& cache_path);

}  // namespace crm::store
