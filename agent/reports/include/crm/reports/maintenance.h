// Maintenance schedules per vehicle model: what the report's service section
// counts each item against (from its last workshop visit, or from delivery).
// The configuration reads them from config/maintenance.json.
//
// Threading: plain values.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm::reports {

// The maintenance items the agent knows, as in the rule ids
// maintenance.<item> (docs/contract.md §7). Stable: they appear in reports,
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
  // Model name -> its items, in kMaintenanceItems order. A parsed table
  // always holds "default", used for models the table does not name.
  std::map<std::string, std::vector<MaintenanceItem>> models;

  const std::vector<MaintenanceItem>& forModel(const std::string& model) const;
};

}  // namespace crm::reports
