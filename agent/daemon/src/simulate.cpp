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

  auto writer = vehicle::RecordingWriter::create(options.out);
  if (!writer) {
    std::cerr << "crm-agent simulate: " << writer.error().message << "\n";
    return 2;
  }
  vehicle::Simulator simulator(sim);
  std::uint64_t samples = 0;
  while (auto rec = simulator.next()) {
    if (std::holds_alternative<vehicle::Sample>(*rec)) ++samples;
    if (auto st = writer->write(*rec); !st) {
      std::cerr << "crm-agent simulate: " << options.out << ": " << st.error().message << "\n";
      return 1;
    }
  }
  if (auto st = writer->close(); !st) {
    std::cerr << "crm-agent simulate: " << options.out << ": " << st.error().message << "\n";
    return 1;
  }
  if (options.truth) {
    if (auto st = vehicle::writeGroundTruth(simulator.truth(), *options.truth); !st) {
      std::cerr << "crm-agent simulate: " << *options.truth << ": cannot write\n";
      return 1;
    }
  }
  std::cout << "wrote " << samples << " samples to " << options.out << "\n";
  return 0;
}

}  // namespace crm::daemon
