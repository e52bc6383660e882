// The offline run behind `crm-agent replay` and `crm-agent simulate
// --replay`: a finite vehicle source through the pipeline as fast as it goes,
// on the source's own time, writing the outputs of docs/contract.md §3
// (outbox.jsonl, report.json, report.html) and a JSON summary on stdout.
#pragma once

#include <optional>
#include <string>

#include "crm/config/config.h"
#include "crm/vehicle/vehicle_source.h"

namespace crm::daemon {

struct OfflineOptions {
  std::string input;  // names the source in messages: the recording's path
  std::string out_dir;
  std::optional<std::string> state_dir;  // keeps the cache between runs
  bool strict = false;                   // the first bad line ends the run (exit 2)
};

// Returns the process exit code (docs/contract.md §1).
int runOffline(vehicle::VehicleSource& source, const config::Config& config,
               const OfflineOptions& options);

}  // namespace crm::daemon
