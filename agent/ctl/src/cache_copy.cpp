#include "cache_copy.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace crm::ctl {
namespace {

namespace fs = std::filesystem;

// What tells whether a file changed while it was copied.
struct Stamp {
  bool exists = false;
  off_t size = 0;
  timespec mtime{};
  bool operator==(const Stamp& o) const {
    return exists == o.exists && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

Stamp stampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return Stamp{true, st.st_size, st.st_mtim};
}

// strerror's text without its shared buffer.
std::string why() {
  return std::error_code(errno, std::generic_category()).message();
}

// Copies what is left of `in` to `out`: sendfile() (in the kernel), and
// read() and write() where the kernel cannot.
CtlResult<bool> copyBytes(int in, int out, const std::string& from, const std::string& to) {
  while (true) {
    const auto n = ::sendfile(out, in, nullptr, std::size_t{1} << 30);
    if (n == 0) return true;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno == EINVAL || errno == ENOSYS) break;
    return fail(CtlError::kFailed, from + " to " + to + ": copy failed (" + why() + ")");
  }
  std::vector<char> buf(std::size_t{1} << 16);
  while (true) {
    const auto n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(CtlError::kBadFile, from + ": read failed (" + why() + ")");
    if (n == 0) return true;
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(n)) {
      const auto w = ::write(out, buf.data() + done, static_cast<std::size_t>(n) - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return fail(CtlError::kFailed, to + ": write failed (" + why() + ")");
      done += static_cast<std::size_t>(w);
    }
  }
}

// Copies `from` to `to` (created 0600): the source is opened read-only and
// nothing else is done to it.
CtlStatus copyFile(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return fail(CtlError::kBadFile, from + ": cannot read (" + why() + ")");
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    const std::string w = why();
    ::close(in);
    return fail(CtlError::kFailed, to + ": cannot create (" + w + ")");
  }
  CtlResult<bool> result = copyBytes(in, out, from, to);
  ::close(in);
  if (::close(out) != 0 && result) {
    return fail(CtlError::kFailed, to + ": write failed (" + why() + ")");
  }
  if (!result) return result.error();
  return {};
}

// The 16 bytes every SQLite 3 database starts with.
CtlStatus checkSqlite(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(CtlError::kBadFile, "--db " + path + ": " + why());
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(CtlError::kBadFile, "--db " + path + ": not a regular file");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(CtlError::kBadFile, "--db " + path + ": cannot read (" + why() + ")");
  char head[16] = {};
  const auto n = ::read(fd, head, sizeof head);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof head) || std::memcmp(head, "SQLite format 3", 16) != 0) {
    return fail(CtlError::kBadFile, "--db " + path + ": not a SQLite database");
  }
  return {};
}

// Where the copy goes: $TMPDIR when set; else /dev/shm (memory) when it
// has room for twice the files, so that the copy never reaches flash (no
// wear, no personal data left in worn-out blocks) and the store's syncs at
// close cost nothing; else /tmp.
std::string tempBase(std::uintmax_t need) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread; nothing sets the environment.
  if (const char* dir = std::getenv("TMPDIR"); dir != nullptr && *dir != '\0') return dir;
  struct statvfs vfs {};
  if (::statvfs("/dev/shm", &vfs) == 0 && ::access("/dev/shm", W_OK | X_OK) == 0 &&
      static_cast<std::uintmax_t>(vfs.f_bavail) * vfs.f_frsize > 2 * need) {
    return "/dev/shm";
  }
  return "/tmp";
}

}  // namespace

CtlResult<std::unique_ptr<CacheCopy>> CacheCopy::create(const std::string& source) {
  if (auto st = checkSqlite(source); !st) return st.error();
  std::error_code ec;
  const std::string wal = source + "-wal";
  std::uintmax_t size = 0;
  for (const auto& path : {source, wal}) {
    const auto bytes = fs::file_size(path, ec);
    if (!ec) size += bytes;
  }
  const std::string tmpl = tempBase(size) + "/crm-agentctl-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    return fail(CtlError::kFailed, "cannot make a temporary folder " + tmpl + " (" + why() + ")");
  }
  const std::string folder(name.data());
  std::unique_ptr<CacheCopy> copy(new CacheCopy(folder, folder + "/cache.db"));
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const Stamp db_before = stampOf(source), wal_before = stampOf(wal);
    ::unlink((copy->path_ + "-wal").c_str());
    if (auto st = copyFile(source, copy->path_); !st) return st.error();
    copy->had_wal_ = wal_before.exists;
    if (wal_before.exists) {
      if (auto st = copyFile(wal, copy->path_ + "-wal"); !st) return st.error();
    }
    if (stampOf(source) == db_before && stampOf(wal) == wal_before) break;
    if (attempt == kAttempts) {
      return fail(CtlError::kFailed, "--db " + source +
                                         ": the file kept changing while it was copied; "
                                         "stop the daemon or copy it first");
    }
  }
  return copy;
}

CacheCopy::~CacheCopy() {
  std::error_code ec;
  fs::remove_all(folder_, ec);
}

}  // namespace crm::ctl
