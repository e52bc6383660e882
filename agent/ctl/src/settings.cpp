#include "settings.h"

#include <filesystem>

#include "crm/common/input_limits.h"
#include "crm/common/small_file.h"
#include "crm/config/maintenance.h"

namespace crm::ctl {
namespace {

// As the loader does: relative to the configuration file's folder.
void resolveRelative(std::string& p, const std::filesystem::path& base) {
  if (!p.empty() && std::filesystem::path(p).is_relative()) {
    p = (base / p).lexically_normal().string();
  }
}

}  // namespace

CtlResult<Settings> loadSettings(const CtlOptions& options) {
  Settings s;
  std::string path = options.config_path;
  if (path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(kDefaultConfig, ec)) return s;
    path = kDefaultConfig;
  }
  // Not config::loadConfig: that also checks the files only the daemon
  // opens (TLS files, the token file's owner against this process's user),
  // which a technician's user, or another machine reading a car's
  // configuration offline, need not pass. The text is checked as strictly
  // (parseConfig: every key, type and range, the same messages).
  auto text = readSmallFile(path, input::kMaxConfigBytes);
  if (!text) {
    return fail(CtlError::kBadFile,
                text.error().message + " (the configuration file could not be read)");
  }
  auto parsed = config::parseConfig(*text, path);
  if (!parsed) return fail(CtlError::kBadFile, parsed.error().message);
  s.config = std::move(parsed).value();
  const auto base = std::filesystem::path(path).parent_path();
  resolveRelative(s.config.storage.path, base);
  resolveRelative(s.config.maintenance.schedule, base);
  resolveRelative(s.config.local_api.technician_token_file, base);
  if (!s.config.maintenance.schedule.empty()) {
    // Offline reports count service items from it.
    auto table = config::loadMaintenance(s.config.maintenance.schedule);
    if (!table) {
      // Named by its own file when it is bad, by the key when it is missing.
      return fail(CtlError::kBadFile,
                  table.error().code == config::ConfigError::kCannotRead
                      ? path + ": maintenance.schedule: " + table.error().message
                      : table.error().message);
    }
    s.config.maintenance.table = std::move(table).value();
  }
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
