#include "crm/os/systemd.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace crm::os {

void notifyReady() {
  sd_notify(0, "READY=1");
}
void notifyStopping() {
  sd_notify(0, "STOPPING=1");
}
void notifyReloading() {
  sd_notify(0, "RELOADING=1");
}
void notifyStatus(std::string_view status) {
  sd_notify(0, ("STATUS=" + std::string(status)).c_str());
}
void notifyWatchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec);
  return std::nullopt;
}

}  // namespace crm::os
