// The newest samples are kept apart from the indexed table (samples_recent,
// schema v7) and moved there every ~1,000 rows: readers see every sample
// wherever it is kept, in the order it was taken; a reopened cache goes on
// after the rows it left there; and driving writes less than 1 KB per
// sample to the file system.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <iostream>

#include "crm/store/store.h"
#include "crm/testing/fault_vfs.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

std::unique_ptr<Store> openStore(const std::string& path, StoreOptions o = {}) {
  o.path = path;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

std::int64_t queryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// A speed that changes by more than its deadband every second.
double speedAt(int second) {
  return static_cast<double>(second % 120);
}

std::vector<double> numbers(const std::vector<StoredSample>& samples) {
  std::vector<double> out;
  for (const auto& s : samples) out.push_back(s.number);
  return out;
}

std::vector<double> expectedSpeeds(int from_s, int to_s) {
  std::vector<double> out;
  for (int i = from_s; i < to_s; ++i) out.push_back(speedAt(i));
  return out;
}

TEST(RecentSamples, ReadersSeeEverySampleWhereverItIsKept) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto store = openStore(path);
  // A commit each second, as while driving. Reads at moments when the
  // samples are all recent, split across both tables, and just moved.
  int second = 0;
  for (const int until : {300, 1500, 2100}) {
    for (; second < until; ++second) {
      ASSERT_TRUE(store->addSample({kT0 + second * 1000LL, sig::kSpeed, speedAt(second), 0}).ok());
      ASSERT_TRUE(store->commit().ok());
    }
    const auto recent = queryInt(path, "SELECT count(*) FROM samples_recent");
    EXPECT_LE(recent, 1024) << "at " << until;
    EXPECT_EQ(queryInt(path, "SELECT count(*) FROM samples_all"), until);
    EXPECT_EQ(numbers(store->samples(sig::kSpeed, kT0, kT0 + until * 1000LL)),
              expectedSpeeds(0, until))
        << "at " << until;
    // A range that starts among the moved rows and ends among the recent.
    const int from = until / 3;
    EXPECT_EQ(numbers(store->samples(sig::kSpeed, kT0 + from * 1000LL, kT0 + until * 1000LL)),
              expectedSpeeds(from, until));
    for (const int at : {1, from, until - 1, until}) {
      const auto before = store->sampleBefore(sig::kSpeed, kT0 + at * 1000LL);
      ASSERT_TRUE(before.has_value()) << "before " << at;
      EXPECT_EQ(before->ts_ms, kT0 + (at - 1) * 1000LL);
      EXPECT_DOUBLE_EQ(before->number, speedAt(at - 1));
      const auto first =
          store->firstSample(sig::kSpeed, kT0 + (at - 1) * 1000LL, kT0 + 10'000'000'000'000LL);
      ASSERT_TRUE(first.has_value()) << "first from " << at - 1;
      EXPECT_DOUBLE_EQ(first->number, speedAt(at - 1));
    }
  }
  // Some rows were moved, and the indexed table has them all in order.
  EXPECT_GT(queryInt(path, "SELECT count(*) FROM samples"), 1000);
  EXPECT_EQ(queryInt(path,
                     "SELECT count(*) FROM samples_all a JOIN samples_all b ON b.id = a.id + 1 "
                     "WHERE b.ts < a.ts"),
            0);
}

TEST(RecentSamples, SamplesOfOneInstantKeepTheOrderTheyWereTaken) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto store = openStore(path);
  const std::int64_t at = kT0 + 5000;
  // The first of the pair is moved to the indexed table (a full
  // samples_recent moves at the commit), the second is recent.
  for (int i = 0; i < 1023; ++i) {
    ASSERT_TRUE(store
                    ->addSample({kT0 - 2000000 + i * 1000LL, sig::kSocCurrent,
                                 static_cast<double>(i % 50), 0})
                    .ok());
  }
  ASSERT_TRUE(store->addSample({at, sig::kSpeed, 10.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  ASSERT_EQ(queryInt(path, "SELECT count(*) FROM samples_recent"), 0);
  ASSERT_TRUE(store->addSample({at, sig::kSpeed, 20.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  ASSERT_EQ(queryInt(path, "SELECT count(*) FROM samples_recent"), 1);

  EXPECT_EQ(numbers(store->samples(sig::kSpeed, at, at + 1)), (std::vector<double>{10.0, 20.0}));
  EXPECT_DOUBLE_EQ(store->sampleBefore(sig::kSpeed, at + 1)->number, 20.0);
  EXPECT_DOUBLE_EQ(store->firstSample(sig::kSpeed, at, at + 1)->number, 10.0);
}

TEST(RecentSamples, AReopenedCacheGoesOnAfterTheRowsLeftRecent) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  const std::string copy = dir.file("copy.db");
  {
    auto store = openStore(path);
    // The first commit of a new cache writes its roll-ups (and moves the
    // recent rows): the next ones stay recent.
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(store->addSample({kT0 + i * 1000LL, sig::kSpeed, speedAt(i), 0}).ok());
      ASSERT_TRUE(store->commit().ok());
    }
    // What a kill -9 leaves: the committed file and WAL, the recent rows not
    // yet moved (a clean close moves them).
    std::filesystem::copy_file(path, copy);
    std::filesystem::copy_file(path + "-wal", copy + "-wal");
  }
  ASSERT_EQ(queryInt(copy, "SELECT count(*) FROM samples_recent"), 49);
  auto store = openStore(copy);
  // Change-based reduction goes on from the last recent row.
  ASSERT_TRUE(store->newestSampleMs().has_value());
  EXPECT_EQ(*store->newestSampleMs(), kT0 + 49'000);
  EXPECT_FALSE(*store->addSample({kT0 + 50'000, sig::kSpeed, speedAt(49), 0}));
  ASSERT_TRUE(*store->addSample({kT0 + 51'000, sig::kSpeed, 99.0, 0}));
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(queryInt(copy, "SELECT count(DISTINCT id) FROM samples_all"), 51);
  EXPECT_EQ(queryInt(copy, "SELECT max(id) FROM samples_all"), 51);
  store.reset();  // a clean close moves every recent row
  EXPECT_EQ(queryInt(copy, "SELECT count(*) FROM samples_recent"), 0);
  EXPECT_EQ(queryInt(copy, "SELECT count(*) FROM samples"), 51);
}

TEST(RecentSamples, ABurstGoesStraightToTheIndexedTableInTheOrderTaken) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto store = openStore(path);
  ASSERT_TRUE(store->addSample({kT0, sig::kSpeed, speedAt(0), 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  // A replay's batch: far more than samples_recent holds, in one commit.
  for (int i = 1; i < 5000; ++i) {
    ASSERT_TRUE(store->addSample({kT0 + i * 1000LL, sig::kSpeed, speedAt(i), 0}).ok());
  }
  ASSERT_TRUE(store->commit().ok());
  EXPECT_LT(queryInt(path, "SELECT count(*) FROM samples_recent"), 1024);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM samples_all"), 5000);
  // Rowid order is still time order in the indexed table: nothing was
  // inserted below rows already there.
  EXPECT_EQ(queryInt(path,
                     "SELECT count(*) FROM samples a JOIN samples b ON b.rowid > a.rowid "
                     "AND b.ts < a.ts"),
            0);
  EXPECT_EQ(numbers(store->samples(sig::kSpeed, kT0, kT0 + 5'000'000)), expectedSpeeds(0, 5000));
}

TEST(RecentSamples, AUnitUndoneAfterItMovedTheRecentRowsLeavesThemVisible) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  StoreOptions o;
  o.rollup_checkpoint_ms = 3'600'000;  // no checkpoint moves them first
  auto store = openStore(path, o);
  ASSERT_TRUE(store->addSample({kT0, sig::kSpeed, speedAt(0), 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  for (int i = 1; i < 1025; ++i) {
    ASSERT_TRUE(store->addSample({kT0 + i * 1000LL, sig::kSpeed, speedAt(i), 0}).ok());
    if (i % 10 == 0) {
      ASSERT_TRUE(store->commit().ok());
    }
  }
  ASSERT_TRUE(store->commit().ok());
  ASSERT_EQ(queryInt(path, "SELECT count(*) FROM samples_recent"), 1024);
  // The next sample moves the full table; the unit holding it is undone,
  // and with it the move.
  ASSERT_TRUE(store->beginUnit().ok());
  ASSERT_TRUE(store->addSample({kT0 + 1025'000, sig::kSpeed, speedAt(1025), 0}).ok());
  ASSERT_TRUE(store->endUnit(false).ok());
  EXPECT_EQ(numbers(store->samples(sig::kSpeed, kT0, kT0 + 2'000'000)), expectedSpeeds(0, 1025));
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM samples_all"), 1025);
}

TEST(RecentSamples, AnEraseTakesTheLocationsNotYetMoved) {
  testing::TempDir dir;
  const std::string path = dir.file("c.db");
  auto store = openStore(path);
  ASSERT_TRUE(store->addSample({kT0, sig::kSpeed, speedAt(0), 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(store->addSample({kT0 + i * 1000LL, sig::kLatitude, 31.0 + i * 0.01, 0}).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  ASSERT_EQ(queryInt(path, "SELECT count(*) FROM samples_recent"), 5);
  auto erased = store->erasePersonal();
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->location_samples, 5);
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM samples_all"), 1);
}

TEST(RecentSamples, DrivingWritesLessThanOneKilobytePerSample) {
  auto& vfs = testing::FaultVfs::install();
  testing::TempDir dir;
  auto store = openStore(dir.file("c.db"));
  // An hour of driving: ten signals changing every second, a commit each
  // second (the daemon's commit_interval_ms). Counted at the VFS: WAL
  // frames, checkpoints and all.
  const std::vector<vehicle::SignalId> signals{
      sig::kSpeed,       sig::kPackCurrent,     sig::kPackVoltage,    sig::kPackPower,
      sig::kSocCurrent,  sig::kCurrentEnergy,   sig::kCellVoltageMin, sig::kCellVoltageMax,
      sig::kPackTempAvg, sig::kTraveledDistance};
  const std::int64_t start = vfs.bytesWritten();
  std::int64_t taken = 0;
  for (int second = 0; second < 3600; ++second) {
    for (std::size_t k = 0; k < signals.size(); ++k) {
      const double v = 1000.0 + second * 7.0 + static_cast<double>(k);
      auto kept = store->addSample({kT0 + second * 1000LL, signals[k], v, 0});
      ASSERT_TRUE(kept.ok());
      if (*kept) ++taken;
    }
    ASSERT_TRUE(store->commit().ok());
  }
  ASSERT_GT(taken, 30000);
  const double per_sample = static_cast<double>(vfs.bytesWritten() - start) / taken;
  std::cout << "bytes written per sample while driving: " << per_sample << "\n";
  EXPECT_LT(per_sample, 1024.0);
}

}  // namespace
}  // namespace crm::store
