// Making the vehicle health report (report.h, docs/contract.md §4) and the
// chart series of its HTML page. Built from the store's records and roll-ups
// through the analytics summaries, so its cost grows with the period
// reported, not with the car's age.
//
// Threading: one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crm/analytics/health.h"
#include "crm/common/result.h"
#include "crm/reports/chart_data.h"
#include "crm/reports/maintenance.h"
#include "crm/reports/report.h"
#include "crm/store/store.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::reports {

// What the store does not know.
struct ReportContext {
  // Maintenance schedules (from the configuration); null: none known, and
  // the service section says so.
  // Must outlive the call.
  const MaintenanceTable* maintenance = nullptr;
  // Made on the CRM's request (report-request), not at a period's end: stored
  // as such, so it does not move the periodic schedule (reportDue).
  bool on_request = false;
  // The prompt history, for the prompts{} counts; null: the counts are null
  // (no engagement in this run).
  const store::PromptLedger* prompts = nullptr;
};

// The report for `period`. A failed read shows as missing data here: check
// store.takeReadError() afterwards (generateReport does).
HealthReport buildHealthReport(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                               analytics::Period period, const ReportContext& context);

// The series behind the HTML charts for the same period (SOH history over
// all the car's life, so the projection has its context).
ChartData buildChartData(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                         analytics::Period period);

// The prompts raised in `period` ([from_ms, to_ms)), oldest first, for the
// HTML page's "Reminders" (ChartData::prompts). A failed read is an error
// (kRead): the caller leaves ChartData::prompts unset rather than show an
// empty history that is not true.
Result<std::vector<ChartData::PromptLine>, store::StoreError> promptHistory(
    const store::PromptLedger& prompts, analytics::Period period);

// Builds the report, stores it in the history, and queues it to the outbox
// as health-report (body = toJson(report)). Returns the report. A failed read
// makes no report (an error), never one with sections missing.
Result<HealthReport, store::StoreError> generateReport(
    const store::Reader& reader, store::History& history, store::Outbox& outbox,
    const vehicle::VehicleInfo& vehicle, analytics::Period period, const ReportContext& context);

// True when `period_days` have passed since the period of the last stored
// periodic report ended (or since the first data, when there is no report yet).
// A failed read is an error (kRead), never "not due" or "no report yet".
Result<bool, store::StoreError> reportDue(const store::Reader& store, std::int64_t now_ms,
                                          int period_days);

// The default period: `days` ending at `end_ms`.
analytics::Period periodEnding(std::int64_t end_ms, int days);

}  // namespace crm::reports
