// A cache as the daemon leaves it: the simulated car driven through the
// pipeline into a real SQLite store, committed in batches.
#pragma once

#include <memory>
#include <string>

#include "crm/config/config.h"
#include "crm/diagnostics/diagnostics.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/simulator_config.h"

namespace crm::diagnostics::testing {

inline constexpr char kVin[] = "LRW3E7EK5NC000001";

// The configuration of the simulated car; storage.path is `db_path`.
config::Config simulatedCarConfig(const std::string& db_path);

// Runs `config.source.simulator` to its end through the pipeline into
// `store`, then closes the data as a finite source does (its last day and
// report). Returns false (and prints why) when the store failed.
bool fillFromSimulator(store::Store& store, const config::Config& config);

// One simulated cache per test program, filled at first use (a month of a
// car takes seconds) and read by every test; tests that write make their own.
struct SharedCache {
  crm::testing::TempDir dir;
  config::Config config;
  std::unique_ptr<store::Store> store;  // null when filling failed

  // Sources over it as crm-agentctl's offline mode gives them.
  Sources offline(std::int64_t now_ms) const {
    return Sources{*store, *store, config, now_ms, {}, "offline", std::nullopt};
  }
};
const SharedCache& sharedCache();

}  // namespace crm::diagnostics::testing
