// The quota holds on the files on flash (database and WAL), over a long life;
// start-up reads every page only when there is a reason to; the open
// roll-up buckets reach the file at checkpoints, not at every commit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace fs = std::filesystem;
namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;
constexpr std::int64_t kDay = 86'400'000;
constexpr char kVin[] = "LRW3E7EK5NC000001";

std::int64_t onDisk(const std::string& path) {
  std::int64_t bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto n = fs::file_size(path + suffix, ec);
    if (!ec) bytes += static_cast<std::int64_t>(n);
  }
  return bytes;
}

TEST(Quota, ALongLifeAtFullSpeedKeepsTheFilesWithinTheQuota) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  StoreOptions o;
  o.path = path;
  o.quota_bytes = 3 * 1024 * 1024;
  o.full_sync = false;
  auto opened = Store::open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& store = **opened;
  // Ten months of a busy car: six changing signals, a sample every 30 s
  // (each signal every 3 min), a message a day acknowledged, commits of
  // ~500 samples. 30 days of raw samples would take 4 MiB.
  const vehicle::SignalId signals[] = {sig::kPackCurrent, sig::kPackVoltage,
                                       sig::kPackPower,   sig::kSpeed,
                                       sig::kSocCurrent,  sig::kTraveledDistance};
  std::int64_t largest = 0;
  std::int64_t ts = kT0;
  for (int day = 0; day < 300; ++day) {
    for (int i = 0; i < 2880; ++i) {
      ts += 30'000;
      const double v = (i * 7 + day) % 300 + (i % 6 == 5 ? day * 1000.0 + i : 0.0);
      ASSERT_TRUE(store.addSample({ts, signals[i % 6], v, 0}).ok());
      if (i % 500 == 499) {
        ASSERT_TRUE(store.commit().ok());
        largest = std::max(largest, onDisk(path));
      }
    }
    ASSERT_TRUE(store.enqueue(wire::Kind::kTelemetryDaily, kVin, ts, "{\"day\":1}").ok());
    ASSERT_TRUE(store.commit().ok());
    for (const auto& m : *store.pendingOutbox(0, 10)) ASSERT_TRUE(store.ackOutbox(m.seq).ok());
    ASSERT_TRUE(store.commit().ok());
    largest = std::max(largest, onDisk(path));
  }
  EXPECT_LE(largest, o.quota_bytes);
  EXPECT_LE(store.stats().file_bytes, o.quota_bytes);
  // The quota took raw samples, never the daily roll-ups.
  EXPECT_EQ(store.dailyRollups(sig::kSpeed, kT0, ts + 1).size(), 300U);
  EXPECT_LT(*store.stats().oldest_sample_ms, ts - 3 * kDay);  // a raw window is kept
  EXPECT_EQ(*store.stats().newest_sample_ms, ts);
}

std::optional<std::string> lastCheck(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s ? (*s)->meta("last_full_check_ms") : std::nullopt;
}

void setLastCheck(const std::string& path, const std::string& value) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql =
      "INSERT OR REPLACE INTO meta(key, value) VALUES('last_full_check_ms', '" + value + "')";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(StartUp, AfterACleanCloseTheFullCheckDoesNotRunAgain) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  ASSERT_TRUE(lastCheck(path).has_value());  // a new cache is checked once (it is empty)
  setLastCheck(path, "12345");
  // Recent enough by the interval? No: 12345 is 1970. It runs, and stamps.
  const auto stamped = lastCheck(path);
  ASSERT_TRUE(stamped.has_value());
  EXPECT_NE(*stamped, "12345");
  // Now recent, and the last close was clean: no full read of the file.
  EXPECT_EQ(lastCheck(path), stamped);
}

TEST(StartUp, AfterAnUncleanShutdownTheFullCheckRuns) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  ASSERT_TRUE(lastCheck(path).has_value());
  setLastCheck(path, "4102444800000");  // 2100: recent as far as the interval goes
  // A child commits and dies without closing, as a kill -9 or a power cut.
  const pid_t pid = ::fork();
  if (pid == 0) {
    StoreOptions o;
    o.path = path;
    auto s = Store::open(o);
    if (s && (*s)->addSample({kT0, sig::kSpeed, 1.0, 0}) && (*s)->commit()) ::_exit(0);
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_GT(fs::file_size(path + "-wal"), 0U);
  const auto after = lastCheck(path);
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(*after, "4102444800000");
}

TEST(StartUp, DamageReportedWhileRunningMakesTheNextStartCheck) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  ASSERT_TRUE(lastCheck(path).has_value());
  setLastCheck(path, "4102444800000");
  testing::writeFile(path + ".check", "");
  EXPECT_NE(lastCheck(path), "4102444800000");
  EXPECT_FALSE(fs::exists(path + ".check"));
}

std::int64_t hourlyRows(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT coalesce(sum(n), 0) FROM rollup_hourly", -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST(Rollups, TheOpenBucketReachesTheFileAtCheckpointsNotAtEveryCommit) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  StoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.rollup_checkpoint_ms = 10 * 60'000;
  auto store = std::move(Store::open(o)).value();
  // Five minutes at 1 Hz, a commit a second: samples are durable each
  // second, the open hour's roll-up is not rewritten each second.
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(store->addSample({kT0 + i * 1000, sig::kSpeed, double(i), 0}).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_LE(hourlyRows(path), 1);  // the first commit's checkpoint only
  EXPECT_EQ(store->dailyRollups(store->dayStart(kT0))[0].count, 300);  // readers see it
  // Past the checkpoint interval it is written.
  for (int i = 300; i < 700; ++i) {
    ASSERT_TRUE(store->addSample({kT0 + i * 1000, sig::kSpeed, double(i), 0}).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_GE(hourlyRows(path), 600);
  // And all of it at a clean close.
  store.reset();
  EXPECT_EQ(hourlyRows(path), 700);
}

}  // namespace
}  // namespace crm::store
