// The views built from the health report's sections: status, battery
// health, charging habits, mileage, and the prompts.
#include <filesystem>

#include "common.h"
#include "crm/reports/health_report.h"
#include "crm/reports/report_sections.h"

namespace crm::diagnostics {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;

// The cache's files on flash (the database and its WAL), as the quota
// counts them; without the store's row counts, which cost a scan.
std::int64_t fileBytes(const std::string& path) {
  std::int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += static_cast<std::int64_t>(bytes);
  }
  return total;
}

// The whole report over the period: the views that show most of it.
reports::HealthReport fullReport(const Sources& sources, analytics::Period period) {
  reports::ReportContext context{&sources.config.maintenance.table};
  context.prompts = &sources.prompts;
  return reports::buildHealthReport(sources.store, vehicleOf(sources), period, context);
}

// One section of the report as the report's JSON spells it.
json reportPart(const reports::HealthReport& report, const char* key) {
  return reports::toJson(report).at(key);
}

}  // namespace

Result<json, DiagnosticsError> statusData(const Sources& sources) {
  const auto& store = sources.store;
  const auto& vehicle = vehicleOf(sources);
  const auto period = reportPeriod(sources);
  const auto battery = reports::batteryReportSection(store, vehicle, period);
  const auto odometer = reports::reportOdometerKm(store, period);
  json active = json::array();
  for (const auto& f : faultHistory(sources)) {
    if (f.active) active.push_back(f.code);
  }
  auto outbox = store.outboxSummary();
  if (!outbox) return fail(DiagnosticsError::kRead, "status: " + outbox.error().message);
  // Unknown (-1) when the counter is not a number, as the store's stats say.
  const auto dropped = store.metaInt("outbox_dropped");
  auto open = sources.prompts.openPrompts();
  if (!open) return fail(DiagnosticsError::kRead, "status: " + open.error().message);
  if (auto st = checkReads(store, "status"); !st) return st.error();

  const auto& rt = sources.runtime;
  json uptime = nullptr;
  if (rt.started_ms) uptime = std::max<std::int64_t>(0, (sources.now_ms - *rt.started_ms) / 1000);
  return json{{"version", kAgentVersion},
              {"uptime_s", uptime},
              {"vehicle",
               {{"vin", vehicle.vin}, {"model", vehicle.model}, {"odometer_km", orNull(odometer)}}},
              {"battery",
               {{"soh_percent", orNull(battery.soh.value)},
                {"soh_low", orNull(battery.soh.low)},
                {"soh_high", orNull(battery.soh.high)},
                {"status", battery.status}}},
              {"sync",
               {{"connected", orNull(rt.broker_connected)},
                {"last_ack_ms", orNull(rt.last_ack_ms)},
                {"outbox_pending", outbox->pending},
                {"outbox_dropped", dropped ? dropped->value_or(0) : -1}}},
              {"storage",
               {{"file_bytes", fileBytes(sources.config.storage.path)},
                {"quota_bytes", sources.config.storage.quota_mib * kMiB}}},
              {"faults_active", std::move(active)},
              {"prompts_open", static_cast<std::int64_t>(open->size())},
              {"source", sources.source}};
}

Result<json, DiagnosticsError> batteryData(const Sources& sources) {
  const auto period = reportPeriod(sources);
  reports::HealthReport part;
  part.battery = reports::batteryReportSection(sources.store, vehicleOf(sources), period);
  const auto estimates = sources.store.capacityEstimates(period.from_ms, period.to_ms);
  if (auto st = checkReads(sources.store, "battery-health"); !st) return st.error();
  json data = reportPart(part, "battery");
  data["period"] = periodJson(period);
  data["capacity_estimates"] = static_cast<std::int64_t>(estimates.size());
  return data;
}

Result<json, DiagnosticsError> chargingData(const Sources& sources) {
  const auto period = reportPeriod(sources);
  const auto report = fullReport(sources, period);
  if (auto st = checkReads(sources.store, "charging-habits"); !st) return st.error();
  const json j = reports::toJson(report);
  return json{
      {"period", periodJson(period)}, {"charging", j.at("charging")}, {"usage", j.at("usage")}};
}

Result<json, DiagnosticsError> mileageData(const Sources& sources) {
  const auto period = reportPeriod(sources);
  const auto report = fullReport(sources, period);
  if (auto st = checkReads(sources.store, "mileage"); !st) return st.error();
  const auto& d = report.driving;
  return json{{"odometer_km", orNull(report.vehicle.odometer_km)},
              {"period", periodJson(period)},
              {"distance_km", d.distance_km},
              {"trips", d.trips},
              {"average_daily_km", orNull(d.average_daily_km)},
              {"efficiency_kwh_per_100km", orNull(d.efficiency_kwh_per_100km)}};
}

Result<json, DiagnosticsError> promptsData(const Sources& sources) {
  const auto period = reportPeriod(sources);
  auto open = sources.prompts.openPrompts();
  if (!open) return fail(DiagnosticsError::kRead, "prompts: " + open.error().message);
  auto counts = sources.prompts.promptCounts(period.from_ms, period.to_ms);
  if (!counts) return fail(DiagnosticsError::kRead, "prompts: " + counts.error().message);
  json list = json::array();
  for (const auto& p : *open) {
    list.push_back({{"id", p.id},
                    {"rule", p.rule},
                    {"severity", p.severity},
                    {"state", p.state},
                    {"raised_ms", p.raised_ms},
                    {"delivered_ms", orNull(p.delivered_ms)},
                    {"expires_ms", p.expires_ms > 0 ? json(p.expires_ms) : json(nullptr)},
                    {"title_en", p.title_en}});
  }
  return json{{"open", std::move(list)},
              {"period", periodJson(period)},
              {"counts",
               {{"raised", counts->raised},
                {"delivered", counts->delivered},
                {"accepted", counts->accepted},
                {"snoozed", counts->snoozed},
                {"dismissed", counts->dismissed}}}};
}

}  // namespace crm::diagnostics
