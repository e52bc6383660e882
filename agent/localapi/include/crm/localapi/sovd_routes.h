// The technician's API under /sovd, shaped like ASAM SOVD
// (docs/local-api.md, "Technician API"); P = /sovd/v1/components/crm-agent:
//   GET  /sovd/v1/components                    the one component
//   GET  P/data                                 the data resources
//   GET  P/data/{id}                            {"id", "data"}
//   GET  P/faults[?status=active|all][&code=X]  the fault list
//   POST P/operations/{op}/executions           start: 202 + Location
//   GET  P/operations/{op}/executions/{id}      the execution
//
// Every request must carry `Authorization: Bearer <token>`. Without the
// right token the answer is 401 unauthorized with WWW-Authenticate: Bearer
// and nothing else: not whether the path exists, nor which methods it
// takes. The token is compared in constant time.
//
// The table keeps the last kMaxExecutions executions in memory; one more
// drops the oldest finished one (all running: 503 busy).
//
// Threading: like Routes, on the server's loop.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "crm/common/result.h"
#include "crm/localapi/routes.h"
#include "crm/localapi/sovd_backend.h"

namespace crm::localapi {

// Stable: the mount point and the component's path.
inline constexpr std::string_view kSovdPrefix = "/sovd";
inline constexpr std::string_view kSovdComponentPath = "/sovd/v1/components/crm-agent";
inline constexpr std::size_t kMaxExecutions = 16;
// A token shorter than this is refused at start-up: the API answers
// anyone on loopback, and a short token is guessed.
inline constexpr std::size_t kMinTokenBytes = 16;

// `backend` must outlive the table. REQUIRES: `token` as readTokenFile()
// returns it (non-empty).
std::unique_ptr<Routes> makeSovdRoutes(SovdBackend& backend, std::string token);

// Mount{kSovdPrefix, makeSovdRoutes(backend, token)}.
Mount sovdMount(SovdBackend& backend, std::string token);

enum class TokenError : std::uint8_t {
  kMissing,     // no such file
  kNotRegular,  // a folder, device, FIFO, socket (a symlink is followed)
  kLoose,       // group or others have some permission on it
  kUnreadable,  // cannot be read (permissions, I/O)
  kBad,         // empty, too short, too long, or not one line of printable ASCII
};

// Checks the technician token file without reading it: a regular file whose
// mode gives group and others nothing (0600 or 0400). The message names the
// file and, for kLoose, its mode ("... has mode 0644; ...").
Status<TokenError> checkTokenFile(const std::string& path);

// checkTokenFile, then the token: the file's one line without its line
// break, kMinTokenBytes to 256 bytes of printable ASCII without spaces.
Result<std::string, TokenError> readTokenFile(const std::string& path);

}  // namespace crm::localapi
