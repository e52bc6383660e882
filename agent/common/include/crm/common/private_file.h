// A secret kept in a file of its own (the technician token, the MQTT
// password): the file must be a regular file that only this process's user
// can reach, or the secret is no secret. Checked on the open descriptor
// (fstat), so the file judged is the file read, even if the path is
// replaced meanwhile.
//
// Threading: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crm/common/result.h"

namespace crm {

enum class PrivateFileError : std::uint8_t {
  kMissing,     // no such file
  kNotRegular,  // a folder, device, FIFO, socket (a symlink is followed)
  kLoose,       // group or others have some permission on it, or another user owns it
  kUnreadable,  // cannot be opened or read (permissions, I/O)
  kTooLarge,    // more than the limit
};

// Ok when `path` is a regular file owned by this process's user whose mode
// gives group and others nothing (0600 or 0400). `what` names the secret in
// the kLoose message: "<path>: has mode 0644: group or others may read it;
// <what> must be readable by its owner only (chmod 600 <path>)".
Status<PrivateFileError> checkPrivateFile(const std::string& path, std::string_view what);

// checkPrivateFile, then the whole file, at most `max_bytes` (else
// kTooLarge: "<path>: longer than N bytes").
Result<std::string, PrivateFileError> readPrivateFile(const std::string& path,
                                                      std::size_t max_bytes, std::string_view what);

}  // namespace crm
