// Writing a file the technician asked for (an export, a report page):
// all or nothing, with the mode chosen here, never a half-written file.
//
// Threading: no shared state.
#pragma once

#include <sys/types.h>
#include <string>
#include <string_view>

#include "ctl_error.h"

namespace crm::ctl {

// Writes `content` to a temporary file beside `path` with `mode`, syncs it
// and renames it over `path`. An existing file is replaced. kBadFile when
// the folder cannot take the file (missing, not writable); kFailed when a
// write fails (disk full). On failure `path` is untouched and the
// temporary file is removed.
CtlStatus writeFileAtomically(const std::string& path, std::string_view content, mode_t mode);

}  // namespace crm::ctl
