// A private copy of a cache file, for offline mode (--db FILE): the file
// and its write-ahead log (FILE-wal, when present) are copied into a fresh
// folder (mkdtemp, mode 0700) and the copy is what gets opened. The folder
// is made in $TMPDIR when it is set, else in /dev/shm when that has room:
// in memory the copy (personal data included) never reaches flash, and
// the store's syncs when it closes the copy cost nothing (on a disk they
// write the whole freshly copied file: tens of ms); else in /tmp. SQLite
// rebuilds the WAL index (-shm) from the WAL on open, so the -shm file is
// not copied. The source files are only ever read, so not a byte of them
// changes, however the copy is used.
//
// A file copied while a daemon writes it may change between reading the
// database and its WAL: the copy is taken again (up to a few times) until
// both were the same before and after.
//
// Threading: one thread.
#pragma once

#include <memory>
#include <string>

#include "ctl_error.h"

namespace crm::ctl {

class CacheCopy {
 public:
  // Copies `source` (and `source`-wal). kBadFile when the source is
  // missing, unreadable, not a regular file or not a SQLite database;
  // kFailed when the copy cannot be made (temporary folder full).
  static CtlResult<std::unique_ptr<CacheCopy>> create(const std::string& source);
  // Removes the folder and everything in it (the copy, its WAL and -shm).
  ~CacheCopy();
  CacheCopy(const CacheCopy&) = delete;
  CacheCopy& operator=(const CacheCopy&) = delete;

  const std::string& folder() const { return folder_; }
  // The copied database, inside folder().
  const std::string& path() const { return path_; }
  bool hadWal() const { return had_wal_; }

 private:
  CacheCopy(std::string folder, std::string path)
      : folder_(std::move(folder)), path_(std::move(path)) {}
  std::string folder_;
  std::string path_;
  bool had_wal_ = false;
};

}  // namespace crm::ctl
