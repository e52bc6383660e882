// The one logger of the agent. Lines are "key=value" structured so that they
// grep well on a head unit's journal. Never log personal data (locations,
// trips, prompt texts, profile) or secrets: log counts and ids instead.
//
// Threading: spdlog loggers are thread-safe; init() must run once, before
// other threads start.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace crm::log {

// Configures the process-wide logger: writes to stderr (journald picks it up
// under systemd). level is one of trace, debug, info, warn, error, off.
// An unknown level name falls back to info.
void init(std::string_view level);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace crm::log
