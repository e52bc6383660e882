// crm-agentctl: the technician's and developer's look into crm-agent,
// through its technician API or, offline, a copy of its cache.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "commands.h"
#include "crm/common/log.h"
#include "http_source.h"
#include "offline_source.h"
#include "settings.h"

namespace {

using namespace crm::ctl;

std::optional<std::string> askOnTerminal(std::string_view question) {
  if (::isatty(STDIN_FILENO) == 0) return std::nullopt;
  std::cerr << question << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return std::nullopt;
  return answer;
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CtlResult<std::unique_ptr<Source>> openSource(const CtlOptions& options, const Settings& settings) {
  if (!options.db.empty()) return openOffline(options.db, settings.config);
  auto endpoint = endpointFor(options, settings.config);
  if (!endpoint) return endpoint.error();
  auto token_file = tokenFileFor(options, settings);
  if (!token_file) return token_file.error();
  auto token = readToken(*token_file);
  if (!token) return token.error();
  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.timeout_s * 1000));
  return std::unique_ptr<Source>(
      std::make_unique<HttpSource>(std::move(endpoint).value(), std::move(token).value(), timeout));
}

int failed(const crm::Error<CtlError>& error) {
  std::cerr << "crm-agentctl: " << error.message << "\n";
  return exitCode(error.code);
}

}  // namespace

int main(int argc, char** argv) {
  // `crm-agentctl status | head` must not die of a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);
  auto parsed = parseArgs(argc, argv, std::cout, std::cerr);
  if (!parsed.options) return parsed.exit_code;
  const CtlOptions& options = *parsed.options;
  // The store and the loader report through CtlErrors; their log lines
  // (meant for the daemon's journal) would only repeat them.
  crm::log::init("off");

  auto settings = loadSettings(options);
  if (!settings) return failed(settings.error());
  auto source = openSource(options, *settings);
  if (!source) return failed(source.error());
  Console console{std::cout, std::cerr, askOnTerminal, wallMs,
                  [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }};
  if (auto st = runCommand(options, **source, console); !st) return failed(st.error());
  std::cout.flush();
  return std::cout.good() ? 0 : 1;
}
