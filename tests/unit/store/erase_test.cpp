// The erase of the driver's personal data: what goes, what stays, and that
// no byte of what went is left in the database file or its WAL, whatever an
// older agent left behind; one unit, all or nothing, even when killed.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "crm/testing/fault_vfs.h"
#include "personal_fixture.h"

namespace crm::store::test {
namespace {

namespace fs = std::filesystem;

using EraseTest = PersonalDataTest;

TEST_F(EraseTest, EveryPersonalItemIsDeletedAndCounted) {
  ASSERT_NO_FATAL_FAILURE(fill());

  auto erased = store_->erasePersonal();
  ASSERT_TRUE(erased.ok()) << erased.error().message;
  ASSERT_TRUE(store_->commit().ok());

  ErasedCounts expected;
  expected.prompts = 1;
  expected.prompt_events = 3;
  expected.trips = 2;
  expected.appointments = 1;
  expected.offers = 1;
  expected.profile = 3;
  expected.outbox_messages = 2;  // the queued prompts and service-request messages
  expected.location_samples = 30;
  EXPECT_EQ(*erased, expected) << toJson(*erased).dump();
  EXPECT_TRUE(store_->trips(0, kT0 + 10 * kDay).empty());
  EXPECT_TRUE(store_->promptsRaised(0, kT0 + 10 * kDay)->empty());
  EXPECT_EQ(store_->promptCounts(0, kT0 + 10 * kDay)->raised, 0);
  EXPECT_TRUE(store_->appointments()->empty());
  EXPECT_FALSE(store_->meta(kProfileTierKey));
  EXPECT_FALSE(store_->meta(kProfileLanguageKey));
  EXPECT_FALSE(store_->meta(kProfileDealerKey));
  EXPECT_TRUE(store_->samples(sig::kLatitude, 0, kT0 + 10 * kDay).empty());
  for (const auto& m : store_->pendingOutbox(0, 100).value()) {
    EXPECT_NE(m.kind, "prompts");
    EXPECT_NE(m.kind, "service-request");
  }
}

TEST_F(EraseTest, NoByteOfTheErasedDataRemainsInTheFileOrItsWal) {
  ASSERT_NO_FATAL_FAILURE(fill());
  // Each marker is there to be found before: the scan can see it.
  for (const auto& needle : personalNeedles()) {
    const auto where = foundIn(path(), {needle});
    EXPECT_FALSE(where.empty()) << "not in the files before the erase: " << needle;
  }

  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_FALSE(store_->erasePending());
  EXPECT_EQ(fs::file_size(path() + "-wal"), 0U);
  EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{});
  // And the file is sound.
  EXPECT_EQ(rows(path(), "pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

TEST_F(EraseTest, TheVehiclesTechnicalHistorySurvives) {
  ASSERT_NO_FATAL_FAILURE(fill());
  const auto daily = store_->stats().daily_rollups;
  ASSERT_GT(daily, 0);

  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_EQ(store_->stats().daily_rollups, daily);
  EXPECT_EQ(store_->dailyRollups(sig::kSoh, 0, kT0 + 10 * kDay).size(), 3U);
  const auto estimates = store_->capacityEstimates(0, kT0 + 10 * kDay);
  ASSERT_EQ(estimates.size(), 1U);
  EXPECT_DOUBLE_EQ(estimates[0].capacity_kwh, kCapacityKwh);
  EXPECT_EQ(store_->chargingSessions(0, kT0 + 10 * kDay).size(), 1U);
  ASSERT_EQ(store_->serviceRecords().size(), 1U);
  EXPECT_EQ(store_->serviceRecords()[0].dealer_id, "D-KEPT");
  ASSERT_TRUE(store_->latestReport().has_value());
  EXPECT_EQ(store_->latestReport()->json, R"({"kept":"report"})");
  const auto campaigns = store_->campaigns().value();
  ASSERT_EQ(campaigns.size(), 1U);
  EXPECT_EQ(campaigns[0].title_en, kRecallTitle);
  EXPECT_FALSE(store_->samples(sig::kSoh, 0, kT0 + 10 * kDay).empty());
  EXPECT_TRUE(store_->commandSeen("cmd-4").value());
  bool telemetry = false;
  for (const auto& m : store_->pendingOutbox(0, 100).value()) {
    telemetry |= m.kind == "telemetry/daily" && m.body == R"({"kept":"telemetry"})";
  }
  EXPECT_TRUE(telemetry);
}

TEST_F(EraseTest, ASecondEraseFindsNothingAndLeavesNoTrace) {
  ASSERT_NO_FATAL_FAILURE(fill());
  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());

  auto again = store_->erasePersonal();
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_EQ(*again, ErasedCounts{});
  EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{});
  EXPECT_EQ(store_->dailyRollups(sig::kSoh, 0, kT0 + 10 * kDay).size(), 3U);
}

TEST_F(EraseTest, AnEraseUndoneWithItsUnitChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(fill());
  ASSERT_TRUE(store_->beginUnit().ok());
  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->endUnit(false).ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_FALSE(store_->erasePending());
  EXPECT_EQ(store_->trips(0, kT0 + 10 * kDay).size(), 2U);
  EXPECT_EQ(store_->meta(kProfileLanguageKey), kLanguage);
  EXPECT_EQ(store_->promptsRaised(0, kT0 + 10 * kDay)->size(), 1U);
  EXPECT_EQ(store_->samples(sig::kLatitude, 0, kT0 + 10 * kDay).size(), 30U);
}

// A reader still on the old snapshot needs the WAL's old frames: the
// truncation waits for it, and the next commit finishes the job.
TEST_F(EraseTest, AReaderHoldingTheOldWalDelaysItsTruncationUntilTheNextCommit) {
  ASSERT_NO_FATAL_FAILURE(fill());
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path().c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM prompts;", nullptr, nullptr, nullptr),
            SQLITE_OK);

  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->erasePending());
  EXPECT_FALSE(foundIn(path(), personalNeedles()).empty());

  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  ASSERT_TRUE(store_->commit().ok());  // nothing staged: the erase is finished
  EXPECT_FALSE(store_->erasePending());
  EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{});
}

TEST_F(EraseTest, CachesSetAsideAsDamagedAreRemovedAtTheCommit) {
  ASSERT_NO_FATAL_FAILURE(fill());
  testing::writeFile(path() + ".corrupt-1767225600", kPromptTitle);
  testing::writeFile(path() + ".corrupt-1767225600-wal", kPromptTitle);
  testing::writeFile(dir_.file("other.db.corrupt-1"), "not ours");

  auto erased = store_->erasePersonal();
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->set_aside_caches, 2);
  EXPECT_TRUE(fs::exists(path() + ".corrupt-1767225600"));  // not before the commit
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_FALSE(fs::exists(path() + ".corrupt-1767225600"));
  EXPECT_FALSE(fs::exists(path() + ".corrupt-1767225600-wal"));
  EXPECT_TRUE(fs::exists(dir_.file("other.db.corrupt-1")));
}

TEST_F(EraseTest, LocationsAreNotRolledUpAndAnErasedOneIsStoredAgainWhenSeen) {
  ASSERT_NO_FATAL_FAILURE(fill());
  EXPECT_EQ(rows(path(),
                 "rollup_daily r JOIN signals s ON s.id = r.signal "
                 "WHERE s.path LIKE 'Vehicle.CurrentLocation.%'"),
            0);
  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());

  // The reduction forgot the last position: the same value is a new sample.
  const std::int64_t t = kT0 + 3 * kDay;
  auto kept = store_->addSample({t, sig::kLatitude, kLatitude + 0.009, 0});
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(*kept);
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(store_->samples(sig::kLatitude, t, t + 1).size(), 1U);
}

TEST_F(EraseTest, AnOlderAgentsLocationRollUpsAreErased) {
  ASSERT_NO_FATAL_FAILURE(fill());
  olderAgent(path(),
             "INSERT INTO rollup_daily SELECT id, 1767225600000, 1, 31.5, 31.6, 31.5, 31.5, 31.6, "
             "0, 0 FROM signals WHERE path = 'Vehicle.CurrentLocation.Latitude';");

  auto erased = store_->erasePersonal();
  ASSERT_TRUE(erased.ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_EQ(erased->location_rollups, 1);
  EXPECT_EQ(foundIn(path(), {storedDouble(31.6)}), std::vector<std::string>{});
}

// A file system with little room, for a scope.
class SpaceLeft {
 public:
  SpaceLeft(testing::FaultVfs& vfs, std::int64_t bytes) : vfs_(vfs) { vfs_.setSpaceLeft(bytes); }
  ~SpaceLeft() { vfs_.setSpaceLeft(-1); }
  SpaceLeft(const SpaceLeft&) = delete;
  SpaceLeft& operator=(const SpaceLeft&) = delete;

 private:
  testing::FaultVfs& vfs_;
};

// A cache whose switch to incremental vacuum waits for room (a nearly full
// disk) keeps its free pages in the file: the erase overwrites them.
TEST_F(EraseTest, FreePagesAreZeroedWhenTheCacheCannotGiveThemBack) {
  // Only a cache made before schema v4 waits for that switch, and such a
  // cache has the 4 KiB pages of the agents of its time (new caches are
  // incremental from their first page, and have 1 KiB pages).
  page_bytes_ = 4096;
  auto& vfs = testing::FaultVfs::install();
  ASSERT_NO_FATAL_FAILURE(fill());
  store_.reset();
  // 2 MB of kept data: a VACUUM must copy it, the erase does not touch it.
  olderAgent(path(),
             "PRAGMA auto_vacuum = NONE; VACUUM; CREATE TABLE ballast(b BLOB);"
             "INSERT INTO ballast VALUES(randomblob(2000000)); CREATE TABLE junk(t TEXT);"
             "INSERT INTO junk VALUES(hex(zeroblob(20000)) || '" +
                 std::string(kFreePage) + "'); DROP TABLE junk;");
  ASSERT_FALSE(foundIn(path(), {kFreePage}).empty());
  {
    const SpaceLeft room(vfs, 1'000'000);
    store_ = open();
    ASSERT_NE(store_, nullptr);
    ASSERT_EQ(rows(path(), "pragma_auto_vacuum WHERE auto_vacuum = 0"), 1);

    auto erased = store_->erasePersonal();
    ASSERT_TRUE(erased.ok()) << erased.error().message;
    ASSERT_TRUE(store_->commit().ok());
  }
  EXPECT_GT(rows(path(), "pragma_freelist_count WHERE freelist_count > 0"), 0);
  EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{});
}

TEST_F(EraseTest, AnEraseOnAFullDiskFailsAsFullAndKeepsEverything) {
  auto& vfs = testing::FaultVfs::install();
  ASSERT_NO_FATAL_FAILURE(fill());
  {
    testing::DiskFull full(vfs);
    auto erased = store_->erasePersonal();
    // Either the erase itself or its commit meets the full disk.
    const bool failed = !erased.ok() || !store_->commit().ok();
    EXPECT_TRUE(failed);
    EXPECT_TRUE(store_->full());
  }
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(store_->trips(0, kT0 + 10 * kDay).size(), 2U);
  EXPECT_EQ(store_->meta(kProfileLanguageKey), kLanguage);
  // With space back, the erase goes through.
  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{});
}

}  // namespace
}  // namespace crm::store::test
