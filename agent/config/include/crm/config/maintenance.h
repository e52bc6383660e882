// Maintenance schedules per vehicle model (config/maintenance.json; format in
// docs/configuration.md). The report's service section counts each item from
// its last service record, or from delivery, against the model's table.
//
// Threading: plain values.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/result.h"
#include "crm/config/config_error.h"

namespace crm::config {

// The maintenance items the agent knows, as in the rule ids
// maintenance.<item> (contracts.md §7). Stable: they appear in reports,
// commands and the schedule file.
inline constexpr std::array<std::string_view, 5> kMaintenanceItems{
    "tire_rotation", "cabin_filter", "brake_fluid", "ac_desiccant", "annual_inspection"};
bool isMaintenanceItem(std::string_view name);

struct MaintenanceItem {
  std::string name;  // one of kMaintenanceItems
  // Due after this distance or this time since it was last done, whichever
  // comes first; at least one is set.
  std::optional<int> every_km;
  std::optional<int> every_months;
};

struct MaintenanceTable {
  // Model name -> its items, in kMaintenanceItems order. Always holds
  // "default", used for models the table does not name.
  std::map<std::string, std::vector<MaintenanceItem>> models;

  const std::vector<MaintenanceItem>& forModel(const std::string& model) const;
};

// Parses and validates a schedule. `origin` names the file in messages.
// On error: kInvalid with "<origin>: <key path>: <what was expected>".
Result<MaintenanceTable, ConfigError> parseMaintenance(std::string_view text,
                                                       const std::string& origin);
Result<MaintenanceTable, ConfigError> loadMaintenance(const std::string& path);

// The shipped config/maintenance.json, compiled in: the table in force when
// the configuration names no schedule file (or there is no configuration).
const MaintenanceTable& builtinMaintenance();

}  // namespace crm::config
