// crm-agent replay: a recording through the whole pipeline (offline.h), as
// fast as it goes, with time taken from the recording (docs/contract.md §1, §3).
#include <iostream>

#include "crm/config/config.h"
#include "crm/vehicle/recording.h"
#include "offline.h"
#include "programs.h"

namespace crm::daemon {

int runReplay(const ReplayOptions& options) {
  config::Config cfg;
  if (options.config_path) {
    auto loaded = config::loadConfig(*options.config_path);
    if (!loaded) {
      std::cerr << "crm-agent replay: " << loaded.error().message << "\n";
      return 2;
    }
    cfg = std::move(loaded).value();
  }
  auto reader = vehicle::RecordingReader::open(options.recording);
  if (!reader) {
    std::cerr << "crm-agent replay: " << reader.error().message << "\n";
    return 2;
  }
  return runOffline(
      **reader, cfg,
      OfflineOptions{options.recording, options.out_dir, options.state_dir, options.strict});
}

}  // namespace crm::daemon
