#include "crm/reports/health_report.h"

#include <algorithm>

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "sections.h"

namespace crm::reports {
namespace {

namespace sig = vehicle::sig;
using civil::kMsPerDay;

std::optional<double> odometerKm(const store::Reader& store, analytics::Period period) {
  if (auto before = store.sampleBefore(sig::kTraveledDistance, period.to_ms)) {
    return before->number / 1000.0;
  }
  return std::nullopt;
}

BatterySection batterySection(const analytics::SohSummary& s) {
  BatterySection b;
  b.soh = {roundTo(s.value, 1), roundTo(s.low, 1), roundTo(s.high, 1), s.source};
  b.soh_bms_percent = roundTo(s.bms_percent, 1);
  b.soh_estimated_percent = roundTo(s.estimated_percent, 1);
  b.degradation_percent_per_year = roundTo(s.degradation_percent_per_year, 2);
  b.fleet_typical_percent_per_year = s.fleet_typical_percent_per_year;
  b.projected_80_percent = {s.projected_80_date, roundTo(s.projected_80_odometer_km, 0)};
  b.cell_imbalance_mv_max = roundTo(s.cell_imbalance_mv_max, 0);
  b.status = s.status;
  return b;
}

ChargingSection chargingSection(const analytics::ChargingSummary& c) {
  ChargingSection out;
  out.sessions = c.sessions;
  out.energy_kwh = roundTo(c.energy_kwh, 1);
  out.dc_energy_share = roundTo(c.dc_energy_share, 3);
  out.dc_sessions = c.dc_sessions;
  out.sessions_over_100kw = c.sessions_over_100kw;
  out.average_start_soc = roundTo(c.average_start_soc, 1);
  out.average_end_soc = roundTo(c.average_end_soc, 1);
  out.high_soc_dwell_hours = roundTo(c.high_soc_dwell_hours, 1);
  out.deep_discharge_events = c.deep_discharge_events;
  out.hot_charging_sessions = c.hot_charging_sessions;
  out.habit_scores = {c.habit_scores.fast_charging, c.habit_scores.high_soc_parking,
                      c.habit_scores.deep_discharge, c.habit_scores.charging_temperature};
  return out;
}

DrivingSection drivingSection(const analytics::DrivingSummary& d) {
  return {roundTo(d.distance_km, 1), d.trips, roundTo(d.average_daily_km, 1),
          roundTo(d.efficiency_kwh_per_100km, 1)};
}

UsageSection usageSection(const analytics::UsageSummary& u) {
  return {u.profile, roundTo(u.average_daily_km, 1), roundTo(u.active_days_share, 2),
          roundTo(u.night_driving_share, 3), roundTo(u.dc_sessions_per_week, 2)};
}

// Lifecycle events in the period. Counts only: which prompts they were is
// prompt history, personal data that leaves the car only with consent.
PromptsSection promptsSection(const store::PromptLedger* prompts, analytics::Period period) {
  if (prompts == nullptr) return {};
  auto counts = prompts->promptCounts(period.from_ms, period.to_ms);
  if (!counts) {
    log::error("report: prompt counts: {}", counts.error().message);
    return {};
  }
  return {counts->raised, counts->delivered, counts->accepted, counts->snoozed, counts->dismissed};
}

}  // namespace

BatterySection batteryReportSection(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                                    analytics::Period period) {
  return batterySection(analytics::summarizeSoh(store, vehicle, period));
}

std::optional<double> reportOdometerKm(const store::Reader& store, analytics::Period period) {
  return roundTo(odometerKm(store, period), 1);
}

analytics::Period periodEnding(std::int64_t end_ms, int days) {
  return analytics::Period{end_ms - days * kMsPerDay, end_ms};
}

HealthReport buildHealthReport(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                               analytics::Period period, const ReportContext& context) {
  const auto odometer = odometerKm(store, period);
  HealthReport r;
  r.period = period;
  r.vehicle = {vehicle.vin, vehicle.model, roundTo(odometer, 1)};
  r.battery = batteryReportSection(store, vehicle, period);
  r.charging = chargingSection(analytics::summarizeCharging(store, vehicle, period));
  r.driving = drivingSection(analytics::summarizeDriving(store, period));
  r.usage = usageSection(analytics::classifyUsage(store, period));
  r.low_voltage_battery = lowVoltageSection(store, period);
  r.tyres = tyresSection(store, vehicle, period);
  r.brakes = brakesSection(store, period);
  r.faults = faultsSection(store, period);
  // The service items count from the unrounded odometer.
  r.service = serviceSection(store, vehicle,
                             context.maintenance ? *context.maintenance : MaintenanceTable{},
                             odometer, period.to_ms);
  r.prompts = promptsSection(context.prompts, period);
  r.data_quality = dataQualitySection(store, period);
  return r;
}

ChartData buildChartData(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                         analytics::Period period) {
  ChartData c;
  // SOH history: the summary at the end of each 30-day step of the car's
  // recorded life, at most 24 points (each one reads the history again).
  std::int64_t first = period.from_ms;
  if (auto est = store.capacityEstimates(0, period.to_ms); !est.empty()) {
    first = std::min(first, est.front().ts_ms);
  }
  const std::int64_t step = std::max<std::int64_t>(30 * kMsPerDay, (period.to_ms - first) / 24);
  for (std::int64_t end = first + step; end <= period.to_ms + step - 1; end += step) {
    const auto s = analytics::summarizeSoh(store, vehicle, {first, std::min(end, period.to_ms)});
    if (s.value && s.low && s.high)
      c.soh.push_back({std::min(end, period.to_ms), *s.value, *s.low, *s.high});
  }
  for (const auto& session : store.chargingSessions(period.from_ms, period.to_ms)) {
    c.start_soc.push_back(session.start_soc);
    c.end_soc.push_back(session.end_soc);
  }
  for (const auto& d : dailySeries(store, sig::kTraveledDistance, period)) {
    const auto month = civil::yearMonth(d.bucket_ms, vehicle.utc_offset_minutes);
    const double km = (d.last - d.first) / 1000.0;
    if (c.monthly_distance_km.empty() || c.monthly_distance_km.back().first != month) {
      c.monthly_distance_km.emplace_back(month, 0.0);
    }
    c.monthly_distance_km.back().second += km;
  }
  c.efficiency_by_ambient = analytics::summarizeDriving(store, period).efficiency_by_ambient;
  return c;
}

}  // namespace crm::reports

namespace crm::reports {

Result<HealthReport, store::StoreError> generateReport(
    const store::Reader& reader, store::History& history, store::Outbox& outbox,
    const vehicle::VehicleInfo& vehicle, analytics::Period period, const ReportContext& context) {
  if (auto stale = reader.takeReadError()) {
    log::warn("report: an earlier read had failed: {}", *stale);
  }
  HealthReport report = buildHealthReport(reader, vehicle, period, context);
  // A section that could not be read would show as "no data": no report
  // rather than a wrong one.
  if (auto failed = reader.takeReadError()) {
    return fail(store::StoreError::kRead, "report not made, a read failed: " + *failed);
  }
  const std::string text = toJson(report).dump();
  if (auto id = history.addReport(
          {0, period.from_ms, period.to_ms, period.to_ms, text, context.on_request});
      !id) {
    return id.error();
  }
  if (auto m = outbox.enqueue(wire::Kind::kHealthReport, vehicle.vin, period.to_ms, text); !m)
    return m.error();
  return report;
}

Result<bool, store::StoreError> reportDue(const store::Reader& store, std::int64_t now_ms,
                                          int period_days) {
  if (auto stale = store.takeReadError())
    log::warn("report: an earlier read had failed: {}", *stale);
  const std::int64_t period = period_days * kMsPerDay;
  // Reports made on request do not move the schedule.
  const auto last = store.latestPeriodicReport();
  // "No report yet" must not be a read failure in disguise.
  if (auto failed = store.takeReadError()) return fail(store::StoreError::kRead, *failed);
  if (last) return now_ms - last->period_to >= period;
  // No report yet: the first one once a whole period of data exists.
  const auto first = store.dailyRollups(store.dayStart(now_ms - period));
  if (auto failed = store.takeReadError()) return fail(store::StoreError::kRead, *failed);
  return !first.empty();
}

}  // namespace crm::reports
