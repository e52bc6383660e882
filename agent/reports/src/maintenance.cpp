#include "crm/reports/maintenance.h"

#include <algorithm>

namespace crm::reports {

bool isMaintenanceItem(std::string_view name) {
  return std::find(kMaintenanceItems.begin(), kMaintenanceItems.end(), name) !=
         kMaintenanceItems.end();
}

const std::vector<MaintenanceItem>& MaintenanceTable::forModel(const std::string& model) const {
  if (auto it = models.find(model); it != models.end()) return it->second;
  if (auto it = models.find("default"); it != models.end()) return it->second;
  // Only a default-constructed table lacks "default" (parse guarantees it).
  static const std::vector<MaintenanceItem> kNone;
  return kNone;
}

}  // namespace crm::reports
