#include "crm/common/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace crm::log {

void init(std::string_view level) {
  spdlog::drop("crm-agent");  // init() may run again on SIGHUP or in tests
  auto logger = spdlog::stderr_logger_mt("crm-agent");
  // systemd adds its own timestamps to the journal, but replay and tests run
  // outside it, so keep ours: ISO time, level, message.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  auto parsed = spdlog::level::from_str(std::string(level));
  logger->set_level(parsed == spdlog::level::off && level != "off" ? spdlog::level::info : parsed);
  spdlog::set_default_logger(logger);
}

}  // namespace crm::log
