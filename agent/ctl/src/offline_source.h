// Offline mode (--db FILE): answers from a private copy of a cache file
// (cache_copy.h), read in this process through the same diagnostics code
// the daemon's technician API uses, so the JSON is the same, with
// "source": "offline" and what only a running daemon knows (uptime, the
// broker connection) null. The car's "now" is its newest sample: a cache
// copied from a car last week reads as it stood then.
//
// Operations that change the car or need its connection (sync-now, erase,
// export) are refused with kUsage; generate-report builds the report from
// the copy without storing it.
//
// Threading: one thread.
#pragma once

#include <memory>
#include <string>

#include "crm/config/config.h"
#include "source.h"

namespace crm::ctl {

// Copies `db` and opens the copy. kBadFile when `db` cannot be used (not a
// cache, damaged).
CtlResult<std::unique_ptr<Source>> openOffline(const std::string& db, const config::Config& config);

}  // namespace crm::ctl
