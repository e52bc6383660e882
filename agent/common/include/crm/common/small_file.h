// Reads a whole small file (configuration, maintenance schedule) with a size
// limit, refusing what is not a regular file: a folder, /dev/zero, a FIFO or
// a socket would otherwise read as "not valid JSON", never end, or block.
//
// Threading: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "crm/common/result.h"

namespace crm {

enum class FileError : std::uint8_t {
  kMissing,     // no such file
  kUnreadable,  // exists, but cannot be opened or read (permissions, I/O)
  kNotRegular,  // a folder, device, FIFO or socket
  kTooLarge,    // more than the limit
};

// The file's bytes. Errors name the path and what was wrong:
// "<path>: is a directory", "<path>: not a regular file (a FIFO)",
// "<path>: larger than N bytes", "<path>: no such file", "<path>: cannot
// read (Permission denied)". The limit is enforced while reading too, so a
// file growing after the check cannot exceed it.
Result<std::string, FileError> readSmallFile(const std::string& path, std::size_t max_bytes);

// Ok when `path` names a regular file this process can read; the same
// errors as readSmallFile otherwise (no size limit). For files the agent
// opens later (TLS certificates), checked at start-up.
Status<FileError> checkReadableFile(const std::string& path);

}  // namespace crm
