// Runs one crm-agentctl command against a Source and prints its output:
// the human form (render.h) or, with --json, the API's JSON document: a
// read's `data` object, the faults list, an operation's completed
// execution. `export --json` prints the execution with, in place of the
// document (personal data, written to FILE only), {"file", "bytes"}.
//
// Threading: one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "ctl_error.h"
#include "options.h"
#include "source.h"

namespace crm::ctl {

// The program's surroundings, passed in so that tests can play the
// terminal and the clock.
struct Console {
  std::ostream& out;  // results
  std::ostream& err;  // questions and progress
  // Shows `question` and reads one line from the terminal; nullopt when
  // there is no terminal to ask (stdin is not a tty) or it was closed.
  std::function<std::optional<std::string>(std::string_view question)> ask;
  std::function<std::int64_t()> now_ms;  // the wall clock, epoch ms
  std::function<void(std::chrono::milliseconds)> sleep;
};

// The question `erase` asks before it erases anything.
inline constexpr std::string_view kEraseQuestion =
    "Erase all personal data (prompt history, trips, locations, profile, appointments) "
    "from this car? The vehicle's technical history stays. This cannot be undone. Type yes: ";

// Stable: the technician API's data and operation ids the commands use.
std::string_view dataId(Command command);

// Runs `options.command`. Errors carry the message to print; the exit code
// is exitCode(error.code).
CtlStatus runCommand(const CtlOptions& options, Source& source, Console& console);

// Starts `op` and polls its execution every 100 ms until it completes
// (the completed execution), fails (kFailed with the daemon's error) or
// `timeout` passes (kFailed).
CtlResult<nlohmann::json> runOperation(Source& source, std::string_view op,
                                       const nlohmann::json& body,
                                       std::chrono::milliseconds timeout, Console& console);

}  // namespace crm::ctl
