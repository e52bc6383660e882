// Maintenance schedules per vehicle model (config/maintenance.json; format in
// docs/configuration.md). The report's service section counts each item from
// its last service record, or from delivery, against the model's table.
//
// Threading: plain values.
#pragma once

#include <string>
#include <string_view>

#include "crm/common/result.h"
#include "crm/config/config_error.h"
#include "crm/reports/maintenance.h"

namespace crm::config {

using reports::isMaintenanceItem;
using reports::kMaintenanceItems;
using reports::MaintenanceItem;
using reports::MaintenanceTable;

// Parses and validates a schedule. `origin` names the file in messages.
// On error: kInvalid with "<origin>: <key path>: <what was expected>".
Result<MaintenanceTable, ConfigError> parseMaintenance(std::string_view text,
                                                       const std::string& origin);
Result<MaintenanceTable, ConfigError> loadMaintenance(const std::string& path);

// The shipped config/maintenance.json, compiled in: the table in force when
// the configuration names no schedule file (or there is no configuration).
const MaintenanceTable& builtinMaintenance();

}  // namespace crm::config
