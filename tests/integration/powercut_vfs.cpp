#include "powercut_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

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

sqlite3_vfs* g_real = nullptr;

struct File {
  sqlite3_file base;  // first: SQLite sees a File as a sqlite3_file
  sqlite3_file* real;
  std::string db;    // the key of the log, empty when untracked
  std::string path;  // this file
  Which which;
};

void append(Log& log, const RecordHead& head, const std::vector<char>& bytes) {
  std::string out(reinterpret_cast<const char*>(&head), sizeof head);
  out.append(bytes.data(), bytes.size());
  [[maybe_unused]] auto n = ::write(log.fd, out.data(), out.size());
}

// What the change of [offset, offset + length) and the size would destroy.
void remember(File& f, std::int64_t offset, std::int64_t length) {
  Log& log = logs()[f.db];
  const int fd = ::open(f.path.c_str(), O_RDONLY);
  struct stat st {};
  std::int64_t size = 0;
  if (fd >= 0 && ::fstat(fd, &st) == 0) size = st.st_size;
  const std::int64_t end = std::min(offset + length, size);
  std::vector<char> before(static_cast<std::size_t>(std::max<std::int64_t>(0, end - offset)));
  if (!before.empty()) {
    [[maybe_unused]] auto n = ::pread(fd, before.data(), before.size(), offset);
  }
  if (fd >= 0) ::close(fd);
  append(log, {kWrite, f.which, offset, static_cast<std::int64_t>(before.size()), size}, before);
  ++log.unsynced[f.which];
}

File& self(sqlite3_file* f) {
  return *reinterpret_cast<File*>(f);
}

int xClose(sqlite3_file* f) {
  File& me = self(f);
  const int rc = me.real->pMethods->xClose(me.real);
  if (!me.db.empty()) {
    Log& log = logs()[me.db];
    if (--log.refs == 0) {
      ::close(log.fd);
      logs().erase(me.db);
    }
  }
  me.~File();
  return rc;
}
int xRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return self(f).real->pMethods->xRead(self(f).real, buf, n, off);
}
int xWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  File& me = self(f);
  if (!me.db.empty()) remember(me, off, n);
  return me.real->pMethods->xWrite(me.real, buf, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  File& me = self(f);
  if (!me.db.empty()) remember(me, size, INT64_MAX / 2);
  return me.real->pMethods->xTruncate(me.real, size);
}
int xSync(sqlite3_file* f, int flags) {
  File& me = self(f);
  const int rc = me.real->pMethods->xSync(me.real, flags);
  if (rc == SQLITE_OK && !me.db.empty()) {
    Log& log = logs()[me.db];
    log.unsynced[me.which] = 0;
    if (log.unsynced[kDb] == 0 && log.unsynced[kWal] == 0) {
      [[maybe_unused]] auto t = ::ftruncate(log.fd, 0);
    } else {
      append(log, {kSync, me.which, 0, 0, 0}, {});
    }
  }
  return rc;
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return self(f).real->pMethods->xFileSize(self(f).real, size);
}
int xLock(sqlite3_file* f, int l) {
  return self(f).real->pMethods->xLock(self(f).real, l);
}
int xUnlock(sqlite3_file* f, int l) {
  return self(f).real->pMethods->xUnlock(self(f).real, l);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
  return self(f).real->pMethods->xCheckReservedLock(self(f).real, out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
  return self(f).real->pMethods->xFileControl(self(f).real, op, arg);
}
int xSectorSize(sqlite3_file* f) {
  return self(f).real->pMethods->xSectorSize(self(f).real);
}
int xDeviceCharacteristics(sqlite3_file* f) {
  return self(f).real->pMethods->xDeviceCharacteristics(self(f).real);
}
int xShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** p) {
  return self(f).real->pMethods->xShmMap(self(f).real, page, size, extend, p);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return self(f).real->pMethods->xShmLock(self(f).real, offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
  self(f).real->pMethods->xShmBarrier(self(f).real);
}
int xShmUnmap(sqlite3_file* f, int del) {
  return self(f).real->pMethods->xShmUnmap(self(f).real, del);
}

// Version 2: no xFetch, so SQLite reads through xRead and never maps the
// file (a mapped write would bypass the log).
const sqlite3_io_methods kMethods = {2,
                                     xClose,
                                     xRead,
                                     xWrite,
                                     xTruncate,
                                     xSync,
                                     xFileSize,
                                     xLock,
                                     xUnlock,
                                     xCheckReservedLock,
                                     xFileControl,
                                     xSectorSize,
                                     xDeviceCharacteristics,
                                     xShmMap,
                                     xShmLock,
                                     xShmBarrier,
                                     xShmUnmap,
                                     nullptr,
                                     nullptr};

int xOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* me = new (f) File{};
  me->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(File));
  const int rc = g_real->xOpen(g_real, name, me->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    me->~File();
    f->pMethods = nullptr;
    return rc;
  }
  me->base.pMethods = &kMethods;
  if (name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0) {
    me->path = name;
    me->which = (flags & SQLITE_OPEN_WAL) != 0 ? kWal : kDb;
    me->db = me->which == kWal ? me->path.substr(0, me->path.size() - 4) : me->path;
    Log& log = logs()[me->db];
    if (log.refs++ == 0) {
      // A new process starts with nothing unsynced: what an earlier one
      // left is in the page cache and beyond this test's power cut.
      log.fd = ::open((me->db + "-undo").c_str(), O_CREAT | O_WRONLY | O_APPEND | O_TRUNC, 0600);
    }
  }
  (void)vfs;
  return SQLITE_OK;
}

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

void installPowercutVfs() {
  static sqlite3_vfs vfs;
  g_real = sqlite3_vfs_find(nullptr);
  vfs = *g_real;
  vfs.zName = "crm-powercut";
  vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
  vfs.xOpen = xOpen;
  sqlite3_vfs_register(&vfs, /*makeDflt=*/1);
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
