// Report sections computed here rather than in analytics: they are simple
// reads of roll-ups and raw samples. Private to the reports component.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/analytics/health.h"
#include "crm/reports/maintenance.h"
#include "crm/reports/report.h"
#include "crm/reports/report_sections.h"
#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::reports {

LowVoltageSection lowVoltageSection(const store::Reader& store, analytics::Period period);
// Not among docs/contract.md §4's keys (an addition): pads, fluid and status.
BrakesSection brakesSection(const store::Reader& store, analytics::Period period);
TyresSection tyresSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                          analytics::Period period);
// Service items due per the model's schedule and the stored service records;
// `now_ms` is the end of the report period (exclusive).
ServiceSection serviceSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                              const MaintenanceTable& maintenance,
                              std::optional<double> odometer_km, std::int64_t now_ms);
DataQualitySection dataQualitySection(const store::Reader& store, analytics::Period period);

// Daily roll-ups of one signal over the period, oldest first.
std::vector<store::Rollup> dailySeries(const store::Reader& store, vehicle::SignalId signal,
                                       analytics::Period period);

// Rounds to `decimals` places (nearest double to the decimal: prints short).
// Negative `decimals` round to tens, hundreds...
double roundTo(double v, int decimals);
std::optional<double> roundTo(const std::optional<double>& v, int decimals);

}  // namespace crm::reports
