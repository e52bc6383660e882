// crm-agentctl's error codes and the process exit code each one gives
// (the programs' contract: 0 success, 1 runtime failure, 2 bad usage, bad
// configuration or a bad input file).
//
// Threading: plain values.
#pragma once

#include <cstdint>

#include "crm/common/result.h"

namespace crm::ctl {

enum class CtlError : std::uint8_t {
  kUsage,        // bad arguments, or a command this mode cannot run: exit 2
  kBadFile,      // a configuration, token or cache file that cannot be used: exit 2
  kUnreachable,  // the daemon does not answer (not running, timed out): exit 1
  kRefused,      // the technician token was refused (401): exit 1
  kFailed,       // the daemon or the store answered with an error: exit 1
};

constexpr int exitCode(CtlError e) {
  return e == CtlError::kUsage || e == CtlError::kBadFile ? 2 : 1;
}

template <class T>
using CtlResult = Result<T, CtlError>;
using CtlStatus = Status<CtlError>;

}  // namespace crm::ctl
