// crm-agentctl's command line (CLI11): global options, one subcommand, the
// subcommand's options. `--help` works on the program and on every command.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace crm::ctl {

// Where the daemon's configuration is installed (config/crm-agent.service).
inline constexpr const char* kDefaultConfig = "/etc/crm-agent/agent.json";

enum class Command : std::uint8_t {
  kStatus,
  kBattery,
  kCharging,
  kMileage,
  kFaults,
  kPrompts,
  kOutbox,
  kStorage,
  kConfig,
  kVersion,
  kReport,
  kSyncNow,
  kExport,
  kErase,
};

struct CtlOptions {
  // --config: the daemon's configuration file. Empty: kDefaultConfig when
  // it exists, else the built-in defaults (127.0.0.1:8790).
  std::string config_path;
  std::string url;         // --url http://HOST:PORT: overrides local_api.address/port
  std::string socket;      // --socket PATH: overrides local_api.unix_socket
  std::string token_file;  // --token-file: overrides local_api.technician_token_file
  std::string db;          // --db FILE: offline, from a copy of this cache file
  bool json = false;       // --json: the API's JSON instead of the human form
  // --timeout: the longest one request, or an operation's run, may take.
  // 10 s: a report on years of data takes well under a second; a daemon
  // that is busier than that is stuck, and the technician should know.
  double timeout_s = 10;

  Command command = Command::kStatus;
  bool active_only = false;  // faults --active
  std::string code_prefix;   // faults --code
  std::string html_file;     // report --html
  std::string export_file;   // export FILE
  bool yes = false;          // erase --yes
};

struct ParsedArgs {
  std::optional<CtlOptions> options;  // set when a command is to run
  int exit_code = 0;                  // otherwise: 0 after --help, 2 after a usage error
};

// Parses the command line. --help and usage errors are printed here (help
// to `out`, errors to `err`) and end the program with exit_code.
ParsedArgs parseArgs(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace crm::ctl
