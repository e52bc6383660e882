// Report sections computed here rather than in analytics: they are simple
// reads of roll-ups and raw samples. Private to the reports component.
#pragma once

#include <nlohmann/json.hpp>

#include "crm/analytics/health.h"
#include "crm/reports/maintenance.h"
#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::reports {

nlohmann::json lowVoltageSection(const store::Reader& store, analytics::Period period);
// Not among contracts.md §4's keys (an addition): pads, fluid and status.
nlohmann::json brakesSection(const store::Reader& store, analytics::Period period);
nlohmann::json tyresSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                            analytics::Period period);
nlohmann::json faultsSection(const store::Reader& store, analytics::Period period);
// Service items due per the model's schedule and the stored service records;
// `now_ms` is the end of the report period (exclusive).
nlohmann::json serviceSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                              const MaintenanceTable& maintenance,
                              std::optional<double> odometer_km, std::int64_t now_ms);
nlohmann::json dataQualitySection(const store::Reader& store, analytics::Period period,
                                  std::optional<std::uint64_t> rejected);

// Daily roll-ups of one signal over the period, oldest first.
std::vector<store::Rollup> dailySeries(const store::Reader& store, vehicle::SignalId signal,
                                       analytics::Period period);

// Rounds to `decimals` places (nearest double to the decimal: prints short).
double roundTo(double v, int decimals);
// The rounded value, or JSON null when there is none.
nlohmann::json orNull(const std::optional<double>& v, int decimals);

}  // namespace crm::reports
