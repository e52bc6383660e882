#include "cache_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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

std::string why() {
  return std::strerror(errno);
}

// Copies `from` to `to` (created 0600) with read() and write(): the source
// is opened read-only and nothing else is done to it.
CtlStatus copyFile(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return fail(CtlError::kBadFile, from + ": cannot read (" + why() + ")");
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    const std::string w = why();
    ::close(in);
    return fail(CtlError::kFailed, to + ": cannot create (" + w + ")");
  }
  std::vector<char> buf(1 << 16);
  CtlStatus result;
  while (true) {
    const auto n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = fail(CtlError::kBadFile, from + ": read failed (" + why() + ")");
      break;
    }
    if (n == 0) break;
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(n)) {
      const auto w = ::write(out, buf.data() + done, static_cast<std::size_t>(n) - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        result = fail(CtlError::kFailed, to + ": write failed (" + why() + ")");
        break;
      }
      done += static_cast<std::size_t>(w);
    }
    if (!result) break;
  }
  ::close(in);
  if (::close(out) != 0 && result) {
    result = fail(CtlError::kFailed, to + ": write failed (" + why() + ")");
  }
  return result;
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

}  // namespace

CtlResult<std::unique_ptr<CacheCopy>> CacheCopy::create(const std::string& source) {
  if (auto st = checkSqlite(source); !st) return st.error();
  std::error_code ec;
  std::string tmpl = (fs::temp_directory_path(ec) / "crm-agentctl-XXXXXX").string();
  if (ec) tmpl = "/tmp/crm-agentctl-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    return fail(CtlError::kFailed, "cannot make a temporary folder " + tmpl + " (" + why() + ")");
  }
  const std::string folder(name.data());
  std::unique_ptr<CacheCopy> copy(new CacheCopy(folder, folder + "/cache.db"));
  const std::string wal = source + "-wal";
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
