#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "impl.h"
#include "seq_mark.h"

namespace crm::store {
namespace {

namespace fs = std::filesystem;

// What a look at an existing file found. Only proof that the file is not a
// usable cache of ours (SQLite says it is not a database or is corrupt, the
// integrity check names damage, another application owns it) moves it aside.
// Anything else (busy, locked, I/O or memory errors) says nothing about the
// file: moving it aside then would throw away a healthy cache because a
// reader held a lock at the wrong moment.
struct Verdict {
  enum class Is : std::uint8_t { kUsable, kUnusable, kUnknown } is = Is::kUsable;
  std::string why;
  bool checked = false;  // the full integrity check ran and passed
};

bool provesDamage(Db& db) {
  const int code = db.lastCode();
  return code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
}

// The cheap part always runs: the header (SQLite reads it for the first
// query), the application id and the schema. The full check reads every
// page, so it costs as much as the file is large (0.9 s cold at 64 MiB on a
// head unit): it runs only when there is a reason to doubt the pages (see
// wantFullCheck), not at every start.
Verdict examine(Db& db, bool full_check) {
  using Is = Verdict::Is;
  auto failed = [&](const std::string& what) {
    const std::string why = what + " (" + db.lastError() + ")";
    return provesDamage(db) ? Verdict{Is::kUnusable, why} : Verdict{Is::kUnknown, why};
  };
  auto app = db.queryInt("PRAGMA application_id");
  if (!app) return failed("not readable as a database");
  auto tables = db.queryInt("SELECT count(*) FROM sqlite_schema");
  if (!tables) return failed("unreadable schema");
  if (*app != kApplicationId && *tables > 0)
    return {Is::kUnusable, "a database of another application"};
  if (*tables > 0 && !db.queryInt("SELECT count(*) FROM meta")) return failed("unreadable meta");
  if (*tables == 0) return {Is::kUsable, {}, true};  // a new file: nothing to check
  if (!full_check) return {};
  Stmt check(db.handle(), "PRAGMA quick_check(1)");
  if (!check.ok()) return failed("integrity check could not start");
  if (check.step() != SQLITE_ROW) return failed("integrity check could not run");
  if (check.text(0) != "ok") return {Is::kUnusable, "damaged: " + check.text(0)};
  return {Is::kUsable, {}, true};
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reasons to read every page at start-up. A WAL left with frames means the
// last run did not close (a crash or a power cut: a clean close checkpoints
// and removes it); the check mark means SQLite reported damage while running;
// and every full_check_interval_days a check runs anyway, to find damage in
// pages nothing has read since (flash wears). Otherwise the pages are the
// ones the last run closed cleanly, and damage found later still surfaces as
// SQLITE_CORRUPT on the read that meets it, which leaves the mark.
bool wantFullCheck(const std::string& path, Db& db, int interval_days) {
  std::error_code ec;
  const auto wal = fs::file_size(path + "-wal", ec);
  if (!ec && wal > 0) return true;
  if (fs::exists(checkMarkPath(path), ec)) return true;
  Stmt last(db.handle(), "SELECT value FROM meta WHERE key = 'last_full_check_ms'");
  if (!last.ok() || last.step() != SQLITE_ROW) return true;
  std::int64_t at = 0;
  const std::string text = last.text(0);
  if (std::from_chars(text.data(), text.data() + text.size(), at).ec != std::errc()) return true;
  return wallMs() - at > interval_days * civil::kMsPerDay || wallMs() < at;
}

// Renames the damaged file (and its WAL) to <path>.corrupt-<epoch>. Either
// all of it moves or nothing does: the error names why.
Result<std::string, StoreError> moveAside(const std::string& path) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string aside = path + ".corrupt-" + std::to_string(now);
  std::error_code ec;
  fs::rename(path, aside, ec);
  if (ec) return fail(StoreError::kCannotOpen, "cannot move it aside: " + ec.message());
  if (fs::exists(path + "-wal")) {
    fs::rename(path + "-wal", aside + "-wal", ec);
    if (ec) {
      const std::string why = ec.message();
      fs::rename(aside, path, ec);
      return fail(StoreError::kCannotOpen, "cannot move its WAL aside: " + why);
    }
  }
  fs::remove(path + "-shm", ec);
  return aside;
}

}  // namespace

std::string checkMarkPath(const std::string& cache_path) {
  return cache_path + ".check";
}

Store::Store(StoreOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

Store::~Store() {
  if (!impl_ || impl_->db.handle() == nullptr) return;
  Impl& im = *impl_;
  // Closing: the open roll-up buckets are written too. There is nobody left
  // to hand an error to but the log.
  if (im.opened) {
    if (auto st = begin(); !st) log::error("store: closing: {}", st.error().message);
    if (auto st = commitBatch(true); !st) log::error("store: closing: {}", st.error().message);
  }
  im.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  // A clean close leaves the mark exactly at the next seq, so the next start
  // resumes without a gap; after a crash it resumes at the reserved block's
  // end. A mark that cannot be lowered stays higher, which is safe.
  if (im.seq_mark > im.next_seq) {
    if (writeSeqMark(options_.path, im.next_seq, options_.full_sync)) im.seq_mark = im.next_seq;
  }
}

Result<std::unique_ptr<Store>, StoreError> Store::open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(options));
  Impl& im = *store->impl_;
  std::error_code ec;
  const auto dir = fs::path(options.path).parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);
  auto cannot = [&](const std::string& why) {
    return fail(StoreError::kCannotOpen, options.path + ": " + why);
  };

  if (im.db.open(options.path) != SQLITE_OK) return cannot(im.db.lastError());
  // Before the first read: another connection (crm-agentctl, a test, the
  // previous agent's WAL recovery) may hold a lock for a moment.
  sqlite3_busy_timeout(im.db.handle(), options.busy_timeout_ms);
  // SQLite opens a file it may not write read-only, without a word; the
  // first commit would fail. Refuse now, naming why.
  if (sqlite3_db_readonly(im.db.handle(), "main") == 1) {
    return cannot("the file is read-only (" +
                  std::string(::access(options.path.c_str(), W_OK) != 0 ? std::strerror(errno)
                                                                        : "opened read-only") +
                  "); left as it is");
  }
  const bool full_check = wantFullCheck(options.path, im.db, options.full_check_interval_days);
  const Verdict verdict = examine(im.db, full_check);
  if (verdict.is == Verdict::Is::kUnknown) return cannot(verdict.why);
  if (verdict.is == Verdict::Is::kUnusable) {
    // Closing must not checkpoint or delete the WAL: it goes aside with the
    // file, as evidence and for whatever can be saved from it.
    int keep_wal = 1;
    sqlite3_file_control(im.db.handle(), "main", SQLITE_FCNTL_PERSIST_WAL, &keep_wal);
    im.db.close();
    auto aside = moveAside(options.path);
    if (!aside) {
      // A cache we cannot move is not replaced: a fresh file beside it is
      // impossible, and guessing would lose it. The operator sees both causes.
      return cannot(verdict.why + ", but " + aside.error().message + "; left as it is");
    }
    store->recovered_from_ = *aside;
    log::error("store: {} is {}; moved aside to {}, starting a fresh cache", options.path,
               verdict.why, store->recovered_from_);
    fs::remove(checkMarkPath(options.path), ec);
    if (im.db.open(options.path) != SQLITE_OK) return cannot(im.db.lastError());
    sqlite3_busy_timeout(im.db.handle(), options.busy_timeout_ms);
  }
  // Incremental vacuum lets retention give flash back. It (and the page
  // size) must be chosen
  // before the file has its first page, and so before the switch to WAL,
  // which writes one (set after it, it silently did nothing).
  if (im.db.queryInt("PRAGMA page_count").value_or(1) == 0) {
    // The page size first: the vacuum mode pragma fixes it otherwise.
    im.db.exec("PRAGMA page_size = " + std::to_string(options.page_bytes));
    im.db.exec("PRAGMA auto_vacuum = INCREMENTAL");
  }
  // WAL: readers (crm-agentctl, tests) never block the writer, and a crash
  // never leaves a half-written transaction visible.
  if (auto mode = im.db.queryText("PRAGMA journal_mode = WAL"); mode != "wal") {
    return cannot("cannot use WAL (" + im.db.lastError() + ")");
  }
  im.db.exec(options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // Every delete overwrites what it deleted with zeros, and a page freed
  // whole is zeroed: the driver's data, once erased or past its retention,
  // is not left in the file's free space (docs/privacy.md). Chosen here, not
  // left to how SQLite was built.
  if (im.db.queryInt("PRAGMA secure_delete = ON").value_or(0) != 1) {
    log::error(
        "store: secure_delete could not be turned on ({}); erased data may stay in the "
        "file's free space",
        im.db.lastError());
  }
  // The WAL counts against the quota: bounded after each checkpoint, and
  // checkpointed before it grows past that bound.
  const auto wal_limit = walLimitBytes(options.quota_bytes);
  const auto page_size = im.db.queryInt("PRAGMA page_size").value_or(4096);
  im.db.exec("PRAGMA journal_size_limit = " + std::to_string(wal_limit));
  im.db.exec("PRAGMA wal_autocheckpoint = " + std::to_string(wal_limit / page_size / 2));
  if (auto st = migrate(im.db); !st) return cannot(st.error().message);
  // Statement journals and sorts stay in memory: a temporary file would
  // hold copies of the pages a transaction changed, erased data included.
  // After the migrations, whose one-time VACUUM needs a file for its copy.
  im.db.exec("PRAGMA temp_store = MEMORY");

  // Map catalogue ids to stable stored ids. Also the proof that the file can
  // be written now: a cache busy in another writer's transaction past the
  // timeout fails here, with SQLite's reason, rather than at the first commit.
  const auto catalogue = vehicle::signalCatalogue();
  im.signals.resize(catalogue.size());
  if (im.db.exec("BEGIN IMMEDIATE") != SQLITE_OK) return cannot(im.db.lastError());
  {
    Stmt ins(im.db.handle(), "INSERT OR IGNORE INTO signals(path) VALUES(?)");
    Stmt get(im.db.handle(), "SELECT id FROM signals WHERE path = ?");
    for (const auto& s : catalogue) {
      if (ins.bind(1, s.path).run() != SQLITE_DONE) {
        const std::string why = im.db.lastError();
        im.db.exec("ROLLBACK");
        return cannot("signals: " + why);
      }
      get.bind(1, s.path);
      if (get.step() == SQLITE_ROW) im.signals[s.id].db_id = get.i64(0);
      get.reset();
    }
  }
  if (im.db.exec("COMMIT") != SQLITE_OK) {
    const std::string why = im.db.lastError();
    im.db.exec("ROLLBACK");
    return cannot("signals: " + why);
  }
  if (verdict.checked) {
    // Best effort: on a full disk the check simply runs again next time.
    im.db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('last_full_check_ms', '" +
               std::to_string(wallMs()) + "')");
    fs::remove(checkMarkPath(options.path), ec);
  }
  im.insert_sample = Stmt(im.db.handle(),
                          "INSERT INTO samples_recent(signal, ts, num, text, rowid) "
                          "VALUES(?,?,?,?,?)");
  im.insert_settled =
      Stmt(im.db.handle(), "INSERT INTO samples(signal, ts, num, text, rowid) VALUES(?,?,?,?,?)");
  im.recent_stats = Stmt(im.db.handle(), "SELECT count(*), min(ts) FROM samples_recent");
  const char* upsert =
      "(signal,bucket,n,min,max,sum,first,last,first_ts,last_ts) VALUES(?,?,?,?,?,?,?,?,?,?)";
  im.upsert_hourly =
      Stmt(im.db.handle(), std::string("INSERT OR REPLACE INTO rollup_hourly") + upsert);
  im.upsert_daily =
      Stmt(im.db.handle(), std::string("INSERT OR REPLACE INTO rollup_daily") + upsert);
  im.insert_outbox = Stmt(im.db.handle(),
                          "INSERT INTO outbox(seq,id,kind,priority,retain,created_ms,payload,vin,"
                          "expires_ms) VALUES(?,?,?,?,?,?,?,?,?)");
  im.delete_outbox = Stmt(im.db.handle(), "DELETE FROM outbox WHERE seq = ?");
  im.set_meta = Stmt(im.db.handle(), "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  im.pending_outbox =
      Stmt(im.db.handle(),
           "SELECT seq,id,kind,vin,created_ms,payload,expires_ms FROM outbox WHERE seq > ? AND "
           "seq < ? ORDER BY seq LIMIT ?");
  if (!im.insert_sample.ok() || !im.insert_settled.ok() || !im.recent_stats.ok() ||
      !im.upsert_hourly.ok() || !im.upsert_daily.ok() || !im.insert_outbox.ok() ||
      !im.delete_outbox.ok() || !im.set_meta.ok() || !im.pending_outbox.ok()) {
    return cannot("prepare failed: " + im.db.lastError());
  }
  store->resumeSeq();
  store->loadSignalState();
  im.rollups_flushed_at = im.newest_sample_ms;
  im.opened = true;
  // An erase committed before a crash, its WAL not yet truncated: finished now.
  im.erase_pending = store->meta(kErasePendingKey).has_value();
  store->finishErase();
  return store;
}

// The seq high-water mark: the next seq is above every seq this car can have
// issued. The meta row holds the mark of this cache; the file beside it
// (<path>.seq) outlives the cache, so a cache moved aside or deleted does not
// restart the count; the outbox is the last check. With neither mark
// readable, the count resumes at the wall clock in ms, which is above every
// seq a car can have sent (far fewer than one message a millisecond). A
// first start (no cache, no mark file) begins at 1.
void Store::resumeSeq() {
  Impl& im = *impl_;
  const auto file = readSeqMark(options_.path);
  if (file.is == SeqMarkRead::Is::kDamaged) log::error("store: {}", file.why);
  const bool file_ok = file.is == SeqMarkRead::Is::kValue;
  auto meta = metaInt("next_seq");
  if (!meta) log::error("store: {}", meta.error().message);
  const bool lost_cache = meta && !meta->has_value() && !recovered_from_.empty();
  const bool unknown = (!meta && !file_ok) || (lost_cache && !file_ok) ||
                       (file.is == SeqMarkRead::Is::kDamaged && !(meta && meta->has_value()));
  std::int64_t next = 1;
  if (meta && meta->has_value()) next = std::max(next, **meta);
  if (file_ok) next = std::max(next, file.value);
  if (unknown) {
    next = std::max(next, wallMs());
    log::error("store: the seq mark is lost with the cache; seq resumes at {}", next);
  }
  // Belt and braces: never reuse a seq still in the outbox, whatever the marks say.
  if (auto max = im.db.queryInt("SELECT max(seq) FROM outbox"); max && *max >= next) {
    next = *max + 1;
  }
  im.next_seq = next;
  im.committed_next_seq = next;
  im.meta_next_seq = meta && meta->has_value() ? **meta : -1;
  im.seq_mark = file_ok ? file.value : 0;
}

bool Store::full() const {
  return impl_->full;
}

Error<StoreError> Store::writeFailed(const std::string& what) {
  Impl& im = *impl_;
  const int code = im.db.lastCode();
  std::string why = what + ": " + im.db.lastError();
  if (code == SQLITE_FULL) {
    im.full = true;
    return fail(StoreError::kFull, std::move(why));
  }
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    // Read every page at the next start; best effort, as everything here.
    std::ofstream mark(checkMarkPath(options_.path));
  }
  return fail(StoreError::kIo, std::move(why));
}

Status<StoreError> Store::begin() {
  Impl& im = *impl_;
  // A failed write (a full disk, an I/O error) may have made SQLite roll the
  // batch back by itself: the caller was told by that write's error; what
  // comes next starts a new batch instead of running outside one.
  if (in_txn_ && sqlite3_get_autocommit(im.db.handle()) == 0) return {};
  if (in_txn_) reloadRecent();  // SQLite rolled the batch back by itself
  in_txn_ = false;
  if (im.db.exec("BEGIN IMMEDIATE") != SQLITE_OK) return writeFailed("begin");
  in_txn_ = true;
  im.burst = false;
  // Buckets that closed in a lost batch are written again.
  for (const auto& c : im.unflushed) {
    if (!writeRollup(c.daily ? im.upsert_daily : im.upsert_hourly, c.db_id, c.r)) {
      return writeFailed("roll-ups");
    }
  }
  return {};
}

Status<StoreError> Store::commit() {
  return commitBatch(false);
}

Status<StoreError> Store::commitBatch(bool all_rollups) {
  if (!in_txn_) {
    // Nothing staged; an erase whose WAL a reader held is finished when it can be.
    finishErase();
    return {};
  }
  Impl& im = *impl_;
  // The roll-ups and the seq high-water mark belong to the batch: if either
  // cannot be written, nothing of it is committed (a committed message with
  // a seq the mark does not cover could be reused after a restart).
  auto abandon = [&](Error<StoreError> error) -> Status<StoreError> {
    if (sqlite3_get_autocommit(im.db.handle()) == 0) im.db.exec("ROLLBACK");
    in_txn_ = false;
    reloadRecent();
    return error;
  };
  if (sqlite3_get_autocommit(im.db.handle()) != 0) {
    // SQLite already rolled the batch back after a failed write: say so, not
    // "no transaction is active".
    in_txn_ = false;
    reloadRecent();
    return fail(im.full ? StoreError::kFull : StoreError::kIo,
                "commit: the batch was lost to an earlier failed write" +
                    std::string(im.full ? " (the disk is full)" : ""));
  }
  const bool checkpoint =
      all_rollups || im.newest_sample_ms - im.rollups_flushed_at >= options_.rollup_checkpoint_ms;
  if (checkpoint) {
    if (auto st = flushRollups(); !st) return abandon(writeFailed("commit: roll-ups"));
  }
  if (im.next_seq != im.meta_next_seq) {
    if (im.set_meta.bind(1, std::string_view("next_seq"))
            .bind(2, std::to_string(im.next_seq))
            .run() != SQLITE_DONE) {
      return abandon(writeFailed("commit: next_seq"));
    }
  }
  if (checkpoint && im.recent_rows > 0 && !settleSamples()) {
    return abandon(writeFailed("commit: samples"));
  }
  if (im.db.exec("COMMIT") != SQLITE_OK) return abandon(writeFailed("commit"));
  in_txn_ = false;
  im.full = false;
  im.committed_next_seq = im.next_seq;
  im.meta_next_seq = im.next_seq;
  im.unflushed.clear();
  if (checkpoint) {
    for (auto& ss : im.signals) ss.hour.dirty = ss.day.dirty = false;
    im.rollups_flushed_at = im.newest_sample_ms;
  }
  enforceRetention();
  finishErase();
  return {};
}

std::optional<std::string> Store::meta(std::string_view key) const {
  Stmt s = impl_->query("SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

Result<std::optional<std::int64_t>, StoreError> Store::metaInt(std::string_view key) const {
  Stmt s(impl_->db.handle(), "SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
  if (rc != SQLITE_ROW) {
    return fail(StoreError::kIo, "meta " + std::string(key) + ": " + impl_->db.lastError());
  }
  const std::string text = s.text(0);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    // Quoted in part: enough to recognise, never a flood into the log.
    return fail(StoreError::kCorrupt,
                "meta " + std::string(key) + ": \"" + text.substr(0, 40) + "\" is not an integer");
  }
  return std::optional<std::int64_t>(value);
}

Status<StoreError> Store::setMeta(std::string_view key, std::string_view value) {
  if (auto st = begin(); !st) return st;
  if (impl_->set_meta.bind(1, key).bind(2, value).run() != SQLITE_DONE) {
    return writeFailed("meta " + std::string(key));
  }
  return {};
}

std::optional<std::string> Store::takeReadError() const {
  if (impl_->read_error.empty()) return std::nullopt;
  return std::exchange(impl_->read_error, {});
}

std::int64_t Store::dayStart(std::int64_t ts_ms) const {
  return civil::dayStart(ts_ms, options_.utc_offset_minutes);
}

StorageStats Store::stats() const {
  Db& db = impl_->db;
  StorageStats s;
  // What the quota holds: the files on flash, free pages and WAL included.
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto bytes = fs::file_size(options_.path + suffix, ec);
    if (!ec) s.file_bytes += static_cast<std::int64_t>(bytes);
  }
  s.quota_bytes = options_.quota_bytes;
  s.samples = db.queryInt("SELECT count(*) FROM samples_all").value_or(0);
  s.samples_reduced = impl_->samples_reduced;
  Stmt range(db.handle(), "SELECT min(ts), max(ts) FROM samples_all");
  if (range.step() == SQLITE_ROW && !range.isNull(0)) {
    s.oldest_sample_ms = range.i64(0);
    s.newest_sample_ms = range.i64(1);
  }
  s.hourly_rollups = db.queryInt("SELECT count(*) FROM rollup_hourly").value_or(0);
  s.daily_rollups = db.queryInt("SELECT count(*) FROM rollup_daily").value_or(0);
  s.outbox_pending = db.queryInt("SELECT count(*) FROM outbox").value_or(0);
  // A corrupt counter reads as unknown (-1), not as zero and not as a crash.
  auto dropped = metaInt("outbox_dropped");
  s.outbox_dropped = dropped ? dropped->value_or(0) : -1;
  s.next_seq = impl_->next_seq;
  return s;
}

}  // namespace crm::store
