// Entry points of the crm-agent program's modes (docs/contract.md §1). Each
// returns the process exit code: 0 success, 1 runtime failure, 2 bad usage,
// configuration or input, with a message naming the file, line or key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace crm::daemon {

struct DaemonOptions {
  std::string config_path;
  // Stop cleanly when the vehicle source has no more data (demos and tests;
  // a real car's source never ends).
  bool until_source_ends = false;
};
int runDaemon(const DaemonOptions& options);

struct ReplayOptions {
  std::string recording;
  std::string out_dir;
  std::optional<std::string> config_path;
  std::optional<std::string> state_dir;  // keeps the cache between runs
  bool strict = false;
};
int runReplay(const ReplayOptions& options);

struct SimulateOptions {
  std::optional<std::string> out;          // recording to write
  std::optional<std::string> replay_dir;   // run it through the pipeline, outputs here
  std::optional<std::string> truth;        // ground truth JSON to write
  std::optional<std::string> config_path;  // simulator settings from a config file
  std::optional<std::string> profile;
  std::optional<double> days;
  std::optional<std::uint64_t> seed;
};
int runSimulate(const SimulateOptions& options);

// Prints the message kinds of this agent version (topic, schema, priority,
// retain, time-to-live) as JSON.
int runContract();

}  // namespace crm::daemon
