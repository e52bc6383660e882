#include "powercut_vfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "crm/testing/fault_vfs.h"

namespace crm::testing {
namespace {

// One record of the undo log. kSync says the file's writes so far are on
// the disk; kWrite carries the bytes a write or truncate replaced.
enum RecordType : std::uint8_t { kWrite = 1, kSync = 2 };
enum Which : std::uint8_t { kDb = 0, kWal = 1 };

struct RecordHead {
  std::uint8_t type;
  std::uint8_t which;
  std::int64_t offset;
  std::int64_t length;       // bytes of before-image that follow
  std::int64_t size_before;  // the file's size before the change
};

// The log of one database (its main file and WAL share it, so that the
// order of their writes is kept).
struct Log {
  int fd = -1;
  int refs = 0;
  std::size_t unsynced[2] = {0, 0};
};

std::map<std::string, Log>& logs() {
  static std::map<std::string, Log> all;
  return all;
}

// The log's key: the database a file belongs to.
std::string databaseOf(const std::string& path, bool wal) {
  return wal ? path.substr(0, path.size() - 4) : path;
}

void append(Log& log, const RecordHead& head, const std::vector<char>& bytes) {
  std::string out(reinterpret_cast<const char*>(&head), sizeof head);
  out.append(bytes.data(), bytes.size());
  [[maybe_unused]] auto n = ::write(log.fd, out.data(), out.size());
}

// Keeps, for each unsynced change, the bytes and the size it destroys.
class UndoLogger final : public FileObserver {
 public:
  // See installPowercutVfs.
  void holdAt(int fd, std::size_t write_index) {
    hold_fd_ = fd;
    hold_at_ = write_index;
  }

  void opened(const std::string& path, bool wal) override {
    Log& log = logs()[databaseOf(path, wal)];
    if (log.refs++ == 0) {
      // A new process starts with nothing unsynced: what an earlier one
      // left is in the page cache and beyond this test's power cut.
      log.fd = ::open((databaseOf(path, wal) + "-undo").c_str(),
                      O_CREAT | O_WRONLY | O_APPEND | O_TRUNC, 0600);
    }
  }
  void closed(const std::string& path, bool wal) override {
    const std::string db = databaseOf(path, wal);
    Log& log = logs()[db];
    if (--log.refs == 0) {
      ::close(log.fd);
      logs().erase(db);
    }
  }
  void changing(const std::string& path, bool wal, std::int64_t offset,
                std::int64_t length) override {
    Log& log = logs()[databaseOf(path, wal)];
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct stat st {};
    std::int64_t size = 0;
    if (fd >= 0 && ::fstat(fd, &st) == 0) size = st.st_size;
    const std::int64_t end = length < 0 ? size : std::min(offset + length, size);
    std::vector<char> before(static_cast<std::size_t>(std::max<std::int64_t>(0, end - offset)));
    if (!before.empty()) {
      [[maybe_unused]] auto n = ::pread(fd, before.data(), before.size(), offset);
    }
    if (fd >= 0) ::close(fd);
    const Which which = wal ? kWal : kDb;
    // Held only where an earlier write is still unsynced: the cut then
    // falls between a write and its fsync, which a random kill seldom hits.
    const bool hold =
        hold_fd_ >= 0 && ++writes_ >= hold_at_ && log.unsynced[kDb] + log.unsynced[kWal] > 0;
    append(log, {kWrite, which, offset, static_cast<std::int64_t>(before.size()), size}, before);
    ++log.unsynced[which];
    if (hold) {
      const char held = 'h';
      [[maybe_unused]] auto n = ::write(hold_fd_, &held, 1);
      for (;;) ::pause();  // until the test's kill
    }
  }
  void synced(const std::string& path, bool wal) override {
    Log& log = logs()[databaseOf(path, wal)];
    const Which which = wal ? kWal : kDb;
    log.unsynced[which] = 0;
    if (log.unsynced[kDb] == 0 && log.unsynced[kWal] == 0) {
      [[maybe_unused]] auto t = ::ftruncate(log.fd, 0);
    } else {
      append(log, {kSync, which, 0, 0, 0}, {});
    }
  }

 private:
  int hold_fd_ = -1;
  std::size_t hold_at_ = 0;
  std::size_t writes_ = 0;
};

struct Change {
  RecordHead head;
  std::vector<char> before;
};

std::vector<Change> readLog(const std::string& db) {
  std::vector<Change> out;
  const int fd = ::open((db + "-undo").c_str(), O_RDONLY);
  if (fd < 0) return out;
  for (;;) {
    Change c{};
    if (::read(fd, &c.head, sizeof c.head) != static_cast<ssize_t>(sizeof c.head)) break;
    c.before.resize(static_cast<std::size_t>(c.head.length));
    if (!c.before.empty() &&
        ::read(fd, c.before.data(), c.before.size()) != static_cast<ssize_t>(c.before.size())) {
      break;  // the process died while logging: that write never started
    }
    out.push_back(std::move(c));
  }
  ::close(fd);
  return out;
}

// The writes no later sync of their own file covers, oldest first.
std::vector<Change> unsynced(const std::string& db) {
  auto log = readLog(db);
  std::vector<Change> out;
  bool synced_later[2] = {false, false};
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    if (it->head.type == kSync) {
      synced_later[it->head.which] = true;
    } else if (!synced_later[it->head.which]) {
      out.insert(out.begin(), std::move(*it));
    }
  }
  return out;
}

}  // namespace

void installPowercutVfs(int hold_fd, std::size_t hold_at) {
  static UndoLogger logger;
  logger.holdAt(hold_fd, hold_at);
  FaultVfs::install().observe(&logger);
}

std::size_t unsyncedWrites(const std::string& path) {
  return unsynced(path).size();
}

std::size_t cutPower(const std::string& path, std::size_t keep) {
  auto changes = unsynced(path);
  std::size_t undone = 0;
  for (std::size_t i = changes.size(); i > keep; --i) {
    const Change& c = changes[i - 1];
    const std::string file = c.head.which == kWal ? path + "-wal" : path;
    const int fd = ::open(file.c_str(), O_WRONLY);
    if (fd < 0) continue;
    [[maybe_unused]] auto t = ::ftruncate(fd, c.head.size_before);
    if (!c.before.empty()) {
      [[maybe_unused]] auto n = ::pwrite(fd, c.before.data(), c.before.size(), c.head.offset);
    }
    ::close(fd);
    ++undone;
  }
  ::unlink((path + "-undo").c_str());
  ::unlink((path + "-shm").c_str());
  return undone;
}

}  // namespace crm::testing
