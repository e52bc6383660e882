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

namespace crm::testing {

class FaultVfs {
 public:
  // Registers the VFS as the default (once per process) and returns it.
  static FaultVfs& install();

  // While full, every xWrite and xTruncate returns SQLITE_FULL, as on a file
  // system with no block left (the strictest case: not even a WAL frame over
  // an old one gets through).
  void setFull(bool full);
  bool full() const;
  // Bytes handed to xWrite (all files: database, WAL, journal) since install.
  std::int64_t bytesWritten() const;
  // Writes refused since install.
  std::int64_t refusedWrites() const;

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
