#include "crm/reports/health_report.h"

#include "crm/common/log.h"

#include <ctime>

#include "crm/common/civil_time.h"
#include "sections.h"

namespace crm::reports {
namespace {

using nlohmann::json;
namespace sig = vehicle::sig;
constexpr std::int64_t kDay = 86'400'000;

json textOrNull(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

std::optional<double> odometerKm(const store::Reader& store, analytics::Period period) {
  if (auto before = store.sampleBefore(sig::kTraveledDistance, period.to_ms)) {
    return before->number / 1000.0;
  }
  return std::nullopt;
}

json batterySection(const analytics::SohSummary& s) {
  return {{"soh",
           {{"value", orNull(s.value, 1)},
            {"low", orNull(s.low, 1)},
            {"high", orNull(s.high, 1)},
            {"source", textOrNull(s.source)}}},
          {"soh_bms_percent", orNull(s.bms_percent, 1)},
          {"soh_estimated_percent", orNull(s.estimated_percent, 1)},
          {"degradation_percent_per_year", orNull(s.degradation_percent_per_year, 2)},
          {"fleet_typical_percent_per_year", s.fleet_typical_percent_per_year},
          {"projected_80_percent",
           {{"date", textOrNull(s.projected_80_date)},
            {"odometer_km", orNull(s.projected_80_odometer_km, 0)}}},
          {"cell_imbalance_mv_max", orNull(s.cell_imbalance_mv_max, 0)},
          {"status", s.status}};
}

json chargingSection(const analytics::ChargingSummary& c) {
  return {{"sessions", c.sessions},
          {"energy_kwh", roundTo(c.energy_kwh, 1)},
          {"dc_energy_share", orNull(c.dc_energy_share, 3)},
          {"dc_sessions", c.dc_sessions},
          {"sessions_over_100kw", c.sessions_over_100kw},
          {"average_start_soc", orNull(c.average_start_soc, 1)},
          {"average_end_soc", orNull(c.average_end_soc, 1)},
          {"high_soc_dwell_hours", roundTo(c.high_soc_dwell_hours, 1)},
          {"deep_discharge_events", c.deep_discharge_events},
          {"hot_charging_sessions", c.hot_charging_sessions},
          {"habit_scores",
           {{"fast_charging", c.habit_scores.fast_charging},
            {"high_soc_parking", c.habit_scores.high_soc_parking},
            {"deep_discharge", c.habit_scores.deep_discharge},
            {"charging_temperature", c.habit_scores.charging_temperature}}}};
}

}  // namespace

analytics::Period periodEnding(std::int64_t end_ms, int days) {
  return analytics::Period{end_ms - days * kDay, end_ms};
}

json buildHealthReport(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                       analytics::Period period, const ReportContext& context) {
  const auto soh = analytics::summarizeSoh(store, vehicle, period);
  const auto charging = analytics::summarizeCharging(store, vehicle, period);
  const auto driving = analytics::summarizeDriving(store, period);
  const auto usage = analytics::classifyUsage(store, period);
  const auto odometer = odometerKm(store, period);
  json r;
  r["schema"] = "crm.v1.health-report";
  r["period"] = {{"from", period.from_ms}, {"to", period.to_ms}};
  r["vehicle"] = {
      {"vin", vehicle.vin}, {"model", vehicle.model}, {"odometer_km", orNull(odometer, 1)}};
  r["battery"] = batterySection(soh);
  r["charging"] = chargingSection(charging);
  r["driving"] = {{"distance_km", roundTo(driving.distance_km, 1)},
                  {"trips", driving.trips},
                  {"average_daily_km", orNull(driving.average_daily_km, 1)},
                  {"efficiency_kwh_per_100km", orNull(driving.efficiency_kwh_per_100km, 1)}};
  r["usage"] = {{"profile", usage.profile},
                {"average_daily_km", orNull(usage.average_daily_km, 1)},
                {"active_days_share", orNull(usage.active_days_share, 2)},
                {"night_driving_share", orNull(usage.night_driving_share, 3)},
                {"dc_sessions_per_week", orNull(usage.dc_sessions_per_week, 2)}};
  r["low_voltage_battery"] = lowVoltageSection(store, period);
  r["tyres"] = tyresSection(store, vehicle, period);
  r["brakes"] = brakesSection(store, period);
  r["faults"] = faultsSection(store, period);
  r["service"] = serviceSection(store, vehicle,
                                context.maintenance ? *context.maintenance : MaintenanceTable{},
                                odometer, period.to_ms);
  // Prompts arrive with the engagement engine; until then nothing can be
  // counted, which is different from counting zero.
  r["prompts"] = {{"raised", nullptr},
                  {"delivered", nullptr},
                  {"accepted", nullptr},
                  {"snoozed", nullptr},
                  {"dismissed", nullptr}};
  r["data_quality"] = dataQualitySection(store, period, context.rejected_samples);
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
  const std::int64_t step = std::max<std::int64_t>(30 * kDay, (period.to_ms - first) / 24);
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

Result<nlohmann::json, store::StoreError> generateReport(
    const store::Reader& reader, store::History& history, store::Outbox& outbox,
    const vehicle::VehicleInfo& vehicle, analytics::Period period, const ReportContext& context) {
  if (auto stale = reader.takeReadError()) {
    log::warn("report: an earlier read had failed: {}", *stale);
  }
  json report = buildHealthReport(reader, vehicle, period, context);
  // A section that could not be read would show as "no data": no report
  // rather than a wrong one.
  if (auto failed = reader.takeReadError()) {
    return fail(store::StoreError::kIo, "report not made, a read failed: " + *failed);
  }
  const std::string text = report.dump();
  if (auto id = history.addReport(
          {0, period.from_ms, period.to_ms, period.to_ms, text, context.on_request});
      !id) {
    return id.error();
  }
  if (auto m = outbox.enqueue(wire::Kind::kHealthReport, vehicle.vin, period.to_ms, text); !m)
    return m.error();
  return report;
}

bool reportDue(const store::Reader& store, std::int64_t now_ms, int period_days) {
  const std::int64_t period = period_days * kDay;
  // Reports made on request do not move the schedule.
  if (auto last = store.latestPeriodicReport()) return now_ms - last->period_to >= period;
  // No report yet: the first one once a whole period of data exists.
  const auto first = store.dailyRollups(store.dayStart(now_ms - period));
  return !first.empty();
}

}  // namespace crm::reports
