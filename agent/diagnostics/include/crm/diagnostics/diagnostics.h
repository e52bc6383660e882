// The technician's views of the agent (docs/local-api.md, "Technician
// API"): the data resources, the fault list and what each one holds, as
// JSON. Pure functions over the store's const seams and the configuration,
// so the running daemon (the /sovd routes) and crm-agentctl's offline mode
// (--db FILE, a copied cache) give the same answers from the same file;
// only Runtime, which a running daemon alone knows, differs.
//
// Every figure that the health report also shows is built by the report's
// own code (crm/reports) over the same period, with the same rounding.
//
// Threading: one thread (the store's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crm/common/result.h"
#include "crm/config/config.h"
#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::diagnostics {

// Stable: the agent's version and the contract it speaks, as the version
// resource and status show them.
extern const char* const kAgentVersion;  // the CMake project's version, e.g. "0.1.0"
inline constexpr const char* kContract = "crm.v1";

enum class DiagnosticsError : std::uint8_t {
  kRead,  // a store read failed: nothing shown (the API answers 503 unavailable)
};

// What only a running daemon knows; offline, all nullopt (JSON null).
struct Runtime {
  std::optional<std::int64_t> started_ms;  // wall clock at start-up
  std::optional<bool> broker_connected;
  std::optional<std::int64_t> last_ack_ms;  // the broker's last PUBACK of an outbox message
};

struct Sources {
  const store::Reader& store;
  const store::PromptLedger& prompts;
  // The running (or the copied car's) configuration. storage.path names the
  // cache file whose size status shows; storage.quota_mib its quota.
  const config::Config& config;
  std::int64_t now_ms = 0;  // wall clock
  Runtime runtime;
  std::string source = "daemon";  // "daemon" | "offline" (status.source)
  // The car as its source described it (the daemon's pipeline knows the
  // model and capacity a simulator or recording gave); nullopt: config.vehicle.
  std::optional<vehicle::VehicleInfo> vehicle;
};

struct DataItem {
  std::string id;        // stable: the path segment (data/{id})
  std::string name;      // for people
  std::string category;  // SOVD's: currentData | storedData | identData | sysInfo
};

// Every data resource, in the order of the list: status, battery-health,
// charging-habits, mileage, prompts, outbox, storage, version, config.
const std::vector<DataItem>& dataItems();

// The `data` object of resource `id` (shapes in docs/local-api.md, schemas
// in docs/local-api/schemas/). nullopt: no resource `id`. A failed store
// read is kRead naming it, never a view with data missing.
//
// Views over a period (battery-health, charging-habits, mileage, the
// prompt counts) cover the report period (reports.period_days) ending at
// the car's newest sample, as a report requested now would.
Result<std::optional<nlohmann::json>, DiagnosticsError> readData(std::string_view id,
                                                                 const Sources& sources);

struct FaultFilter {
  bool active_only = false;
  std::string code_prefix;  // "": every code; else codes starting with it (as given)
};

// {"items": [{"code", "first_seen_ms", "last_seen_ms", "status": "active"|"cleared"}]}
// sorted by code: every DTC of the Vehicle.Diagnostics.DTCList samples the
// cache still holds (its raw retention), found as the health report finds
// its faults. A failed read is kRead.
Result<nlohmann::json, DiagnosticsError> faults(const Sources& sources, const FaultFilter& filter);

// The configuration as JSON in the configuration file's shape, for the
// config resource: secrets never appear (the TLS key file's path shows as
// "<redacted>"; no file's contents are read).
nlohmann::json configJson(const config::Config& config);

}  // namespace crm::diagnostics
