// The one mapping from the configuration file to the components' own
// options: the daemon, replay and simulate take it from here, so that they
// cannot drift apart. Only this program layer links crm_config.
#pragma once

#include <string>

#include "crm/config/config.h"
#include "crm/pipeline/pipeline.h"
#include "crm/store/store.h"

namespace crm::daemon {

// How much a commit costs and guarantees: the car's cache survives power
// cuts (fsync per commit, as configured); a replay's cache is rebuilt by
// running it again, so it skips the fsync.
enum class Durability : std::uint8_t { kAsConfigured, kRepeatable };

store::StoreOptions storeOptions(const config::Config& config, std::string path,
                                 Durability durability);

pipeline::PipelineOptions pipelineOptions(const config::Config& config,
                                          telemetry::Ingest::VinFrom vin_from);

}  // namespace crm::daemon
