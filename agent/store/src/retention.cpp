// Retention and the size quota. Each new local day (of the newest sample)
// deletes raw samples past their window, and engagement history and trips
// past their keeping time. The quota holds on the files on flash: the
// database file (every page, free ones included) plus the WAL, which gets a
// fixed share (walLimitBytes) and is truncated to it after checkpoints.
// Order of sacrifice when over quota: raw samples beyond a minimal window,
// then the oldest hourly roll-ups, then outbox messages by priority (lowest
// first, oldest first), counted per kind. Before any of that, outbox
// messages past their time-to-live (by the sender's clock, see
// Outbox::pendingOutbox) go, counted per kind: a stale message never costs
// a fresh one its place. What is deleted is given back to the file
// system by incremental vacuum (auto_vacuum = INCREMENTAL, schema v4).
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/store/meta_keys.h"
#include "impl.h"

namespace crm::store {
namespace {

constexpr std::int64_t kDay = civil::kMsPerDay;
// Raw samples younger than this survive the quota: the analytics need a few
// days of detail to find sessions and trips.
constexpr std::int64_t kMinRawWindow = 3 * kDay;

// Pages in use: what the file shrinks to once the free pages are vacuumed.
std::int64_t usedBytes(Db& db) {
  const auto pages = db.queryInt("PRAGMA page_count").value_or(0);
  const auto free_pages = db.queryInt("PRAGMA freelist_count").value_or(0);
  const auto page_size = db.queryInt("PRAGMA page_size").value_or(4096);
  return (pages - free_pages) * page_size;
}

std::int64_t fileBytes(Db& db) {
  return db.queryInt("PRAGMA page_count").value_or(0) *
         db.queryInt("PRAGMA page_size").value_or(4096);
}

// Gives free pages back to the file system, a WAL's share at a time: each
// step is its own transaction and the auto-checkpoint runs between them, so
// the vacuum itself never grows the WAL past its bound.
void vacuumFreePages(Db& db, std::int64_t wal_limit) {
  const auto page_size = db.queryInt("PRAGMA page_size").value_or(4096);
  const auto step = std::max<std::int64_t>(16, wal_limit / page_size / 4);
  for (auto left = db.queryInt("PRAGMA freelist_count").value_or(0); left > 0;) {
    if (db.exec("PRAGMA incremental_vacuum(" + std::to_string(step) + ")") != SQLITE_OK) {
      log::warn("store: incremental vacuum: {}", db.lastError());
      return;
    }
    const auto now = db.queryInt("PRAGMA freelist_count").value_or(0);
    if (now >= left) return;
    left = now;
  }
}

// Prompt history is personal data: the driver's responses to prompts. It is
// kept 13 months (a year to compare with, and the month around it), then
// deleted; open prompts stay, whatever their age. Campaigns and appointments
// are kept 30 days past their end, for the prompts that cite them.
constexpr std::int64_t kPersonalHistory = 396 * kDay;
constexpr std::int64_t kEngagementGrace = 30 * kDay;

void deleteOldEngagement(Db& db, std::int64_t today) {
  // Trips say when and how far the car was driven: personal data, kept as
  // long as the prompt history, longer than the longest report period a
  // report-request may ask for (366 days).
  Stmt trips(db.handle(), "DELETE FROM trips WHERE start_ms < ?");
  trips.bind(1, today - kPersonalHistory).run();
  Stmt prompts(db.handle(),
               "DELETE FROM prompts WHERE state NOT IN ('raised', 'delivered', 'snoozed') "
               "AND state_ms < ?");
  prompts.bind(1, today - kPersonalHistory).run();
  // A prompt's events go with it, never before it: a prompt open for more
  // than the window keeps its whole history until 13 months after it closed.
  Stmt events(db.handle(),
              "DELETE FROM prompt_events WHERE prompt_id NOT IN (SELECT id FROM prompts)");
  events.run();
  Stmt campaigns(db.handle(), "DELETE FROM campaigns WHERE valid_until < ?");
  campaigns.bind(1, today - kEngagementGrace).run();
  Stmt appointments(db.handle(), "DELETE FROM appointments WHERE at_ms < ?");
  appointments.bind(1, today - kEngagementGrace).run();
}

std::int64_t deleteSamplesBefore(Db& db, std::int64_t cutoff_ms) {
  // Samples arrive in time order, so rowid order is time order: delete the
  // rowid prefix, which needs no index on ts alone. samples_recent holds
  // minutes, never rows this old.
  Stmt s(db.handle(),
         "DELETE FROM samples WHERE rowid < (SELECT coalesce((SELECT rowid FROM samples WHERE ts "
         ">= ? ORDER BY rowid LIMIT 1), (SELECT max(rowid) + 1 FROM samples)))");
  s.bind(1, cutoff_ms).run();
  return sqlite3_changes(db.handle());
}

// Messages per kind among those `where` selects.
std::map<std::string, std::int64_t> countByKind(Db& db, const std::string& where) {
  std::map<std::string, std::int64_t> out;
  Stmt s(db.handle(), "SELECT kind, count(*) FROM outbox WHERE " + where + " GROUP BY kind");
  while (s.step() == SQLITE_ROW) out[s.text(0)] += s.i64(1);
  return out;
}

std::int64_t total(const std::map<std::string, std::int64_t>& by_kind) {
  std::int64_t n = 0;
  for (const auto& [kind, count] : by_kind) n += count;
  return n;
}

// Drops outbox messages, lowest priority first and oldest first, until
// their rows add up to about `bytes` (never more than one message past it),
// and returns how many of each kind went. Sized by what is stored rather
// than a fixed count: a fixed step of large messages dropped far more than
// the quota needed, reaching into the highest priority.
std::map<std::string, std::int64_t> dropOldestLowest(Db& db, Stmt& remove, std::int64_t bytes) {
  // Row size: the body and the id, and a little for the other columns.
  Stmt pick(db.handle(),
            "SELECT seq, kind, length(payload) + length(id) + 64 FROM outbox ORDER BY priority, "
            "seq LIMIT 1000");
  std::vector<std::pair<std::int64_t, std::string>> victims;
  for (std::int64_t picked = 0; picked < bytes && pick.step() == SQLITE_ROW;) {
    victims.emplace_back(pick.i64(0), pick.text(1));
    picked += pick.i64(2);
  }
  pick.reset();  // no read open on the table while its rows go
  std::map<std::string, std::int64_t> out;
  for (const auto& [seq, kind] : victims) {
    if (remove.bind(1, seq).run() != SQLITE_DONE) break;
    ++out[kind];
  }
  return out;
}

}  // namespace

bool addToMetaCounter(Store& store, Stmt& set_meta, const std::string& key, std::int64_t n) {
  // A corrupt counter starts again from what is known now, with a log:
  // the loss itself is still counted from here on.
  auto stored = store.metaInt(key);
  if (!stored) log::error("store: {}; the count restarts", stored.error().message);
  const std::int64_t before = stored ? stored->value_or(0) : 0;
  return set_meta.bind(1, key).bind(2, std::to_string(before + n)).run() == SQLITE_DONE;
}

std::int64_t walLimitBytes(std::int64_t quota_bytes) {
  // A sixteenth of the quota: 4 MiB at the default 64 MiB.
  return std::clamp<std::int64_t>(quota_bytes / 16, 64 * 1024, 4 * 1024 * 1024);
}

void Store::enforceRetention() {
  Impl& im = *impl_;
  if (im.newest_sample_ms < 0) return;
  const std::int64_t today = dayStart(im.newest_sample_ms);
  const bool new_day = today != im.last_retention_day;
  const std::int64_t wal_limit = walLimitBytes(options_.quota_bytes);
  // The database file's share; the margin keeps a page or two of growth
  // between two checks from crossing the quota.
  const std::int64_t budget = options_.quota_bytes - wal_limit - options_.quota_bytes / 32;
  const bool over = fileBytes(im.db) > budget;
  if (!new_day && !over) return;
  im.last_retention_day = today;

  Db& db = im.db;
  db.exec("BEGIN IMMEDIATE");
  deleteSamplesBefore(db, rawHorizon());
  if (new_day) deleteOldEngagement(db, today);
  std::int64_t expired = 0;
  if (im.outbox_now_ms > 0) {
    const std::string stale =
        "expires_ms > 0 AND expires_ms <= " + std::to_string(im.outbox_now_ms);
    const auto by_kind = countByKind(db, stale);
    if (!by_kind.empty() && db.exec("DELETE FROM outbox WHERE " + stale) == SQLITE_OK) {
      for (const auto& [kind, n] : by_kind) {
        addToMetaCounter(*this, im.set_meta, outboxExpiredKey(kind), n);
      }
      expired = total(by_kind);
    }
  }
  std::int64_t dropped = 0;
  if (usedBytes(db) > budget) {
    // Shrink the raw window a day at a time, down to the minimum.
    for (std::int64_t window = options_.raw_retention_days * kDay - kDay;
         window >= kMinRawWindow && usedBytes(db) > budget; window -= kDay) {
      deleteSamplesBefore(db, im.newest_sample_ms - window);
    }
    while (usedBytes(db) > budget &&
           db.exec("DELETE FROM rollup_hourly WHERE bucket < (SELECT min(bucket) + " +
                   std::to_string(30 * kDay) +
                   " "
                   "FROM rollup_hourly) AND bucket < " +
                   std::to_string(today - 7 * kDay)) == SQLITE_OK &&
           sqlite3_changes(db.handle()) > 0) {
    }
    std::map<std::string, std::int64_t> by_kind;
    for (std::int64_t over = usedBytes(db) - budget; over > 0; over = usedBytes(db) - budget) {
      const auto step = dropOldestLowest(db, im.delete_outbox, over);
      if (step.empty()) break;
      for (const auto& [kind, n] : step) by_kind[kind] += n;
    }
    dropped = total(by_kind);
    if (dropped > 0) {
      addToMetaCounter(*this, im.set_meta, kOutboxDroppedKey, dropped);
      for (const auto& [kind, n] : by_kind) {
        addToMetaCounter(*this, im.set_meta, outboxDroppedKey(kind), n);
      }
    }
  }
  if (db.exec("COMMIT") != SQLITE_OK) {
    db.exec("ROLLBACK");
    log::error("store: retention failed: {}", db.lastError());
    return;
  }
  vacuumFreePages(db, wal_limit);
  if (expired > 0) log::warn("store: {} outbox messages expired unsent", expired);
  if (dropped > 0) log::warn("store: quota reached, dropped {} outbox messages", dropped);
}

}  // namespace crm::store
