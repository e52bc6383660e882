// Lets a test cut the power. Over the test VFS (crm/testing/fault_vfs.h), for
// every write to a database or WAL file since that file's last successful
// sync, it keeps the bytes the write replaced in an undo log beside the
// database (<file>-undo). The log is written before the data, with
// plain write(2): a kill -9 leaves both in the page cache, as a power cut
// would not. cutPower() then plays the disk's part: the writes the last sync
// did not cover are undone, all of them or only the newest, as a disk that
// wrote some of its queue in order and lost the rest.
//
// Threading: one process writes; cutPower() runs after it is dead.
#pragma once

#include <cstddef>
#include <string>

namespace crm::testing {

// Installs the test VFS as the process's default, logging. Call once,
// before the store is opened, in the process that will be killed. With
// `hold_fd` >= 0 the process stops for good at its `hold_at`-th write or the
// first after it that finds an earlier write unsynced, once that write is
// logged and before it is made, and says so with a byte on `hold_fd`: the
// test's kill then falls between a write and the fsync that would cover it.
void installPowercutVfs(int hold_fd = -1, std::size_t hold_at = 0);

// Undoes, for the database at `path` and its WAL, every write made after
// the last sync except the oldest `keep` of them. Removes the -shm file (it
// is rebuilt from the WAL). Returns the number of writes undone.
std::size_t cutPower(const std::string& path, std::size_t keep);

// The number of writes not yet covered by a sync, for `path` and its WAL.
std::size_t unsyncedWrites(const std::string& path);

}  // namespace crm::testing
