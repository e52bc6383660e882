// The agent's configuration (config/agent.json is the shipped default; keys
// are documented in docs/configuration.md). Every key is validated for type
// and range; an unknown key is an error, so a typo never silently falls back
// to a default.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crm/common/result.h"
#include "crm/config/config_error.h"
#include "crm/config/maintenance.h"
#include "crm/engagement/settings.h"
#include "crm/localapi/options.h"
#include "crm/sync/options.h"
#include "crm/vehicle/simulator_config.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::config {

using VehicleConfig = vehicle::VehicleInfo;

enum class SourceKind : std::uint8_t { kSimulator, kRecording };

struct SourceConfig {
  SourceKind kind = SourceKind::kSimulator;
  std::string recording;  // path, when kind is kRecording
  vehicle::SimulatorConfig simulator;
  // Simulated seconds per wall second. 1 = real time; the demo uses more.
  double acceleration = 1.0;

  bool operator==(const SourceConfig&) const = default;
};

struct StorageConfig {
  std::string path = "/var/lib/crm-agent/cache.db";
  std::int64_t quota_mib = 64;    // flash is scarce on head units
  int raw_retention_days = 30;    // roll-ups keep the long view
  bool full_sync = true;          // survive power cuts, not only crashes
  int commit_interval_ms = 1000;  // one fsync a second at most

  bool operator==(const StorageConfig&) const = default;
};

using TlsConfig = sync::TlsOptions;
using MqttConfig = sync::MqttOptions;

// The engagement section (quiet hours, caps, cooldowns, every rule's
// thresholds): the engagement component's settings, checked by it.
using EngagementConfig = engagement::EngagementSettings;

struct PrivacyConfig {
  // Personal data leaves the car only with consent: all false by default.
  bool share_location = false;
  bool share_trips = false;
  bool share_prompt_history = false;
};

struct MaintenanceConfig {
  // The schedule file (maintenance.schedule), relative to the configuration
  // file; empty: the built-in copy of the shipped config/maintenance.json,
  // so that a replay without --config still knows the schedules.
  std::string schedule;
  MaintenanceTable table = builtinMaintenance();
};

struct Config {
  VehicleConfig vehicle;
  SourceConfig source;
  StorageConfig storage;
  MqttConfig mqtt;
  localapi::Options local_api;  // the driver's HMI API (docs/local-api.md)
  EngagementConfig engagement;
  PrivacyConfig privacy;
  MaintenanceConfig maintenance;
  int report_period_days = 30;
  std::string log_level = "info";
};

// Parses and validates configuration text. `origin` names the file in
// messages. On error: kInvalid with "<origin>: <key path>: <what was expected>".
Result<Config, ConfigError> parseConfig(std::string_view text, const std::string& origin);

// Reads and parses a file. Relative paths inside it (storage.path,
// source.recording, TLS files, mqtt.password_file, maintenance.schedule,
// local_api.technician_token_file) are taken relative to the file's folder.
// The maintenance schedule file is loaded too: its errors name that file.
// The TLS files must be readable regular files. The technician token file
// and the MQTT password file are checked, not read: regular files that
// group and others cannot access, owned by this user (else kInvalid naming
// the key, the file and its mode).
Result<Config, ConfigError> loadConfig(const std::string& path);

}  // namespace crm::config
