#include "sim_cache.h"

#include <iostream>

#include "crm/os/clock.h"
#include "crm/pipeline/pipeline.h"
#include "crm/testing/temp_store.h"
#include "crm/vehicle/simulator.h"

namespace crm::diagnostics::testing {

config::Config simulatedCarConfig(const std::string& db_path) {
  config::Config c;
  c.vehicle.vin = kVin;
  c.vehicle.model = "sim-ev-75";
  c.vehicle.delivered = "2025-06-01";
  c.storage.path = db_path;
  c.report_period_days = 30;
  auto& sim = c.source.simulator;
  sim.seed = 7;
  // Inside the raw retention (30 days): every DTC sample is still there.
  sim.days = 28;
  // One fault that came and went, one that stays.
  sim.dtcs = {{"U0100", 3, 6}, {"P0A80", 20, -1}};
  return c;
}

bool fillFromSimulator(store::Store& store, const config::Config& config) {
  os::ManualClock clock(config.source.simulator.start_ms);
  pipeline::PipelineOptions options;
  options.vehicle = config.vehicle;
  options.report_period_days = config.report_period_days;
  options.maintenance = config.maintenance.table;
  options.engagement = config.engagement;
  pipeline::Pipeline pipeline(store, clock, options);
  vehicle::Simulator car(config.source.simulator);
  std::size_t n = 0;
  while (auto record = car.next()) {
    if (const auto ts = vehicle::timeOf(*record)) clock.set(*ts);
    if (!pipeline.feed(*record)) {
      std::cerr << "fillFromSimulator: the store failed at record " << n << "\n";
      return false;
    }
    if (++n % 20000 == 0 && !store.commit().ok()) return false;
  }
  if (auto last = pipeline.finish(); !last) {
    std::cerr << "fillFromSimulator: " << last.error().message << "\n";
    return false;
  }
  return store.commit().ok();
}

const SharedCache& sharedCache() {
  // Destroyed at exit: the store closes, then the folder goes.
  static const std::unique_ptr<SharedCache> cache = [] {
    auto c = std::make_unique<SharedCache>();
    c->config = simulatedCarConfig(c->dir.file("cache.db"));
    c->store = crm::testing::openTestStore(c->config.storage.path);
    if (c->store && !fillFromSimulator(*c->store, c->config)) c->store.reset();
    return c;
  }();
  return *cache;
}

}  // namespace crm::diagnostics::testing
