// What crm-agentctl takes from the daemon's configuration file and its
// own options: the configuration itself, where the API listens, and the
// technician token.
//
// Threading: no shared state.
#pragma once

#include <string>

#include "crm/config/config.h"
#include "ctl_error.h"
#include "http_client.h"
#include "options.h"

namespace crm::ctl {

struct Settings {
  config::Config config;  // the built-in defaults when no file was read
  std::string origin;     // the file read; empty: none
};

// The configuration named by --config, else kDefaultConfig when it exists,
// else the defaults, checked as strictly as the daemon checks it (every
// key, type and range: config::parseConfig) and with its maintenance
// schedule; relative paths are taken from the file's folder. The files
// only the daemon opens (TLS files, the token file's owner and mode) are
// not checked: the token is read when it is needed (readToken). kBadFile
// when a file is named or present but cannot be read or is not valid, with
// the loader's message (file, key, what was expected).
CtlResult<Settings> loadSettings(const CtlOptions& options);

// --url or --socket when given, else local_api.unix_socket, else
// local_api.address and port. kUsage for a bad --url.
CtlResult<Endpoint> endpointFor(const CtlOptions& options, const config::Config& config);

// The token file: --token-file, else local_api.technician_token_file.
// kUsage when neither names one.
CtlResult<std::string> tokenFileFor(const CtlOptions& options, const Settings& settings);

// The token in `path`, without surrounding white space. kBadFile when the
// file cannot be read ("... : Permission denied (the token file is for
// root)") or holds no token.
CtlResult<std::string> readToken(const std::string& path);

}  // namespace crm::ctl
