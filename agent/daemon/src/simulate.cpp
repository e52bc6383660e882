// crm-agent simulate: saves a simulated scenario as a recording (and its
// ground truth), so that it can be shared, replayed and scored.
#include <iostream>

#include "crm/config/config.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/simulator.h"
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
  if (options.seed) sim.seed = *options.seed;

  vehicle::Simulator simulator(sim);
  auto samples = vehicle::writeRecording(simulator, options.out);
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
  std::cout << "wrote " << *samples << " samples to " << options.out << "\n";
  return 0;
}

}  // namespace crm::daemon
