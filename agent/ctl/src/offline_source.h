// Offline mode (--db FILE): answers from a private copy of a cache file
// (cache_copy.h), read in this process through the diagnostics code the
// daemon's technician API uses, so the JSON is the same, with "source":
// "offline" and what only a running daemon knows (uptime, the broker
// connection) null. Views over a period end at the cache's newest sample,
// as the daemon's do: a cache copied from a car last week reads as it
// stood then.
//
// The vehicle's facts (VIN, model, capacity) and the report period come
// from the configuration crm-agentctl read (--config): pass the car's own.
// The storage resource names FILE (the source), not the copy.
//
// generate-report makes the report as the daemon does on request, stored in
// the copy (which is thrown away at exit); its page is rendered from the
// same copy. export-data exports the copy (the consent is unknown offline).
// Operations that change the car or need its connection (sync-now,
// erase-personal-data) are refused with kUsage.
//
// Threading: one thread.
#pragma once

#include <memory>
#include <string>

#include "crm/config/config.h"
#include "source.h"

namespace crm::ctl {

// Copies `db` and opens the copy. kBadFile when `db` cannot be used (not a
// cache, damaged, of a newer schema).
CtlResult<std::unique_ptr<Source>> openOffline(const std::string& db, const config::Config& config);

}  // namespace crm::ctl
