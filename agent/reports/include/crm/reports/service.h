// The service section of the health report (docs/contract.md §4): when each
// maintenance item of the car's model is due, counted from its last service
// record or else from delivery, and the customer's visit-based status
// (docs/domain-facts.md §1). Pure calendar arithmetic on local dates "YYYY-MM-DD".
//
// Threading: plain functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/reports/maintenance.h"
#include "crm/store/records.h"

namespace crm::reports {

struct DueItem {
  std::string item;
  std::optional<double> due_in_km;          // null: no km interval, or no odometer
  std::optional<std::int64_t> due_in_days;  // null: no time interval, or no start date
  bool overdue = false;                     // either figure below zero
};

struct ServiceStatus {
  std::vector<DueItem> due;
  std::optional<std::string> last_visit;  // YYYY-MM-DD
  int visits_12_months = 0;
  std::string customer_status;  // active | swing | drifting | lost | new
};

// `visits`: every service record (any order); those dated after `today` are
// ignored, as a report describes its period. `delivered` may be empty or
// malformed (then time-based items and "new" cannot be judged).
// `odometer_km`: the car's odometer at `today`, if known.
ServiceStatus serviceStatus(const std::vector<MaintenanceItem>& schedule,
                            const std::vector<store::ServiceRecord>& visits,
                            const std::string& delivered, std::optional<double> odometer_km,
                            const std::string& today);

// Visit-based status (docs/domain-facts.md §1) from the visit dates; see
// docs/commands.md for the edges the source leaves open.
std::string customerStatus(const std::vector<std::string>& visit_dates,
                           const std::string& delivered, const std::string& today);

}  // namespace crm::reports
