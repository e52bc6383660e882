// systemd service notifications (sd_notify). Every call is a no-op when the
// process does not run under systemd (no NOTIFY_SOCKET), so the daemon calls
// them unconditionally.
//
// Threading: any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace crm::os {

void notifyReady();
void notifyStopping();
void notifyReloading();
void notifyStatus(std::string_view status);
// Tells the watchdog the event loop is alive.
void notifyWatchdog();
// The watchdog interval systemd expects pings within (WatchdogSec=), if any.
std::optional<std::chrono::microseconds> watchdogInterval();

}  // namespace crm::os
