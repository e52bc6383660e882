// Shared by the diagnostics views. Private to the component.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "crm/analytics/health.h"
#include "crm/common/result.h"
#include "crm/diagnostics/diagnostics.h"
#include "crm/reports/report.h"

namespace crm::diagnostics {

using nlohmann::json;

template <typename T>
json orNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// The car the views describe: the source's, else the configuration's.
const vehicle::VehicleInfo& vehicleOf(const Sources& sources);

// The report period ending at the car's newest sample (the wall clock's now
// without any), as a report requested now would cover it.
analytics::Period reportPeriod(const Sources& sources);

json periodJson(analytics::Period period);

// Clears a read failure left by someone else's earlier read (logged), so
// that what follows is judged by its own reads only.
void clearStaleReadError(const store::Reader& store);
// kRead when a read since clearStaleReadError() failed.
Status<DiagnosticsError> checkReads(const store::Reader& store, std::string_view what);

// Every DTC the cache's raw samples still show, as the report finds them
// (faults.cpp). Read failures latch in the store.
std::vector<reports::Fault> faultHistory(const Sources& sources);

// The per-view readers (views.cpp, stored.cpp); each returns the `data` object.
Result<json, DiagnosticsError> statusData(const Sources& sources);
Result<json, DiagnosticsError> batteryData(const Sources& sources);
Result<json, DiagnosticsError> chargingData(const Sources& sources);
Result<json, DiagnosticsError> mileageData(const Sources& sources);
Result<json, DiagnosticsError> promptsData(const Sources& sources);
Result<json, DiagnosticsError> outboxData(const Sources& sources);
Result<json, DiagnosticsError> storageData(const Sources& sources);
Result<json, DiagnosticsError> versionData(const Sources& sources);

}  // namespace crm::diagnostics
