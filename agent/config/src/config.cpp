#include "crm/config/config.h"

#include <filesystem>

#include "crm/common/input_limits.h"
#include "crm/common/private_file.h"
#include "crm/common/small_file.h"
#include "crm/engagement/policy.h"
#include "crm/engagement/settings.h"
#include "crm/localapi/sovd_routes.h"
#include "json_reader.h"

namespace crm::config {
namespace {

Check oneOf(std::initializer_list<const char*> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  return [names](const std::string& s) -> Complaint {
    std::string list;
    for (const auto& n : names) {
      if (s == n) return std::nullopt;
      list += (list.empty() ? "" : ", ") + n;
    }
    return "expected one of " + list;
  };
}

Complaint checkVin(const std::string& s) {
  if (input::isValidVin(s)) return std::nullopt;
  return "expected " + std::string(input::kVinText);
}

Complaint checkDate(const std::string& s) {
  if (input::isPlausibleDate(s)) return std::nullopt;
  return "expected " + std::string(input::kDateRangeText);
}

Complaint checkNonEmpty(const std::string& s) {
  if (s.empty()) return "expected a non-empty string";
  return std::nullopt;
}

Complaint checkDtc(const std::string& s) {
  const bool ok = s.size() == 5 && std::string_view("PCBU").find(s[0]) != std::string_view::npos &&
                  s.find_first_not_of("0123456789ABCDEF", 1) == std::string::npos;
  if (ok) return std::nullopt;
  return "expected a DTC like P0A7F ([PCBU] + 4 hex)";
}

Complaint checkBroker(const std::string& s) {
  for (const char* scheme : {"tcp://", "ssl://", "mqtt://", "mqtts://", "ws://", "wss://"}) {
    if (s.rfind(scheme, 0) == 0 && s.size() > std::char_traits<char>::length(scheme))
      return std::nullopt;
  }
  return "expected a broker URI such as tcp://host:1883 or ssl://host:8883";
}

Complaint checkTopicPrefix(const std::string& s) {
  if (s.empty() || s.front() == '/' || s.back() == '/')
    return "expected a topic prefix without leading or trailing '/'";
  if (s.find_first_of("+#") != std::string::npos) return "expected no MQTT wildcards (+ or #)";
  return std::nullopt;
}

void readSimulator(JsonReader& r, vehicle::SimulatorConfig& sim) {
  std::int64_t seed = static_cast<std::int64_t>(sim.seed);
  r.integer("seed", seed, 0, INT64_MAX);
  sim.seed = static_cast<std::uint64_t>(seed);
  std::string profile = vehicle::usageProfileName(sim.profile);
  r.string("profile", profile, oneOf({"private", "ride_hailing", "logistics"}));
  sim.profile = vehicle::parseUsageProfile(profile).value_or(sim.profile);
  // A time from outside like any other: 2000..2100, so no date overflows.
  r.integer("start_ms", sim.start_ms, input::kEarliestMs, input::kLatestMs - 1);
  r.number("days", sim.days, 0, 36500);
  r.number("dc_share", sim.dc_share, 0, 1);
  r.number("charge_limit_percent", sim.charge_limit_percent, 50, 100);
  r.number("initial_soh_percent", sim.initial_soh_percent, 50, 100);
  r.number("initial_odometer_km", sim.initial_odometer_km, 0, 2000000);
  r.number("ambient_mean_c", sim.ambient_mean_c, -30, 45);
  r.number("ambient_amplitude_c", sim.ambient_amplitude_c, 0, 40);
  r.boolean("bms_reports_soh", sim.bms_reports_soh);
  r.boolean("noise", sim.noise);
  r.boolean("gaps", sim.gaps);
  r.number("home_charger_kw", sim.home_charger_kw, 1, 22);
  r.number("dc_charger_kw", sim.dc_charger_kw, 20, 400);
  r.number("lv_battery_decline_v_per_year", sim.lv_battery_decline_v_per_year, 0, 10);
  r.boolean("location", sim.location);
  r.boolean("late_first_soc", sim.late_first_soc);
  r.boolean("lfp_soc_noise", sim.lfp_soc_noise);
  r.boolean("soh_whole_percent", sim.soh_whole_percent);
  r.boolean("energy_counters", sim.energy_counters);
  r.array("dtcs", [&](JsonReader& d) {
    vehicle::InjectedDtc dtc;
    d.string("code", dtc.code, checkDtc);
    d.number("on_day", dtc.on_day, 0, 36500);
    d.number("off_day", dtc.off_day, -1, 36500);
    sim.dtcs.push_back(dtc);
  });
  r.object("slow_leak", [&](JsonReader& leak) {
    vehicle::SlowLeak l;
    leak.integer("position", l.position, 0, 3);
    leak.number("start_day", l.start_day, 0, 36500);
    leak.number("kpa_per_day", l.kpa_per_day, 0.1, 100);
    sim.slow_leak = l;
  });
}

void readAll(JsonReader& root, Config& c) {
  root.object("vehicle", [&](JsonReader& r) {
    auto& v = c.vehicle;
    r.string("vin", v.vin, checkVin);
    r.string("model", v.model, checkNonEmpty);
    r.number("nominal_capacity_kwh", v.nominal_capacity_kwh, 5, 300);
    r.string("chemistry", v.chemistry, oneOf({"NMC", "NCA", "LFP"}));
    r.string("delivered", v.delivered, checkDate);
    r.number("tyre_placard_kpa", v.tyre_placard_kpa, 150, 600);
    r.integer("utc_offset_minutes", v.utc_offset_minutes, -720, 840);
  });
  root.object("source", [&](JsonReader& r) {
    auto& s = c.source;
    std::string kind = s.kind == SourceKind::kSimulator ? "simulator" : "recording";
    r.string("kind", kind, oneOf({"simulator", "recording"}));
    s.kind = kind == "simulator" ? SourceKind::kSimulator : SourceKind::kRecording;
    r.string("recording", s.recording, checkNonEmpty);
    r.number("acceleration", s.acceleration, 1, 1e7);
    r.object("simulator", [&](JsonReader& sim) { readSimulator(sim, s.simulator); });
    if (s.kind == SourceKind::kRecording && s.recording.empty()) {
      r.failKey("recording", "expected a file path when kind is \"recording\"");
    }
  });
  root.object("storage", [&](JsonReader& r) {
    auto& s = c.storage;
    r.string("path", s.path, checkNonEmpty);
    r.integer("quota_mib", s.quota_mib, 4, 1 << 20);
    r.integer("raw_retention_days", s.raw_retention_days, 3, 3650);
    r.boolean("full_sync", s.full_sync);
    r.integer("commit_interval_ms", s.commit_interval_ms, 10, 60000);
  });
  root.object("mqtt", [&](JsonReader& r) {
    auto& m = c.mqtt;
    r.boolean("enabled", m.enabled);
    r.string("broker", m.broker, checkBroker);
    r.string("client_id", m.client_id);
    r.string("prefix", m.prefix, checkTopicPrefix);
    r.object("tls", [&](JsonReader& t) {
      t.string("ca_file", m.tls.ca_file);
      t.string("cert_file", m.tls.cert_file);
      t.string("key_file", m.tls.key_file);
    });
    // The files themselves are checked by loadConfig.
    r.string("username", m.username, checkNonEmpty);
    r.string("password_file", m.password_file, checkNonEmpty);
    std::string protocol = m.protocol == sync::MqttProtocol::kV5 ? "5" : "3.1.1";
    r.string("protocol", protocol, oneOf({"3.1.1", "5"}));
    m.protocol = protocol == "5" ? sync::MqttProtocol::kV5 : sync::MqttProtocol::kV311;
    // At least a minute: a session that ends with the connection loses the
    // commands sent while the car is away. At most the property's range.
    r.integer("session_expiry_s", m.session_expiry_s, 60, 0xFFFFFFFFLL);
    r.integer("keepalive_s", m.keepalive_s, 5, 3600);
    r.integer("reconnect_min_ms", m.reconnect_min_ms, 100, 600000);
    r.integer("reconnect_max_ms", m.reconnect_max_ms, 100, 3600000);
    r.integer("max_inflight", m.max_inflight, 1, 1000);
    // From 4 KiB (a health report fits) to MQTT's own limit (256 MB).
    r.integer("max_payload_bytes", m.max_payload_bytes, 4096, 268435455);
    // A certificate without its key (or the reverse) cannot identify the car.
    if (m.tls.cert_file.empty() != m.tls.key_file.empty()) {
      r.failKey("tls", m.tls.cert_file.empty()
                           ? "key_file is set without cert_file; expected both or neither"
                           : "cert_file is set without key_file; expected both or neither");
    }
    // MQTT carries no password without a user name.
    if (!m.password_file.empty() && m.username.empty()) {
      r.failKey("password_file",
                "expected mqtt.username too (MQTT sends no password without "
                "a user name)");
    }
    if (m.reconnect_max_ms < m.reconnect_min_ms) {
      r.failKey("reconnect_max_ms", "expected a value not below reconnect_min_ms");
    }
  });
  root.object("local_api", [&](JsonReader& r) {
    auto& a = c.local_api;
    r.boolean("enabled", a.enabled);
    r.string("address", a.address, checkNonEmpty);
    r.integer("port", a.port, 0, 65535);
    r.boolean("allow_non_loopback", a.allow_non_loopback);
    r.string("unix_socket", a.unix_socket, [](const std::string& path) -> Complaint {
      // sun_path holds 108 bytes with the terminating NUL.
      if (path.size() > 107) return "expected a socket path of at most 107 bytes";
      return std::nullopt;
    });
    r.integer("max_connections", a.max_connections, 1, 256);
    r.integer("max_streams", a.max_streams, 1, 64);
    r.integer("max_body_bytes", a.max_body_bytes, 256, 65536);
    r.integer("max_header_bytes", a.max_header_bytes, 1024, 65536);
    r.integer("read_timeout_ms", a.read_timeout_ms, 100, 600000);
    r.integer("idle_timeout_ms", a.idle_timeout_ms, 100, 3600000);
    r.integer("write_timeout_ms", a.write_timeout_ms, 100, 600000);
    r.integer("heartbeat_ms", a.heartbeat_ms, 1000, 600000);
    r.integer("max_stream_queue_bytes", a.max_stream_queue_bytes, 4096, 16 << 20);
    // Empty: no technician API. The file itself is checked by loadConfig.
    r.string("technician_token_file", a.technician_token_file);
    if (a.max_streams > a.max_connections) {
      r.failKey("max_streams", "expected at most max_connections (streams are connections)");
    }
  });
  // The engagement section is the engagement component's to check: the
  // CRM's config command is validated by the same code.
  root.raw("engagement", [&](const nlohmann::json& section) -> std::optional<std::string> {
    if (auto st = engagement::applySettings(section, "engagement", c.engagement); !st) {
      return st.error().message;
    }
    // The zone must exist in this car's tzdata, not only look like a name.
    if (auto zone = engagement::LocalTime::make(c.engagement.time_zone, 0); !zone) {
      return zone.error().message;
    }
    return std::nullopt;
  });
  root.object("privacy", [&](JsonReader& r) {
    r.boolean("share_location", c.privacy.share_location);
    r.boolean("share_trips", c.privacy.share_trips);
    r.boolean("share_prompt_history", c.privacy.share_prompt_history);
  });
  root.object("maintenance",
              [&](JsonReader& r) { r.string("schedule", c.maintenance.schedule, checkNonEmpty); });
  root.object("reports",
              [&](JsonReader& r) { r.integer("period_days", c.report_period_days, 1, 366); });
  root.object("log", [&](JsonReader& r) {
    r.string("level", c.log_level, oneOf({"trace", "debug", "info", "warn", "error", "off"}));
  });
  root.finish();
}

void resolveRelative(std::string& p, const std::filesystem::path& base) {
  if (!p.empty() && std::filesystem::path(p).is_relative())
    p = (base / p).lexically_normal().string();
}

}  // namespace

Result<Config, ConfigError> parseConfig(std::string_view text, const std::string& origin) {
  auto parsed = parseJsonFile(text, origin, input::kMaxConfigBytes);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return fail(ConfigError::kInvalid, origin + ": expected a JSON object");
  Config c;
  std::optional<std::string> error;
  JsonReader root(j, "", error);
  readAll(root, c);
  if (error) return fail(ConfigError::kInvalid, origin + ": " + *error);
  c.source.simulator.nominal_capacity_kwh = c.vehicle.nominal_capacity_kwh;
  c.source.simulator.chemistry = c.vehicle.chemistry;
  c.source.simulator.tyre_placard_kpa = c.vehicle.tyre_placard_kpa;
  c.source.simulator.utc_offset_minutes = c.vehicle.utc_offset_minutes;
  if (c.mqtt.client_id.empty()) c.mqtt.client_id = "crm-agent-" + c.vehicle.vin;
  return c;
}

Result<Config, ConfigError> loadConfig(const std::string& path) {
  auto text = readSmallFile(path, input::kMaxConfigBytes);
  if (!text) {
    return fail(ConfigError::kCannotRead,
                text.error().message + " (the configuration file could not be read)");
  }
  auto parsed = parseConfig(*text, path);
  if (!parsed) return parsed;
  Config c = std::move(parsed).value();
  const auto base = std::filesystem::path(path).parent_path();
  resolveRelative(c.storage.path, base);
  resolveRelative(c.source.recording, base);
  resolveRelative(c.mqtt.tls.ca_file, base);
  resolveRelative(c.mqtt.tls.cert_file, base);
  resolveRelative(c.mqtt.tls.key_file, base);
  resolveRelative(c.mqtt.password_file, base);
  resolveRelative(c.maintenance.schedule, base);
  resolveRelative(c.local_api.technician_token_file, base);
  // Files opened later (at the first TLS connect, maybe hours later on a
  // car out of coverage) are checked now, while an operator is watching.
  const std::pair<const char*, const std::string*> files[] = {
      {"mqtt.tls.ca_file", &c.mqtt.tls.ca_file},
      {"mqtt.tls.cert_file", &c.mqtt.tls.cert_file},
      {"mqtt.tls.key_file", &c.mqtt.tls.key_file}};
  for (const auto& [key, file] : files) {
    if (file->empty()) continue;
    if (auto st = checkReadableFile(*file); !st) {
      return fail(ConfigError::kInvalid, path + ": " + key + ": " + st.error().message);
    }
  }
  // A password others can read is no secret: refused now, by file and mode.
  if (const auto& file = c.mqtt.password_file; !file.empty()) {
    if (auto st = checkPrivateFile(file, "the MQTT password"); !st) {
      return fail(ConfigError::kInvalid, path + ": mqtt.password_file: " + st.error().message);
    }
  }
  // A token others can read is no secret: refused now, by file and mode.
  if (const auto& token = c.local_api.technician_token_file; !token.empty()) {
    if (auto st = localapi::checkTokenFile(token); !st) {
      return fail(ConfigError::kInvalid,
                  path + ": local_api.technician_token_file: " + st.error().message);
    }
  }
  if (!c.maintenance.schedule.empty()) {
    auto table = loadMaintenance(c.maintenance.schedule);
    if (!table) {
      // The schedule is part of the configuration: a bad one is a bad start,
      // named by its own file, and the referring key when it is missing.
      if (table.error().code == ConfigError::kCannotRead) {
        return fail(ConfigError::kInvalid,
                    path + ": maintenance.schedule: " + table.error().message);
      }
      return table.error();
    }
    c.maintenance.table = std::move(table).value();
  }
  return c;
}

}  // namespace crm::config
