#include "settings.h"

#include <filesystem>

#include "crm/common/small_file.h"

namespace crm::ctl {

CtlResult<Settings> loadSettings(const CtlOptions& options) {
  Settings s;
  std::string path = options.config_path;
  if (path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(kDefaultConfig, ec)) return s;
    path = kDefaultConfig;
  }
  auto loaded = config::loadConfig(path);
  if (!loaded) return fail(CtlError::kBadFile, loaded.error().message);
  s.config = std::move(loaded).value();
  s.origin = path;
  return s;
}

CtlResult<Endpoint> endpointFor(const CtlOptions& options, const config::Config& config) {
  if (!options.url.empty()) return parseUrl(options.url);
  Endpoint e;
  if (!options.socket.empty()) {
    e.unix_socket = options.socket;
    return e;
  }
  if (!config.local_api.unix_socket.empty()) {
    e.unix_socket = config.local_api.unix_socket;
    return e;
  }
  e.host = config.local_api.address == "localhost" ? "127.0.0.1" : config.local_api.address;
  e.port = config.local_api.port;
  return e;
}

CtlResult<std::string> tokenFileFor(const CtlOptions& options, const Settings& settings) {
  if (!options.token_file.empty()) return options.token_file;
  if (!settings.config.local_api.technician_token_file.empty()) {
    return settings.config.local_api.technician_token_file;
  }
  return fail(CtlError::kUsage,
              "no technician token: pass --token-file FILE" +
                  (settings.origin.empty()
                       ? std::string(" (no configuration file was read)")
                       : " (" + settings.origin + " sets no local_api.technician_token_file)"));
}

CtlResult<std::string> readToken(const std::string& path) {
  // A token is a line of text; 4 KiB is far more than any token.
  auto text = readSmallFile(path, 4096);
  if (!text) {
    std::string message = "the technician token file " + text.error().message;
    if (text.error().code == FileError::kUnreadable)
      message += " (the token file is meant for root: run as root?)";
    return fail(CtlError::kBadFile, message);
  }
  std::string token = std::move(text).value();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return fail(CtlError::kBadFile, "the technician token file " + path + " holds no token");
  }
  const auto last = token.find_last_not_of(" \t\r\n");
  return token.substr(first, last - first + 1);
}

}  // namespace crm::ctl
