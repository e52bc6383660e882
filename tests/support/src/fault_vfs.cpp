#include "crm/testing/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <string>

namespace crm::testing {
namespace {

std::atomic<bool> g_full{false};
std::atomic<std::int64_t> g_space_left{-1};  // -1: no limit
std::atomic<std::int64_t> g_written{0};
std::atomic<std::int64_t> g_refused{0};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;
FileObserver* g_observer = nullptr;

// Our file: the real VFS's file lives right behind it, in the same block
// SQLite allocated (szOsFile covers both).
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  // Set for a database or WAL opened while an observer was set. SQLite
  // keeps the name valid until xClose.
  FileObserver* observer;
  const char* path;
  bool wal;
};

File& self(sqlite3_file* f) {
  return *reinterpret_cast<File*>(f);
}
sqlite3_file* real(sqlite3_file* f) {
  return self(f).real;
}

int refuse() {
  g_refused.fetch_add(1);
  return SQLITE_FULL;
}

int xClose(sqlite3_file* f) {
  const int rc = real(f)->pMethods->xClose(real(f));
  if (File& me = self(f); me.observer != nullptr) me.observer->closed(me.path, me.wal);
  return rc;
}
int xRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), p, n, off);
}
// Takes the space a write adds to its file; false when there is not enough.
bool takeSpace(sqlite3_file* f, int n, sqlite3_int64 off) {
  const std::int64_t left = g_space_left.load();
  if (left < 0) return true;
  sqlite3_int64 size = 0;
  if (real(f)->pMethods->xFileSize(real(f), &size) != SQLITE_OK) return false;
  const std::int64_t growth = off + n > size ? off + n - size : 0;
  if (growth > left) return false;
  g_space_left.store(left - growth);
  return true;
}

int xWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
  if (g_full.load()) return refuse();
  if (!takeSpace(f, n, off)) return refuse();
  g_written.fetch_add(n);
  if (File& me = self(f); me.observer != nullptr) me.observer->changing(me.path, me.wal, off, n);
  return real(f)->pMethods->xWrite(real(f), p, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (g_full.load()) return refuse();
  if (File& me = self(f); me.observer != nullptr) me.observer->changing(me.path, me.wal, size, -1);
  return real(f)->pMethods->xTruncate(real(f), size);
}
int xSync(sqlite3_file* f, int flags) {
  const int rc = real(f)->pMethods->xSync(real(f), flags);
  if (File& me = self(f); rc == SQLITE_OK && me.observer != nullptr) {
    me.observer->synced(me.path, me.wal);
  }
  return rc;
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int xLock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xLock(real(f), l);
}
int xUnlock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xUnlock(real(f), l);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int xSectorSize(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int xDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int xShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}
int xShmUnmap(sqlite3_file* f, int del) {
  return real(f)->pMethods->xShmUnmap(real(f), del);
}
int xFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

int xOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  const int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open.
  file->base.pMethods = file->real->pMethods != nullptr ? &g_methods : nullptr;
  file->observer = nullptr;
  file->path = name;
  file->wal = (flags & SQLITE_OPEN_WAL) != 0;
  if (file->base.pMethods != nullptr && name != nullptr && g_observer != nullptr &&
      (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0) {
    file->observer = g_observer;
    file->observer->opened(name, file->wal);
  }
  return rc;
}

}  // namespace

FaultVfs& FaultVfs::install() {
  static FaultVfs vfs;
  static const bool once = [] {
    g_real = sqlite3_vfs_find(nullptr);
    // The real VFS's other methods are reused as they are: they read only
    // pAppData and mxPathname, which are copied too.
    g_vfs = *g_real;
    g_vfs.zName = "crm-fault";
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    g_vfs.xOpen = xOpen;
    g_vfs.pNext = nullptr;
    g_methods = sqlite3_io_methods{3,
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
                                   xFetch,
                                   xUnfetch};
    sqlite3_vfs_register(&g_vfs, 1);
    return true;
  }();
  (void)once;
  return vfs;
}

void FaultVfs::setFull(bool full) {
  g_full.store(full);
}
void FaultVfs::setSpaceLeft(std::int64_t bytes) {
  g_space_left.store(bytes);
}
void FaultVfs::observe(FileObserver* observer) {
  g_observer = observer;
}
bool FaultVfs::full() const {
  return g_full.load();
}
std::int64_t FaultVfs::bytesWritten() const {
  return g_written.load();
}
std::int64_t FaultVfs::refusedWrites() const {
  return g_refused.load();
}

}  // namespace crm::testing
