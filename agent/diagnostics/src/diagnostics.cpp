// The data resources' list and the dispatch by id.
#include "crm/diagnostics/diagnostics.h"

#include <algorithm>

#include "common.h"
#include "crm/common/log.h"

namespace crm::diagnostics {

// The CMake project's version (compile definition).
const char* const kAgentVersion = CRM_AGENT_VERSION;

const vehicle::VehicleInfo& vehicleOf(const Sources& sources) {
  return sources.vehicle ? *sources.vehicle : sources.config.vehicle;
}

analytics::Period reportPeriod(const Sources& sources) {
  // The car's "now" as its data knows it: a simulated or replayed car runs
  // ahead of (or behind) the wall clock, and a copied cache is old.
  const auto newest = sources.store.newestSampleMs();
  const std::int64_t end = newest ? *newest + 1 : sources.now_ms;
  return {end - std::int64_t{sources.config.report_period_days} * 86'400'000, end};
}

json periodJson(analytics::Period period) {
  return {{"from_ms", period.from_ms}, {"to_ms", period.to_ms}};
}

void clearStaleReadError(const store::Reader& store) {
  if (auto stale = store.takeReadError())
    log::warn("diagnostics: an earlier read had failed: {}", *stale);
}

Status<DiagnosticsError> checkReads(const store::Reader& store, std::string_view what) {
  if (auto failed = store.takeReadError()) {
    return fail(DiagnosticsError::kRead, std::string(what) + ": a read failed: " + *failed);
  }
  return {};
}

const std::vector<DataItem>& dataItems() {
  static const std::vector<DataItem> kItems = {
      {"status", "Agent status", "currentData"},
      {"battery-health", "Battery health", "currentData"},
      {"charging-habits", "Charging habits", "storedData"},
      {"mileage", "Mileage", "currentData"},
      {"prompts", "Driver prompts", "storedData"},
      {"outbox", "Outbox", "sysInfo"},
      {"storage", "Storage", "sysInfo"},
      {"version", "Version", "identData"},
      {"config", "Configuration", "sysInfo"},
  };
  return kItems;
}

Result<std::optional<json>, DiagnosticsError> readData(std::string_view id,
                                                       const Sources& sources) {
  using Reader = Result<json, DiagnosticsError> (*)(const Sources&);
  static const std::pair<std::string_view, Reader> kReaders[] = {
      {"status", statusData},
      {"battery-health", batteryData},
      {"charging-habits", chargingData},
      {"mileage", mileageData},
      {"prompts", promptsData},
      {"outbox", outboxData},
      {"storage", storageData},
      {"version", versionData},
      {"config",
       [](const Sources& s) -> Result<json, DiagnosticsError> { return configJson(s.config); }}};
  const auto* it = std::find_if(std::begin(kReaders), std::end(kReaders),
                                [&](const auto& entry) { return entry.first == id; });
  if (it == std::end(kReaders)) return std::optional<json>();
  clearStaleReadError(sources.store);
  auto data = it->second(sources);
  if (!data) return data.error();
  return std::optional<json>(std::move(data).value());
}

}  // namespace crm::diagnostics
