// Derived records the analytics write and the reports read: charging
// sessions, trips, capacity estimates, generated reports, and the workshop
// visits the CRM reports (service-record command). Column names are stable
// (on-disk schema v2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm::store {

struct ChargingSession {
  std::int64_t start_ms = 0, end_ms = 0;
  double start_soc = 0, end_soc = 0;  // percent
  double energy_kwh = 0;              // into the battery
  double peak_kw = 0, average_kw = 0;
  bool dc = false;                        // DC when ChargeCurrent.DC carried the current
  std::optional<double> pack_temp_max_c;  // null: the car reported no pack temperature
  bool interrupted = false;               // ended below the charge limit without the car being full
  bool inferred = false;  // charged while the agent was off: an SOC jump across a gap
};

struct Trip {
  std::int64_t start_ms = 0, end_ms = 0;
  double distance_km = 0;           // from the odometer
  double energy_kwh = 0;            // out of the battery
  std::optional<double> ambient_c;  // mean ambient temperature
};

// One independent capacity estimate from a charge or discharge window.
struct CapacityEstimate {
  std::int64_t ts_ms = 0;  // end of the window
  double capacity_kwh = 0;
  double soc_span = 0;  // SOC points the window covered (>= 30)
  std::optional<double> temperature_c;
};

struct StoredReport {
  std::int64_t id = 0;
  std::int64_t period_from = 0, period_to = 0, generated_ms = 0;
  std::string json;
  // Made on the CRM's request (report-request) rather than at the end of a
  // report period: such a report does not move the periodic schedule.
  bool on_request = false;
};

// A workshop visit, as the dealer reported it (service-record command).
struct ServiceRecord {
  std::string command_id;  // the command that reported it
  std::string visit_date;  // YYYY-MM-DD, the dealer's local date
  double odometer_km = 0;
  std::vector<std::string> items;  // maintenance items done (docs/contract.md §7 names)
  std::string dealer_id;
  std::int64_t received_ms = 0;
};

}  // namespace crm::store
