// Sections of the health report built alone, for a view that needs one or
// two of them rather than the whole report (the technician's status and
// fault list): the same code and rounding as buildHealthReport, so both
// show the same figures.
//
// Threading: one thread. A failed read shows as missing data, as in
// buildHealthReport: check store.takeReadError() afterwards.
#pragma once

#include <optional>
#include <vector>

#include "crm/analytics/health.h"
#include "crm/reports/report.h"
#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::reports {

// The report's battery{} over `period`.
BatterySection batteryReportSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                                    analytics::Period period);

// The report's vehicle.odometer_km: the last reading before the period's
// end, in km to 0.1; nullopt without one.
std::optional<double> reportOdometerKm(const store::Reader& store, analytics::Period period);

// The report's faults[]: every DTC listed in the period (and the list
// standing at its start), sorted by code; `active` when in the last list.
std::vector<Fault> faultsSection(const store::Reader& store, analytics::Period period);

}  // namespace crm::reports
