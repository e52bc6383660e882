// seq is never reused for a car, even when its cache is lost: the mark kept
// beside the cache (<path>.seq) outlives it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace fs = std::filesystem;
constexpr char kVin[] = "LRW3E7EK5NC000001";

std::unique_ptr<Store> openAt(const std::string& path) {
  StoreOptions o;
  o.path = path;
  o.full_sync = false;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s ? std::move(s).value() : nullptr;
}

// Issues messages and reservations as the agent does (some acknowledged,
// a status reserved and never committed); returns the highest seq issued.
std::int64_t issueSome(const std::string& path) {
  auto store = openAt(path);
  std::int64_t highest = 0;
  for (int i = 0; i < 7; ++i) {
    auto m = store->enqueue(wire::Kind::kFaults, kVin, i, "{}");
    EXPECT_TRUE(m.ok());
    highest = std::max(highest, m->seq);
  }
  EXPECT_TRUE(store->commit().ok());
  for (const auto& m : *store->pendingOutbox(0, 3)) EXPECT_TRUE(store->ackOutbox(m.seq).ok());
  EXPECT_TRUE(store->commit().ok());
  auto status = store->reserve();  // durable without a commit
  EXPECT_TRUE(status.ok());
  return std::max(highest, status->seq);
}

std::int64_t nextSeq(const std::string& path) {
  auto store = openAt(path);
  auto m = store->enqueue(wire::Kind::kFaults, kVin, 1, "{}");
  EXPECT_TRUE(m.ok());
  return m->seq;
}

TEST(SeqMark, ACacheMovedAsideDoesNotTakeTheSeqCountWithIt) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  const auto highest = issueSome(path);
  testing::writeFile(path, std::string(8192, 'x'));  // damaged beyond repair
  auto store = openAt(path);
  ASSERT_FALSE(store->recoveredFrom().empty());
  auto m = store->enqueue(wire::Kind::kFaults, kVin, 1, "{}");
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->seq, highest);
  EXPECT_LT(m->seq, highest + 2000);  // from the mark, not the wall clock
}

TEST(SeqMark, ADeletedCacheDoesNotRestartTheCount) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  const auto highest = issueSome(path);
  fs::remove(path);
  EXPECT_GT(nextSeq(path), highest);
}

TEST(SeqMark, ADamagedMetaRowResumesAboveTheMark) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  const auto highest = issueSome(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '1' WHERE key = 'next_seq'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_GT(nextSeq(path), highest);
}

TEST(SeqMark, ACacheAndMarkBothLostResumeAtTheWallClock) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  const auto highest = issueSome(path);
  testing::writeFile(path, std::string(8192, 'x'));
  testing::writeFile(path + ".seq", "garbage");
  const auto next = nextSeq(path);
  EXPECT_GT(next, highest);
  EXPECT_GT(next, 1'600'000'000'000);
}

TEST(SeqMark, TheMarkIsWrittenOncePerBlockNotPerMessage) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  auto store = openAt(path);
  ASSERT_TRUE(store->enqueue(wire::Kind::kFaults, kVin, 0, "{}").ok());
  ASSERT_TRUE(store->commit().ok());
  const std::string first = testing::readFile(path + ".seq");
  const auto written = fs::last_write_time(path + ".seq");
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store->enqueue(wire::Kind::kFaults, kVin, i, "{}").ok());
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_EQ(testing::readFile(path + ".seq"), first);
  EXPECT_EQ(fs::last_write_time(path + ".seq"), written);
  EXPECT_GE(std::stoll(first), 51);
}

}  // namespace
}  // namespace crm::store
