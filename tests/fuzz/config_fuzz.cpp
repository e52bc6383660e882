// libFuzzer target: configuration text through parseConfig, and the same
// bytes as a maintenance schedule through parseMaintenance. A refusal must
// name the file; an accepted configuration must hold only values in their
// documented ranges (checked for the times and dates, the class of values
// whose overflow this target was written for).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crm/common/input_limits.h"
#include "crm/config/config.h"
#include "crm/config/maintenance.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = crm::config::parseConfig(text, "fuzz.json");
  if (config) {
    require(crm::input::isPlausibleDate(config->vehicle.delivered));
    require(crm::input::isPlausibleTimeMs(config->source.simulator.start_ms));
    require(config->mqtt.reconnect_min_ms <= config->mqtt.reconnect_max_ms);
  } else {
    require(config.error().message.rfind("fuzz.json", 0) == 0);
  }
  const auto table = crm::config::parseMaintenance(text, "fuzz.json");
  if (table) {
    require(table->models.contains("default"));
  } else {
    require(table.error().message.rfind("fuzz.json", 0) == 0);
  }
  return 0;
}
