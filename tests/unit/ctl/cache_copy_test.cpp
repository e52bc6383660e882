// Offline mode's copy: a cache copied while its store is open (a WAL with
// committed frames present) is read whole from the copy, and not a byte of
// the source database or its WAL changes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "cache_copy.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"
#include "crm/vehicle/signals.h"

namespace crm::ctl {
namespace {

namespace fs = std::filesystem;
namespace sig = vehicle::sig;

constexpr std::int64_t kT0 = 1767225600000;

// FNV-1a over the file's bytes: what "unchanged" is checked against.
std::uint64_t hashOf(const std::string& path) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : testing::readFile(path)) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return h;
}

class CacheCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = testing::openTestStore(db());
    ASSERT_NE(live_, nullptr);
    for (int i = 0; i < 50; ++i) {
      vehicle::Sample s;
      s.ts_ms = kT0 + i * 1000;
      s.signal = sig::kSpeed;
      s.value = static_cast<double>(i);
      ASSERT_TRUE(live_->addSample(s).ok());
      if (i % 10 == 9) {
        ASSERT_TRUE(live_->commit().ok());
      }
    }
    // The store stays open: its committed frames sit in the WAL.
    ASSERT_TRUE(fs::exists(wal()));
    ASSERT_GT(fs::file_size(wal()), 0u);
  }

  std::string db() const { return dir_.file("cache.db"); }
  std::string wal() const { return db() + "-wal"; }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> live_;
};

TEST_F(CacheCopyTest, TheCopyHoldsWhatWasCommittedAndTheSourceBytesDoNotChange) {
  const auto db_before = hashOf(db());
  const auto wal_before = hashOf(wal());
  std::string folder;
  {
    auto copy = CacheCopy::create(db());
    ASSERT_TRUE(copy.ok()) << copy.error().message;
    folder = (*copy)->folder();
    EXPECT_TRUE((*copy)->hadWal());
    EXPECT_FALSE(fs::exists((*copy)->path() + "-shm"));
    auto opened = testing::openTestStore((*copy)->path());
    ASSERT_NE(opened, nullptr);
    EXPECT_EQ(opened->samples(sig::kSpeed, kT0, kT0 + 60'000).size(), 50u);
  }
  EXPECT_FALSE(fs::exists(folder));  // removed with the copy
  EXPECT_EQ(hashOf(db()), db_before);
  EXPECT_EQ(hashOf(wal()), wal_before);
}

TEST_F(CacheCopyTest, TheCopyIsPrivate) {
  auto copy = CacheCopy::create(db());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(fs::status((*copy)->folder()).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(CacheCopyTest, TheCopyGoesWhereTmpdirSaysWhenSet) {
  testing::TempDir tmp;
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  auto copy = CacheCopy::create(db());
  if (old != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_EQ((*copy)->folder().rfind(tmp.path() + "/crm-agentctl-", 0), 0u) << (*copy)->folder();
  EXPECT_EQ(testing::readFile((*copy)->path()), testing::readFile(db()));
}

TEST(CacheCopy, AFileThatIsNotACacheIsABadFile) {
  testing::TempDir dir;
  testing::writeFile(dir.file("notes.txt"), "hello, this is not SQLite at all");
  for (const auto& path : {dir.file("notes.txt"), dir.file("missing.db"), dir.path()}) {
    auto copy = CacheCopy::create(path);
    ASSERT_FALSE(copy.ok()) << path;
    EXPECT_EQ(exitCode(copy.error().code), 2);
    EXPECT_NE(copy.error().message.find(path), std::string::npos) << copy.error().message;
  }
}

}  // namespace
}  // namespace crm::ctl
