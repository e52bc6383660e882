// A SQLite VFS over the default one that can make writes fail as a full file
// system does, and counts the bytes SQLite writes. Installed as the default
// VFS, so every connection opened afterwards in this process uses it: the
// store under test needs no hook. No root, no tmpfs: it runs anywhere,
// including arm64 under qemu-user.
//
// Threading: the flag and the counter are atomics; install() once, before
// opening connections.
#pragma once

#include <cstdint>
#include <string>

namespace crm::testing {

// Sees each change SQLite makes to a database or its WAL before the real VFS
// does, and each successful sync: the power-cut test logs what every write
// not yet synced replaced. Called on the writing thread.
class FileObserver {
 public:
  virtual ~FileObserver() = default;
  virtual void opened(const std::string& path, bool wal) = 0;
  virtual void closed(const std::string& path, bool wal) = 0;
  // [offset, offset + length) is about to be written; a truncation to
  // `offset` comes with length -1 (to the end).
  virtual void changing(const std::string& path, bool wal, std::int64_t offset,
                        std::int64_t length) = 0;
  virtual void synced(const std::string& path, bool wal) = 0;
};

class FaultVfs {
 public:
  // Registers the VFS as the default (once per process) and returns it.
  static FaultVfs& install();

  // While full, every xWrite and xTruncate returns SQLITE_FULL, as on a file
  // system with no block left (the strictest case: not even a WAL frame over
  // an old one gets through).
  void setFull(bool full);
  bool full() const;
  // A file system with `bytes` free from now on (-1: no limit): a write that
  // grows a file takes what it adds, and fails as on a full file system
  // when that is more than is left; writing over what a file already holds
  // takes nothing. So small transactions go through while a VACUUM, which
  // writes a copy of the whole file, does not. Truncation gives nothing back.
  void setSpaceLeft(std::int64_t bytes);
  // Bytes handed to xWrite (all files: database, WAL, journal) since install.
  std::int64_t bytesWritten() const;
  // Writes refused since install.
  std::int64_t refusedWrites() const;
  // Database and WAL files opened from now on report to `observer` (nullptr:
  // none); it must outlive them.
  void observe(FileObserver* observer);

 private:
  FaultVfs() = default;
};

// Sets the fault for a scope: space returns when it ends, even if a test
// assertion leaves early.
class DiskFull {
 public:
  explicit DiskFull(FaultVfs& vfs) : vfs_(vfs) { vfs_.setFull(true); }
  ~DiskFull() { vfs_.setFull(false); }
  DiskFull(const DiskFull&) = delete;
  DiskFull& operator=(const DiskFull&) = delete;

 private:
  FaultVfs& vfs_;
};

}  // namespace crm::testing
