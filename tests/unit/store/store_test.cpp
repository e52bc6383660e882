#include "crm/store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

vehicle::Sample num(vehicle::SignalId s, std::int64_t ts, double v) {
  return {ts, s, v, 0};
}

std::unique_ptr<Store> openStore(const std::string& path, StoreOptions o = {}) {
  o.path = path;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

std::int64_t count(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST(Store, CommittedSamplesAreVisibleToAnotherConnection) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0 + i * 1000, i)).ok());
  EXPECT_EQ(count(dir.file("c.db"), "SELECT count(*) FROM samples_all"), 0);
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(count(dir.file("c.db"), "SELECT count(*) FROM samples_all"), 100);
}

TEST(Store, DatabaseIsInWalMode) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0, 1)).ok());
  ASSERT_TRUE(store->commit().ok());
  sqlite3* db = nullptr;
  sqlite3_open(dir.file("c.db").c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(Store, UnchangedValueWithinHeartbeatIsReducedButRolledUp) {
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  // Speed has a 0.5 km/h deadband and a 600 s heartbeat.
  EXPECT_TRUE(*store->addSample(num(sig::kSpeed, kT0, 50.0)));
  EXPECT_FALSE(*store->addSample(num(sig::kSpeed, kT0 + 10'000, 50.2)));
  EXPECT_TRUE(*store->addSample(num(sig::kSpeed, kT0 + 20'000, 51.0)));
  EXPECT_TRUE(*store->addSample(num(sig::kSpeed, kT0 + 20'000 + 600'000, 51.0)));  // heartbeat
  ASSERT_TRUE(store->commit().ok());
  auto day = store->dailyRollups(store->dayStart(kT0));
  ASSERT_EQ(day.size(), 1U);
  EXPECT_EQ(day[0].count, 4);
  EXPECT_DOUBLE_EQ(day[0].min, 50.0);
  EXPECT_DOUBLE_EQ(day[0].max, 51.0);
  EXPECT_EQ(count(dir.file("c.db"), "SELECT count(*) FROM samples_all"), 3);
}

TEST(Store, RollupsSurviveReopenAndKeepAccumulating) {
  testing::TempDir dir;
  {
    auto store = openStore(dir.file("c.db"));
    ASSERT_TRUE(store->addSample(num(sig::kSocCurrent, kT0 + 1000, 80)).ok());
    ASSERT_TRUE(store->addSample(num(sig::kSocCurrent, kT0 + 2000, 70)).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  auto store = openStore(dir.file("c.db"));
  ASSERT_TRUE(store->addSample(num(sig::kSocCurrent, kT0 + 3000, 60)).ok());
  ASSERT_TRUE(store->commit().ok());
  auto day = store->dailyRollups(store->dayStart(kT0));
  ASSERT_EQ(day.size(), 1U);
  EXPECT_EQ(day[0].count, 3);
  EXPECT_DOUBLE_EQ(day[0].first, 80);
  EXPECT_DOUBLE_EQ(day[0].last, 60);
  EXPECT_DOUBLE_EQ(day[0].min, 60);
  EXPECT_EQ(count(dir.file("c.db"), "SELECT count(*) FROM rollup_hourly"), 1);
}

TEST(Store, DaysFollowTheLocalOffset) {
  testing::TempDir dir;
  StoreOptions o;
  o.utc_offset_minutes = 480;  // UTC+8
  auto store = openStore(dir.file("c.db"), o);
  // 2026-01-01T20:00Z is 04:00 on Jan 2 in UTC+8: the local day starts at 16:00Z.
  const std::int64_t ts = kT0 + 20 * 3'600'000LL;
  EXPECT_EQ(store->dayStart(ts), kT0 + 16 * 3'600'000LL);
}

TEST(Store, UncommittedSamplesAreNotKeptWhenTheProcessDies) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto store = openStore(path);
  ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0, 10)).ok());
  ASSERT_TRUE(store->commit().ok());
  ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0 + 1000, 20)).ok());
  // Another reader sees only the committed sample while the batch is open.
  EXPECT_EQ(count(path, "SELECT count(*) FROM samples_all"), 1);
}

TEST(Store, CorruptFileIsMovedAsideAndAFreshCacheStarts) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  testing::writeFile(path, std::string(8192, 'x'));
  auto store = openStore(path);
  EXPECT_FALSE(store->recoveredFrom().empty());
  EXPECT_TRUE(std::filesystem::exists(store->recoveredFrom()));
  ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0, 1)).ok());
  EXPECT_TRUE(store->commit().ok());
}

TEST(Store, ACacheLockedByAnotherConnectionIsNeverMovedAside) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  {
    auto store = openStore(path);
    ASSERT_TRUE(store->addSample(num(sig::kSpeed, kT0, 10)).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  // Another process holds the file exclusively (as a WAL recovery or an
  // exclusive-mode tool does): the cache cannot be examined, only waited for.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  StoreOptions o;
  o.path = path;
  o.busy_timeout_ms = 100;
  auto locked = Store::open(o);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, StoreError::kCannotOpen);
  EXPECT_NE(locked.error().message.find("locked"), std::string::npos) << locked.error().message;
  sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(holder);

  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(f.path().filename().string().find(".corrupt-"), std::string::npos) << f.path();
  }
  auto store = openStore(path);
  EXPECT_TRUE(store->recoveredFrom().empty());
  EXPECT_EQ(count(path, "SELECT count(*) FROM samples_all"), 1);
}

TEST(Store, ForeignDatabaseIsMovedAsideNotModified) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES('a');", nullptr,
               nullptr, nullptr);
  sqlite3_close(db);
  auto store = openStore(path);
  ASSERT_FALSE(store->recoveredFrom().empty());
  EXPECT_EQ(count(store->recoveredFrom(), "SELECT count(*) FROM songs"), 1);
}

TEST(Store, RawSamplesOlderThanRetentionAreDeletedRollupsStay) {
  testing::TempDir dir;
  StoreOptions o;
  o.raw_retention_days = 3;
  auto store = openStore(dir.file("c.db"), o);
  constexpr std::int64_t kDay = 86'400'000;
  for (int d = 0; d < 6; ++d) {
    ASSERT_TRUE(store->addSample(num(sig::kTraveledDistance, kT0 + d * kDay, d * 1000.0)).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_EQ(count(dir.file("c.db"), "SELECT min(ts) FROM samples_all"), kT0 + 2 * kDay);
  EXPECT_EQ(count(dir.file("c.db"), "SELECT count(*) FROM rollup_daily"), 6);
}

TEST(Store, QuotaIsEnforcedByDroppingOldRawSamples) {
  testing::TempDir dir;
  StoreOptions o;
  o.quota_bytes = 4 * 1024 * 1024;
  o.raw_retention_days = 30;
  o.full_sync = false;
  auto store = openStore(dir.file("c.db"), o);
  // About 20 days of a 1 Hz changing signal: far more than 4 MiB of rows.
  std::int64_t ts = kT0;
  for (int day = 0; day < 20; ++day) {
    for (int i = 0; i < 8640; ++i) {
      ts += 10'000;
      ASSERT_TRUE(store->addSample(num(sig::kPackCurrent, ts, (i % 200) - 100.0)).ok());
    }
    ASSERT_TRUE(store->commit().ok());
  }
  const auto st = store->stats();
  ASSERT_TRUE(st.oldest_sample_ms.has_value());
  // Retention alone (30 days) would keep all 20 days: the quota made the
  // oldest days go first, and the pages in use fit the quota.
  EXPECT_GT(*st.oldest_sample_ms, kT0 + 3 * 86'400'000LL);
  const auto used = (count(dir.file("c.db"), "PRAGMA page_count") -
                     count(dir.file("c.db"), "PRAGMA freelist_count")) *
                    count(dir.file("c.db"), "PRAGMA page_size");
  EXPECT_LE(used, o.quota_bytes);
  EXPECT_EQ(*st.newest_sample_ms, ts);  // newest kept
}

}  // namespace
}  // namespace crm::store
