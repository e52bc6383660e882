// Report sections computed here rather than in analytics: they are simple
// reads of roll-ups and raw samples. Private to the reports component.
#pragma once

#include <nlohmann/json.hpp>

#include "crm/analytics/health.h"
#include "crm/config/config.h"
#include "crm/store/store.h"

namespace crm::reports {

nlohmann::json lowVoltageSection(store::Store& store, analytics::Period period);
// Not among contracts.md §4's keys (an addition): pads, fluid and status.
nlohmann::json brakesSection(store::Store& store, analytics::Period period);
nlohmann::json tyresSection(store::Store& store, const config::VehicleConfig& vehicle,
                            analytics::Period period);
nlohmann::json faultsSection(store::Store& store, analytics::Period period);
// Service items due per the model's schedule and the stored service records;
// `now_ms` is the end of the report period (exclusive).
nlohmann::json serviceSection(store::Store& store, const config::VehicleConfig& vehicle,
                              const config::MaintenanceTable& maintenance,
                              std::optional<double> odometer_km, std::int64_t now_ms);
nlohmann::json dataQualitySection(store::Store& store, analytics::Period period,
                                  std::optional<std::uint64_t> rejected);

// Daily roll-ups of one signal over the period, oldest first.
std::vector<store::Rollup> dailySeries(store::Store& store, vehicle::SignalId signal,
                                       analytics::Period period);

// Rounds to `decimals` places (nearest double to the decimal: prints short).
double roundTo(double v, int decimals);
// The rounded value, or JSON null when there is none.
nlohmann::json orNull(const std::optional<double>& v, int decimals);

}  // namespace crm::reports
