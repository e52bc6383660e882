// A kill at any write of an erase (while staging, committing, checkpointing
// or truncating the WAL) leaves a sound cache holding all of the personal
// data or none of it; one whose erase was committed holds no byte of it
// once opened again (the open finishes the checkpoint).
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "crm/testing/fault_vfs.h"
#include "personal_fixture.h"

namespace crm::store::test {
namespace {

namespace fs = std::filesystem;

constexpr int kKilled = 42;

// Ends the process, as kill -9 would, just before its n-th write to the
// database or its WAL reaches the file.
class KillAtWrite : public testing::FileObserver {
 public:
  explicit KillAtWrite(int n) : left_(n) {}
  void opened(const std::string&, bool) override {}
  void closed(const std::string&, bool) override {}
  void synced(const std::string&, bool) override {}
  void changing(const std::string&, bool, std::int64_t, std::int64_t) override {
    if (--left_ == 0) ::_exit(kKilled);
  }

 private:
  int left_;
};

struct Held {
  std::int64_t prompts, events, trips, appointments, profile, locations, personal_messages;
  bool operator==(const Held&) const = default;
};

Held held(const std::string& path) {
  return {rows(path, "prompts"),
          rows(path, "prompt_events"),
          rows(path, "trips"),
          rows(path, "appointments"),
          rows(path, "meta WHERE key LIKE 'profile.%'"),
          rows(path,
               "samples s JOIN signals g ON g.id = s.signal WHERE g.path LIKE "
               "'Vehicle.CurrentLocation.%'"),
          rows(path, "outbox WHERE kind IN ('prompts', 'service-request')")};
}

class EraseCrash : public PersonalDataTest {
 protected:
  // Restores the filled cache, then runs open, erase and commit in a child
  // killed at its n-th write. True when the child finished unkilled.
  bool eraseKilledAt(int n, const std::string& pristine) {
    for (const char* suffix : {"", "-wal", "-shm", ".seq"}) fs::remove(path() + suffix);
    fs::copy_file(pristine, path());
    fs::copy_file(pristine + ".seq", path() + ".seq");
    const pid_t pid = ::fork();
    if (pid == 0) {
      KillAtWrite killer(n);
      testing::FaultVfs::install().observe(&killer);
      auto s = open();
      if (!s || !s->erasePersonal().ok() || !s->commit().ok()) ::_exit(1);
      ::_exit(0);  // no destructor: as abrupt as the kills
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status)) << "at write " << n;
    EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == kKilled)
        << "at write " << n << ": exit " << WEXITSTATUS(status);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
};

TEST_F(EraseCrash, AKillAtAnyWriteLeavesAllOrNothingAndAFinishedEraseLeavesNoByte) {
  testing::FaultVfs::install();
  ASSERT_NO_FATAL_FAILURE(fill());
  store_.reset();  // a clean close: the file alone holds everything
  const std::string pristine = dir_.file("pristine.db");
  fs::copy_file(path(), pristine);
  fs::copy_file(path() + ".seq", pristine + ".seq");
  const Held all = held(pristine);
  ASSERT_EQ(all, (Held{1, 3, 2, 1, 3, 30, 2}));
  const Held none{0, 0, 0, 0, 0, 0, 0};

  int erased = 0, kept = 0;
  bool finished = false;
  for (int n = 1; !finished && n < 5000; n += n < 80 ? 1 : 7) {
    finished = eraseKilledAt(n, pristine);
    // What the next start finds.
    auto reopened = open();
    ASSERT_NE(reopened, nullptr) << "at write " << n;
    EXPECT_FALSE(reopened->erasePending()) << "at write " << n;
    reopened.reset();
    const Held now = held(path());
    EXPECT_TRUE(now == all || now == none) << "at write " << n << ": half erased";
    EXPECT_EQ(rows(path(), "pragma_integrity_check WHERE integrity_check = 'ok'"), 1)
        << "at write " << n;
    EXPECT_EQ(rows(path(), "rollup_daily"), rows(pristine, "rollup_daily")) << "at write " << n;
    if (now == none) {
      ++erased;
      EXPECT_EQ(foundIn(path(), personalNeedles()), std::vector<std::string>{}) << "at write " << n;
    } else {
      ++kept;
    }
  }
  EXPECT_TRUE(finished) << "the erase never finished within the writes tried";
  // Both outcomes were met: kills before the commit and after it.
  EXPECT_GT(erased, 1);
  EXPECT_GT(kept, 1);
}

}  // namespace
}  // namespace crm::store::test
