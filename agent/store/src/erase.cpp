// The erase of the driver's personal data (crm/store/personal.h). Three
// places may hold a deleted row's bytes after a plain DELETE, and each is
// dealt with:
//  - the page it lived in: secure_delete (on for every write of this store,
//    Store::open) overwrites a deleted cell with zeros, and a page freed
//    whole is zeroed before it goes to the free list;
//  - the free space of pages still in use and the free pages, which may hold
//    stale copies left by deletes and updates made before secure_delete was
//    on (older agents, an SQLite built without it): tables that keep rows
//    beside the erased ones are rewritten, which zeroes every page they had;
//    free pages leave the file (incremental vacuum) or are overwritten with
//    zeros (a cache still waiting for its switch to incremental vacuum);
//  - the WAL, whose older frames still hold the pages as they were: the
//    commit that makes the erase durable checkpoints it into the file and
//    truncates it to zero bytes (finishErase).
// Temporary data (statement journals, sorts) stays in memory
// (temp_store = MEMORY), so no copy goes to a temporary file either.
#include <algorithm>
#include <array>
#include <filesystem>
#include <initializer_list>
#include <string_view>
#include <system_error>

#include "crm/common/log.h"
#include "crm/common/wire.h"
#include "crm/store/meta_keys.h"
#include "impl.h"

namespace crm::store {
namespace {

namespace fs = std::filesystem;

// Tables that keep rows beside the erased ones and whose pages may hold
// stale copies of erased rows: queued messages (a prompts message sent and
// acknowledged earlier), the meta table (an earlier profile), campaigns (a
// replaced offer). A DELETE without WHERE truncates the table, zeroing each
// of its pages and its indexes' pages; the rows then go back in fresh pages.
constexpr std::array<std::string_view, 3> kRewritten{"outbox", "meta", "campaigns"};

// Caches moved aside as damaged (Store::open): <cache>.corrupt-<epoch> and
// their -wal. They hold whatever the cache held.
std::vector<fs::path> setAsideCaches(const std::string& cache_path) {
  std::vector<fs::path> out;
  const fs::path cache(cache_path);
  const std::string prefix = cache.filename().string() + ".corrupt-";
  std::error_code ec;
  const fs::path dir = cache.has_parent_path() ? cache.parent_path() : fs::path(".");
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(prefix, 0) == 0) out.push_back(it->path());
  }
  return out;
}

class Eraser {
 public:
  explicit Eraser(Db& db) : db_(db) {}

  // Runs `sql` (binding `texts` as ?1, ?2, ...) and returns the rows it changed.
  std::optional<std::int64_t> run(std::string_view sql,
                                  std::initializer_list<std::string_view> texts = {}) {
    Stmt s(db_.handle(), sql);
    int i = 1;
    for (auto t : texts) s.bind(i++, t);
    if (!s.ok() || s.run() != SQLITE_DONE) {
      failed(sql);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
  }

  std::optional<std::int64_t> deleteSignal(std::string_view table, std::int64_t db_id) {
    Stmt s(db_.handle(), "DELETE FROM " + std::string(table) + " WHERE signal = ?");
    s.bind(1, db_id);
    if (!s.ok() || s.run() != SQLITE_DONE) {
      failed(table);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
  }

  bool rewrite(std::string_view table) {
    const std::string t(table);
    return exec("DROP TABLE IF EXISTS erase_copy") &&
           exec("CREATE TABLE erase_copy AS SELECT * FROM " + t) && exec("DELETE FROM " + t) &&
           exec("INSERT INTO " + t + " SELECT * FROM erase_copy") && exec("DROP TABLE erase_copy");
  }

  // Takes every free page into a table of zeros, then drops it: each free
  // page is written with zeros (the drop, under secure_delete, zeroes them
  // again). Free pages that predate secure_delete held whatever was deleted.
  bool zeroFreePages() {
    const auto free_pages = db_.queryInt("PRAGMA freelist_count");
    const auto page_size = db_.queryInt("PRAGMA page_size");
    if (!free_pages || !page_size) return failed("free pages");
    if (*free_pages == 0) return true;
    if (!exec("DROP TABLE IF EXISTS erase_fill") || !exec("CREATE TABLE erase_fill(b BLOB)")) {
      return false;
    }
    Stmt fill(db_.handle(), "INSERT INTO erase_fill VALUES(zeroblob(?))");
    fill.bind(1, *free_pages * *page_size);
    if (!fill.ok() || fill.run() != SQLITE_DONE) return failed("zero free pages");
    return exec("DROP TABLE erase_fill");
  }

  // The first failure: what failed, and SQLite's code (SQLITE_FULL: no space).
  const std::string& error() const { return error_; }
  int code() const { return code_; }

 private:
  bool exec(const std::string& sql) { return db_.exec(sql) == SQLITE_OK || failed(sql); }
  // Remembers the first failure; always false.
  bool failed(std::string_view what) {
    if (error_.empty()) {
      error_ = std::string(what.substr(0, 60)) + ": " + db_.lastError();
      code_ = db_.lastCode();
    }
    return false;
  }

  Db& db_;
  std::string error_;
  int code_ = SQLITE_OK;
};

}  // namespace

nlohmann::json toJson(const ErasedCounts& c) {
  return {{"prompts", c.prompts},
          {"prompt_events", c.prompt_events},
          {"trips", c.trips},
          {"appointments", c.appointments},
          {"offers", c.offers},
          {"profile", c.profile},
          {"outbox_messages", c.outbox_messages},
          {"location_samples", c.location_samples},
          {"location_rollups", c.location_rollups},
          {"set_aside_caches", c.set_aside_caches}};
}

Result<ErasedCounts, StoreError> Store::erasePersonal() {
  if (auto st = begin(); !st) return st.error();
  Impl& im = *impl_;
  // A savepoint of its own: a failure undoes the erase, never the batch
  // around it (a command's unit, other staged writes).
  if (im.db.exec("SAVEPOINT erase") != SQLITE_OK) return writeFailed("erase: savepoint");
  Eraser e(im.db);
  ErasedCounts c;
  auto take = [](std::optional<std::int64_t> n, std::int64_t& into) {
    if (n) into += *n;
    return n.has_value();
  };
  const std::string_view prompts_topic = wire::spec(wire::Kind::kPrompts).topic;
  const std::string_view request_topic = wire::spec(wire::Kind::kServiceRequest).topic;
  bool ok = take(e.run("DELETE FROM prompt_events"), c.prompt_events) &&
            take(e.run("DELETE FROM prompts"), c.prompts) &&
            take(e.run("DELETE FROM trips"), c.trips) &&
            take(e.run("DELETE FROM appointments"), c.appointments) &&
            take(e.run("DELETE FROM campaigns WHERE kind = 'offer'"), c.offers) &&
            take(e.run("DELETE FROM meta WHERE key IN (?1, ?2, ?3)",
                       {kProfileTierKey, kProfileLanguageKey, kProfileDealerKey}),
                 c.profile) &&
            take(e.run("DELETE FROM outbox WHERE kind IN (?1, ?2)", {prompts_topic, request_topic}),
                 c.outbox_messages);
  for (std::size_t i = 0; ok && i < im.signals.size(); ++i) {
    if (!vehicle::signalInfo(static_cast<vehicle::SignalId>(i)).personal) continue;
    const std::int64_t id = im.signals[i].db_id;
    ok = take(e.deleteSignal("samples", id), c.location_samples) &&
         take(e.deleteSignal("samples_recent", id), c.location_samples) &&
         take(e.deleteSignal("rollup_hourly", id), c.location_rollups) &&
         take(e.deleteSignal("rollup_daily", id), c.location_rollups);
  }
  // Recorded with the erase: a crash before the WAL is truncated leaves the
  // mark, and the next open finishes the job.
  ok = ok && e.run("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, '1')", {kErasePendingKey})
                 .has_value();
  for (std::size_t i = 0; ok && i < kRewritten.size(); ++i) ok = e.rewrite(kRewritten[i]);
  // With incremental vacuum (every cache once its switch has run) the free
  // pages leave the file at the commit (finishErase): the pages moved into
  // their place overwrite them, the rest is cut off. Without it they stay,
  // and are overwritten here.
  const bool gives_pages_back = im.db.queryInt("PRAGMA auto_vacuum").value_or(0) == 2;
  ok = ok && (gives_pages_back || e.zeroFreePages());
  if (!ok) {
    im.db.exec("ROLLBACK TO erase; RELEASE erase");
    // After a full disk SQLite may have rolled the whole batch back itself.
    if (sqlite3_get_autocommit(im.db.handle()) != 0) in_txn_ = false;
    if (e.code() == SQLITE_FULL) im.full = true;
    return fail(e.code() == SQLITE_FULL ? StoreError::kFull : StoreError::kIo,
                "erase: " + e.error());
  }
  if (im.db.exec("RELEASE erase") != SQLITE_OK) return writeFailed("erase: release");

  // What memory holds of the location signals goes too: the last value kept
  // for change-based reduction, and any roll-up an older agent left open.
  for (std::size_t i = 0; i < im.signals.size(); ++i) {
    if (!vehicle::signalInfo(static_cast<vehicle::SignalId>(i)).personal) continue;
    SignalState& ss = im.signals[i];
    std::erase_if(im.unflushed, [&](const ClosedBucket& b) { return b.db_id == ss.db_id; });
    ss.has_last = false;
    ss.last_value = vehicle::Value{};
    ss.hour = Bucket{};
    ss.day = Bucket{};
  }
  c.set_aside_caches = static_cast<std::int64_t>(setAsideCaches(options_.path).size());
  im.erase_pending = true;
  return c;
}

bool Store::erasePending() const {
  return impl_->erase_pending;
}

void Store::finishErase() {
  Impl& im = *impl_;
  if (!im.erase_pending || in_txn_) return;
  // Only an erase that was committed: one undone with its command's unit
  // left no mark, and nothing more is to be removed.
  Stmt mark(im.db.handle(), "SELECT 1 FROM meta WHERE key = ?");
  mark.bind(1, std::string_view(kErasePendingKey));
  const int found = mark.step();
  mark.reset();
  if (found == SQLITE_DONE) {
    im.erase_pending = false;
    return;
  }
  // Free pages (zeroed) go back to the file system first, so the WAL the
  // checkpoint empties holds their move too.
  im.db.exec("PRAGMA incremental_vacuum");
  int wal_frames = -1;
  int copied = -1;
  const int rc = sqlite3_wal_checkpoint_v2(im.db.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                           &wal_frames, &copied);
  if (rc != SQLITE_OK) {
    // A reader still needs the old frames: tried again at the next commit.
    log::warn("store: erase: the WAL is not truncated yet ({}); trying again at the next commit",
              im.db.lastError());
    return;
  }
  std::int64_t removed = 0;
  for (const auto& path : setAsideCaches(options_.path)) {
    std::error_code ec;
    if (fs::remove(path, ec)) ++removed;
    if (ec) log::error("store: erase: cannot remove {}: {}", path.string(), ec.message());
  }
  Stmt clear(im.db.handle(), "DELETE FROM meta WHERE key = ?");
  clear.bind(1, std::string_view(kErasePendingKey));
  if (clear.run() != SQLITE_DONE) {
    log::warn("store: erase: {}; finished again at the next commit", im.db.lastError());
    return;
  }
  // The mark's removal was the last write: the WAL is left empty.
  sqlite3_wal_checkpoint_v2(im.db.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  im.erase_pending = false;
  log::info("store: personal data erased; WAL truncated, {} set-aside caches removed", removed);
}

}  // namespace crm::store
