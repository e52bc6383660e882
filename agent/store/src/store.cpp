#include <charconv>
#include <chrono>
#include <filesystem>
#include <optional>
#include <system_error>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "impl.h"

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
};

bool provesDamage(Db& db) {
  const int code = sqlite3_errcode(db.handle()) & 0xff;
  return code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
}

Verdict examine(Db& db) {
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
  Stmt check(db.handle(), "PRAGMA quick_check(1)");
  if (!check.ok()) return failed("integrity check could not start");
  if (check.step() != SQLITE_ROW) return failed("integrity check could not run");
  if (check.text(0) != "ok") return {Is::kUnusable, "damaged: " + check.text(0)};
  return {};
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string moveAside(const std::string& path) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::string aside = path + ".corrupt-" + std::to_string(now);
  std::error_code ec;
  fs::rename(path, aside, ec);
  fs::rename(path + "-wal", aside + "-wal", ec);
  fs::remove(path + "-shm", ec);
  return aside;
}

}  // namespace

Store::Store(StoreOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

Store::~Store() {
  if (impl_ && impl_->db.handle() != nullptr) {
    if (in_txn_) {
      // Closing: there is nobody left to hand the error to but the log.
      if (auto st = commit(); !st) log::error("store: closing: {}", st.error().message);
    }
    impl_->db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
}

Result<std::unique_ptr<Store>, StoreError> Store::open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(options));
  Impl& im = *store->impl_;
  std::error_code ec;
  const auto dir = fs::path(options.path).parent_path();
  if (!dir.empty()) fs::create_directories(dir, ec);

  if (im.db.open(options.path) != SQLITE_OK) {
    return fail(StoreError::kCannotOpen, options.path + ": " + im.db.lastError());
  }
  // Before the first read: another connection (crm-agentctl, a test, the
  // previous agent's WAL recovery) may hold a lock for a moment.
  sqlite3_busy_timeout(im.db.handle(), options.busy_timeout_ms);
  const Verdict verdict = examine(im.db);
  if (verdict.is == Verdict::Is::kUnknown) {
    return fail(StoreError::kCannotOpen, options.path + ": " + verdict.why);
  }
  if (verdict.is == Verdict::Is::kUnusable) {
    im.db.close();
    store->recovered_from_ = moveAside(options.path);
    log::error("store: {} is {}; moved aside to {}, starting a fresh cache", options.path,
               verdict.why, store->recovered_from_);
    if (im.db.open(options.path) != SQLITE_OK) {
      return fail(StoreError::kCannotOpen, options.path + ": " + im.db.lastError());
    }
    sqlite3_busy_timeout(im.db.handle(), options.busy_timeout_ms);
  }
  // WAL: readers (crm-agentctl, tests) never block the writer, and a crash
  // never leaves a half-written transaction visible.
  im.db.exec("PRAGMA journal_mode = WAL");
  im.db.exec(options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // Keep the WAL from growing past 4 MiB after checkpoints: it counts against flash.
  im.db.exec("PRAGMA journal_size_limit = 4194304");
  if (auto st = migrate(im.db); !st) {
    return fail(StoreError::kCannotOpen, options.path + ": " + st.error().message);
  }

  // Map catalogue ids to stable stored ids.
  const auto catalogue = vehicle::signalCatalogue();
  im.signals.resize(catalogue.size());
  {
    Stmt ins(im.db.handle(), "INSERT OR IGNORE INTO signals(path) VALUES(?)");
    Stmt get(im.db.handle(), "SELECT id FROM signals WHERE path = ?");
    for (const auto& s : catalogue) {
      ins.bind(1, s.path).run();
      get.bind(1, s.path);
      if (get.step() == SQLITE_ROW) im.signals[s.id].db_id = get.i64(0);
      get.reset();
    }
  }
  im.insert_sample =
      Stmt(im.db.handle(), "INSERT INTO samples(signal, ts, num, text) VALUES(?,?,?,?)");
  const char* upsert =
      "(signal,bucket,n,min,max,sum,first,last,first_ts,last_ts) VALUES(?,?,?,?,?,?,?,?,?,?)";
  im.upsert_hourly =
      Stmt(im.db.handle(), std::string("INSERT OR REPLACE INTO rollup_hourly") + upsert);
  im.upsert_daily =
      Stmt(im.db.handle(), std::string("INSERT OR REPLACE INTO rollup_daily") + upsert);
  im.insert_outbox = Stmt(im.db.handle(),
                          "INSERT INTO outbox(seq,id,kind,priority,retain,created_ms,payload,vin) "
                          "VALUES(?,?,?,?,?,?,?,?)");
  im.delete_outbox = Stmt(im.db.handle(), "DELETE FROM outbox WHERE seq = ?");
  im.set_meta = Stmt(im.db.handle(), "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  if (!im.insert_sample.ok() || !im.upsert_hourly.ok() || !im.upsert_daily.ok() ||
      !im.insert_outbox.ok() || !im.delete_outbox.ok() || !im.set_meta.ok()) {
    return fail(StoreError::kCannotOpen, options.path + ": prepare failed: " + im.db.lastError());
  }

  // The seq high-water mark. One that cannot be read is no licence to start
  // again from 1 (the CRM would take new messages for duplicates), nor a
  // reason never to start: the count resumes above every seq this cache
  // can have issued, which is below both the highest queued one and the
  // wall clock in ms (a car sends far fewer than one message a millisecond).
  auto seq = store->metaInt("next_seq");
  if (!seq) {
    im.next_seq = wallMs();
    log::error("store: {}; seq resumes at {}", seq.error().message, im.next_seq);
  } else if (*seq) {
    im.next_seq = **seq;
  }
  // Belt and braces: never reuse a seq still in the outbox, whatever meta says.
  if (auto max = im.db.queryInt("SELECT max(seq) FROM outbox"); max && *max >= im.next_seq) {
    im.next_seq = *max + 1;
  }
  im.committed_next_seq = im.next_seq;
  store->loadSignalState();
  return store;
}

Status<StoreError> Store::begin() {
  if (in_txn_) return {};
  if (impl_->db.exec("BEGIN IMMEDIATE") != SQLITE_OK) {
    return fail(StoreError::kIo, "begin: " + impl_->db.lastError());
  }
  in_txn_ = true;
  return {};
}

Status<StoreError> Store::commit() {
  if (!in_txn_) return {};
  Impl& im = *impl_;
  // The roll-ups and the seq high-water mark belong to the batch: if either
  // cannot be written, nothing of it is committed (a committed message with
  // a seq the mark does not cover could be reused after a restart).
  auto abandon = [&](std::string what) -> Status<StoreError> {
    im.db.exec("ROLLBACK");
    in_txn_ = false;
    return fail(StoreError::kIo, std::move(what));
  };
  if (auto st = flushRollups(); !st) return abandon(st.error().message);
  if (im.set_meta.bind(1, std::string_view("next_seq"))
          .bind(2, std::to_string(im.next_seq))
          .run() != SQLITE_DONE) {
    return abandon("commit: next_seq: " + im.db.lastError());
  }
  if (im.db.exec("COMMIT") != SQLITE_OK) return abandon("commit: " + im.db.lastError());
  in_txn_ = false;
  im.committed_next_seq = im.next_seq;
  enforceRetention();
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
    return fail(StoreError::kIo, "meta " + std::string(key) + ": " + impl_->db.lastError());
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
  const auto pages = db.queryInt("PRAGMA page_count").value_or(0);
  const auto page_size = db.queryInt("PRAGMA page_size").value_or(4096);
  std::error_code ec;
  const auto wal = fs::file_size(options_.path + "-wal", ec);
  s.file_bytes = pages * page_size + (ec ? 0 : static_cast<std::int64_t>(wal));
  s.quota_bytes = options_.quota_bytes;
  s.samples = db.queryInt("SELECT count(*) FROM samples").value_or(0);
  s.samples_reduced = impl_->samples_reduced;
  Stmt range(db.handle(), "SELECT min(ts), max(ts) FROM samples");
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
