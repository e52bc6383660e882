// What a SIGHUP reload changes: which mqtt.* keys differ (the publisher is
// then rebuilt with them: an operator who edits the broker's settings and
// reloads expects them in use), and which changed keys only take effect at
// the next start (the cache, the car's identity and its source are opened
// once), so that the log says so instead of "reloaded".
//
// Threading: plain values.
#pragma once

#include <string>
#include <vector>

#include "crm/config/config.h"

namespace crm::daemon {

struct ReloadPlan {
  std::vector<std::string> mqtt_changed;  // e.g. "mqtt.keepalive_s"
  std::vector<std::string> need_restart;  // e.g. "storage.quota_mib", "vehicle"
};

ReloadPlan planReload(const config::Config& running, const config::Config& next);

// "a, b, c" for a log line.
std::string joinKeys(const std::vector<std::string>& keys);

}  // namespace crm::daemon
