// crm-agent simulate: the built-in simulated car as a recording (and its
// ground truth), so that it can be shared, replayed and scored; with
// --replay, straight through the offline pipeline (offline.h) as well.
#include <iostream>

#include "crm/config/config.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/simulator.h"
#include "offline.h"
#include "programs.h"

namespace crm::daemon {

int runSimulate(const SimulateOptions& options) {
  config::Config cfg;
  if (options.config_path) {
    auto loaded = config::loadConfig(*options.config_path);
    if (!loaded) {
      std::cerr << "crm-agent simulate: " << loaded.error().message << "\n";
      return 2;
    }
    cfg = std::move(loaded).value();
  }
  if (!options.out && !options.replay_dir) {
    std::cerr << "crm-agent simulate: expected --out FILE, --replay DIR or both\n";
    return 2;
  }
  vehicle::SimulatorConfig sim = cfg.source.simulator;
  if (options.profile) {
    auto p = vehicle::parseUsageProfile(*options.profile);
    if (!p) {
      std::cerr << "crm-agent simulate: --profile: expected private, ride_hailing or logistics\n";
      return 2;
    }
    sim.profile = *p;
  }
  if (options.days) {
    if (*options.days <= 0 || *options.days > 36500) {
      std::cerr << "crm-agent simulate: --days: expected 0 < days <= 36500\n";
      return 2;
    }
    sim.days = *options.days;
  }
  if (sim.days <= 0) {
    std::cerr << "crm-agent simulate: an endless simulation (days 0) cannot be saved or "
                 "replayed; give --days\n";
    return 2;
  }
  if (options.seed) sim.seed = *options.seed;

  vehicle::Simulator simulator(sim);
  if (!options.out) {
    // Nothing to save: the simulated car goes straight through the pipeline.
    const int rc =
        runOffline(simulator, cfg, OfflineOptions{"simulation", *options.replay_dir, std::nullopt});
    if (rc == 0 && options.truth) {
      if (auto st = vehicle::writeGroundTruth(simulator.truth(), *options.truth); !st) {
        std::cerr << "crm-agent simulate: " << *options.truth << ": cannot write\n";
        return 1;
      }
    }
    return rc;
  }
  auto samples = vehicle::writeRecording(simulator, *options.out);
  if (!samples) {
    std::cerr << "crm-agent simulate: " << samples.error().message << "\n";
    return samples.error().code == vehicle::RecordingError::kCannotOpen ? 2 : 1;
  }
  if (options.truth) {
    if (auto st = vehicle::writeGroundTruth(simulator.truth(), *options.truth); !st) {
      std::cerr << "crm-agent simulate: " << *options.truth << ": cannot write\n";
      return 1;
    }
  }
  // With --replay, stdout carries the replay's summary.
  (options.replay_dir ? std::cerr : std::cout)
      << "wrote " << *samples << " samples to " << *options.out << "\n";
  if (!options.replay_dir) return 0;
  // The saved file, replayed: the outputs are exactly what replaying it gives.
  auto reader = vehicle::RecordingReader::open(*options.out);
  if (!reader) {
    std::cerr << "crm-agent simulate: " << reader.error().message << "\n";
    return 1;
  }
  return runOffline(**reader, cfg, OfflineOptions{*options.out, *options.replay_dir, std::nullopt});
}

}  // namespace crm::daemon
