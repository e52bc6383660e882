// The human form of each answer: what a technician reads on an 80-column
// terminal. Each function takes the JSON the technician API returns (the
// `data` object of a resource, the faults list, an operation's result) and
// returns lines of at most kScreenWidth columns, each ending in "\n".
//
// Unknown values (null, or a key that is missing or of another type) read
// "n/a": a renderer never throws and never guesses. `now_ms` (wall clock)
// is only used for "3 min ago".
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace crm::ctl {

// data/status: one screen (version, uptime, vehicle, battery, sync,
// outbox, storage, active faults, open prompts).
std::string renderStatus(const nlohmann::json& status, std::int64_t now_ms);
// data/battery-health.
std::string renderBattery(const nlohmann::json& battery);
// data/charging-habits.
std::string renderCharging(const nlohmann::json& charging);
// data/mileage.
std::string renderMileage(const nlohmann::json& mileage);
// data/prompts.
std::string renderPrompts(const nlohmann::json& prompts, std::int64_t now_ms);
// data/outbox.
std::string renderOutbox(const nlohmann::json& outbox, std::int64_t now_ms);
// data/storage.
std::string renderStorage(const nlohmann::json& storage);
// data/version.
std::string renderVersion(const nlohmann::json& version);
// data/config: one "section.key  value" line per setting.
std::string renderConfig(const nlohmann::json& config);
// The faults list ({"items": [...]}).
std::string renderFaults(const nlohmann::json& faults, std::int64_t now_ms);

// Operation results.
// generate-report: {"report_id", "report": {...}}.
std::string renderReport(const nlohmann::json& result);
// sync-now: {"connected", "outbox_pending"}.
std::string renderSync(const nlohmann::json& result);
// erase-personal-data: {"erased": {"<item>": count}}.
std::string renderErase(const nlohmann::json& result);

}  // namespace crm::ctl
