// A cache that cannot be used right now (locked, busy, read-only, in a
// read-only folder) is refused with its cause and left exactly as it is; only
// a file proven not to be a usable cache of ours is moved aside.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kT0 = 1767225600000;

// Runs `fn` where file permissions count: as root (CI containers), in a
// child process that became nobody (uid 65534). Returns fn's text.
std::string withoutRoot(const std::function<std::string()>& fn) {
  if (::geteuid() != 0) return fn();
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out = "setuid failed";
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) out = fn();
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

// "ok", or the error's message.
std::string tryOpen(const std::string& path, int busy_timeout_ms = 100) {
  StoreOptions o;
  o.path = path;
  o.busy_timeout_ms = busy_timeout_ms;
  auto s = Store::open(o);
  return s ? std::string("ok") : s.error().message;
}

void makeCache(const std::string& path, int samples) {
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (int i = 0; i < samples; ++i) {
    ASSERT_TRUE((*s)->addSample({kT0 + i * 1000, vehicle::sig::kSpeed, double(i), 0}).ok());
  }
  ASSERT_TRUE((*s)->commit().ok());
}

std::int64_t samplesIn(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  return s ? (*s)->stats().samples : -1;
}

bool anythingMovedAside(const std::string& dir) {
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().filename().string().find(".corrupt-") != std::string::npos) return true;
  }
  return false;
}

TEST(OpenFaults, ACacheBusyInAnotherWritersTransactionIsRefusedWithTheCauseAndKept) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  makeCache(path, 5);
  // Another writer holds the write lock (WAL: readers still get through, so
  // the file looks fine; only writing it would fail, at the first commit).
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const std::string why = tryOpen(path);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);

  EXPECT_NE(why.find("locked"), std::string::npos) << why;
  EXPECT_FALSE(anythingMovedAside(dir.path()));
  EXPECT_EQ(samplesIn(path), 5);
}

TEST(OpenFaults, ABusyCacheIsWaitedForWithinTheBusyTimeout) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  makeCache(path, 3);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread release([holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  });
  const std::string result = tryOpen(path, 5000);
  release.join();
  sqlite3_close(holder);
  EXPECT_EQ(result, "ok");
  EXPECT_EQ(samplesIn(path), 3);
}

TEST(OpenFaults, AReadOnlyCacheIsRefusedWithTheCauseAndKept) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  makeCache(path, 4);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(path.c_str(), 0444);
  const std::string why = withoutRoot([&] { return tryOpen(path); });
  ::chmod(path.c_str(), 0644);

  EXPECT_NE(why.find("read-only"), std::string::npos) << why;
  EXPECT_FALSE(anythingMovedAside(dir.path()));
  EXPECT_EQ(samplesIn(path), 4);
}

TEST(OpenFaults, ACorruptCacheThatCannotBeMovedAsideIsRefusedAndNotClaimedMoved) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  const std::string garbage(8192, 'x');
  testing::writeFile(path, garbage);
  ::chmod(path.c_str(), 0666);
  ::chmod(dir.path().c_str(), 0555);  // a read-only location: rename fails
  const std::string why = withoutRoot([&] { return tryOpen(path); });
  ::chmod(dir.path().c_str(), 0755);

  EXPECT_NE(why.find("cannot move it aside"), std::string::npos) << why;
  EXPECT_NE(why.find("ermission denied"), std::string::npos) << why;
  EXPECT_EQ(why.find("moved aside to"), std::string::npos) << why;
  EXPECT_FALSE(anythingMovedAside(dir.path()));
  EXPECT_EQ(testing::readFile(path), garbage);  // touched nothing
}

TEST(OpenFaults, ATrulyCorruptCacheIsMovedAsideWithItsWalAndAFreshOneStarts) {
  testing::TempDir dir;
  const auto path = dir.file("c.db");
  testing::writeFile(path, std::string(8192, 'x'));
  testing::writeFile(path + "-wal", "not a wal");
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::string aside = (*s)->recoveredFrom();
  ASSERT_FALSE(aside.empty());
  EXPECT_EQ(testing::readFile(aside), std::string(8192, 'x'));
  EXPECT_TRUE(fs::exists(aside + "-wal"));  // its WAL went with it (SQLite may have reset it)
  EXPECT_FALSE(fs::exists(path + "-wal") && testing::readFile(path + "-wal") == "not a wal");
  EXPECT_TRUE((*s)->addSample({kT0, vehicle::sig::kSpeed, 1.0, 0}).ok());
  EXPECT_TRUE((*s)->commit().ok());
}

}  // namespace
}  // namespace crm::store
