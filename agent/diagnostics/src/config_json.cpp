// The configuration as the technician sees it: the file's shape, every key
// with the value in force, secrets redacted. Nothing here reads a file: the
// TLS key, the MQTT password and the technician's token are named by path in the
// configuration and their contents never come near this view.
#include "common.h"
#include "crm/engagement/settings.h"

namespace crm::diagnostics {
namespace {

// Stable: what a secret shows as.
constexpr const char* kRedacted = "<redacted>";

json simulatorJson(const vehicle::SimulatorConfig& s) {
  json dtcs = json::array();
  for (const auto& d : s.dtcs) {
    dtcs.push_back({{"code", d.code}, {"on_day", d.on_day}, {"off_day", d.off_day}});
  }
  json leak = nullptr;
  if (s.slow_leak) {
    leak = {{"position", s.slow_leak->position},
            {"start_day", s.slow_leak->start_day},
            {"kpa_per_day", s.slow_leak->kpa_per_day}};
  }
  return {{"seed", s.seed},
          {"profile", vehicle::usageProfileName(s.profile)},
          {"start_ms", s.start_ms},
          {"days", s.days},
          {"dc_share", s.dc_share},
          {"charge_limit_percent", s.charge_limit_percent},
          {"initial_soh_percent", s.initial_soh_percent},
          {"initial_odometer_km", s.initial_odometer_km},
          {"ambient_mean_c", s.ambient_mean_c},
          {"ambient_amplitude_c", s.ambient_amplitude_c},
          {"bms_reports_soh", s.bms_reports_soh},
          {"noise", s.noise},
          {"gaps", s.gaps},
          {"home_charger_kw", s.home_charger_kw},
          {"dc_charger_kw", s.dc_charger_kw},
          {"lv_battery_decline_v_per_year", s.lv_battery_decline_v_per_year},
          {"location", s.location},
          {"late_first_soc", s.late_first_soc},
          {"lfp_soc_noise", s.lfp_soc_noise},
          {"soh_whole_percent", s.soh_whole_percent},
          {"energy_counters", s.energy_counters},
          {"dtcs", std::move(dtcs)},
          {"slow_leak", std::move(leak)}};
}

json localApiJson(const localapi::Options& a) {
  return {{"enabled", a.enabled},
          {"address", a.address},
          {"port", a.port},
          {"allow_non_loopback", a.allow_non_loopback},
          {"unix_socket", a.unix_socket},
          {"max_connections", a.max_connections},
          {"max_streams", a.max_streams},
          {"max_body_bytes", a.max_body_bytes},
          {"max_header_bytes", a.max_header_bytes},
          {"read_timeout_ms", a.read_timeout_ms},
          {"idle_timeout_ms", a.idle_timeout_ms},
          {"write_timeout_ms", a.write_timeout_ms},
          {"heartbeat_ms", a.heartbeat_ms},
          {"max_stream_queue_bytes", a.max_stream_queue_bytes},
          // The path only: where the token is, never what it is.
          {"technician_token_file", a.technician_token_file}};
}

}  // namespace

json configJson(const config::Config& c) {
  const auto& v = c.vehicle;
  const auto& s = c.source;
  const auto& m = c.mqtt;
  return {{"vehicle",
           {{"vin", v.vin},
            {"model", v.model},
            {"nominal_capacity_kwh", v.nominal_capacity_kwh},
            {"chemistry", v.chemistry},
            {"delivered", v.delivered},
            {"tyre_placard_kpa", v.tyre_placard_kpa},
            {"utc_offset_minutes", v.utc_offset_minutes}}},
          {"source",
           {{"kind", s.kind == config::SourceKind::kSimulator ? "simulator" : "recording"},
            {"recording", s.recording},
            {"acceleration", s.acceleration},
            {"simulator", simulatorJson(s.simulator)}}},
          {"storage",
           {{"path", c.storage.path},
            {"quota_mib", c.storage.quota_mib},
            {"raw_retention_days", c.storage.raw_retention_days},
            {"full_sync", c.storage.full_sync},
            {"commit_interval_ms", c.storage.commit_interval_ms}}},
          {"mqtt",
           {{"enabled", m.enabled},
            {"broker", m.broker},
            {"client_id", m.client_id},
            {"prefix", m.prefix},
            {"tls",
             {{"ca_file", m.tls.ca_file},
              {"cert_file", m.tls.cert_file},
              // The private key's location is kept back too: it says where to look.
              {"key_file", m.tls.key_file.empty() ? json("") : json(kRedacted)}}},
            {"username", m.username},
            // Like the key's: where the secret lies is kept back; the
            // password itself is never in the configuration at all.
            {"password_file", m.password_file.empty() ? json("") : json(kRedacted)},
            {"protocol", m.protocol == sync::MqttProtocol::kV5 ? "5" : "3.1.1"},
            {"session_expiry_s", m.session_expiry_s},
            {"keepalive_s", m.keepalive_s},
            {"reconnect_min_ms", m.reconnect_min_ms},
            {"reconnect_max_ms", m.reconnect_max_ms},
            {"max_inflight", m.max_inflight}}},
          {"local_api", localApiJson(c.local_api)},
          {"engagement", engagement::settingsToJson(c.engagement)},
          {"privacy",
           {{"share_location", c.privacy.share_location},
            {"share_trips", c.privacy.share_trips},
            {"share_prompt_history", c.privacy.share_prompt_history}}},
          {"maintenance", {{"schedule", c.maintenance.schedule}}},
          {"reports", {{"period_days", c.report_period_days}}},
          {"log", {{"level", c.log_level}}}};
}

}  // namespace crm::diagnostics
