// Commands from the dealer's CRM (docs/contract.md §5.3; rules in
// docs/commands.md). Each command arrives either over MQTT
// ({root}/cmd/<name>, the payload is the whole envelope) or from a recording
// line (only the body; the envelope is derived, see handleRecorded).
//
// Every command is answered by exactly one cmd-result queued to the outbox:
// {"command_id", "command", "status": "ok"|"rejected"|"error", "reason"}.
// A rejected command changes nothing else (no effect, no de-duplication
// entry). An accepted command's effect, its id in commands_seen and its
// cmd-result are staged as one unit of the store's batch: all or nothing,
// durable at the caller's next Store::commit().
//
// Supported: service-record, report-request, campaign, appointment,
// customer-profile, config, erase. The engagement commands only store what
// the CRM said (campaigns, appointments, the profile, setting overrides);
// the pipeline re-reads them after each accepted one (isEngagementCommand).
// erase ({"scope": "personal"}) stages the erase of the driver's personal
// data (store::PersonalData) in the command's unit; its cmd-result carries
// the counts (detail.erased), and the pipeline then makes the engagement
// engine forget what it held in memory (isEraseCommand).
//
// Threading: one thread, the store's (the event loop).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crm/engagement/settings.h"
#include "crm/reports/health_report.h"
#include "crm/store/store.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::commands {

struct Envelope;  // a parsed command (validate.h)

// Stable: the names appear in cmd-result messages.
enum class CommandStatus : std::uint8_t { kOk, kRejected, kError };
const char* statusName(CommandStatus status);

// The largest command payload accepted (docs/contract.md §5.3).
inline constexpr std::size_t kMaxPayloadBytes = std::size_t{64} * 1024;
// Command names (the topic's last level) longer than this are refused
// without being echoed in full.
inline constexpr std::size_t kMaxNameBytes = 64;

struct Outcome {
  std::string command_id;  // empty when the payload carried no usable id
  std::string command;
  CommandStatus status = CommandStatus::kOk;
  std::string reason;  // empty when ok; else names the field and what was expected
  // An applied erase: what it deleted (the cmd-result's detail.erased).
  std::optional<store::ErasedCounts> erased;
};

// What a command needs of the running pipeline when it arrives.
struct Context {
  vehicle::VehicleInfo vehicle;  // the VIN to match; the report's vehicle facts
  // Arrival time, epoch ms: expiry is judged against it, and the cmd-result
  // is stamped with it.
  std::int64_t now_ms = 0;
  // For report-request (maintenance table, rejected-sample counter).
  reports::ReportContext report;
  // The engagement settings in force, which a config command's values are
  // checked against. Null: config is rejected as unavailable.
  const engagement::EngagementSettings* engagement = nullptr;
};

// True for the commands whose effect changes what the engagement engine
// works from (campaign, appointment, customer-profile, config).
bool isEngagementCommand(std::string_view name);
// True for erase, after which nothing the engagement holds in memory about
// the driver (profile, open prompts, the period picture) may be used again.
bool isEraseCommand(std::string_view name);

// The parts of the store a command touches: reads (report-request), the
// history (service-record, reports), the outbox (cmd-result) and the ledger
// (de-duplication and the all-or-nothing unit) and the prompt ledger
// (campaigns, appointments) and the personal data (erase). One Store serves
// as all six.
struct StoreAccess {
  const store::Reader& reader;
  store::History& history;
  store::Outbox& outbox;
  store::CommandLedger& ledger;
  store::PromptLedger& prompts;
  store::PersonalData& personal;
};

class Processor {
 public:
  // What `store` refers to must outlive the Processor.
  explicit Processor(StoreAccess store) : store_(store) {}
  explicit Processor(store::Store& store) : store_({store, store, store, store, store, store}) {}

  // A command from MQTT: `name` is the topic's last level, `payload` the raw
  // bytes. Never throws; any input yields an Outcome and one cmd-result.
  // status kError means the store failed (the effect was undone; the CRM may
  // send the command again).
  Outcome handleMqtt(std::string_view name, std::string_view payload, const Context& context);

  // A command line of a recording ({"ts", "command", "body"}). Its envelope:
  // issued_at = ts, no expiry, the recording's own vehicle (no VIN check),
  // and an id derived from (command, ts, body) as a name-based UUID (v5), so
  // a replay yields the same ids every time and a replay continuing a
  // --state-dir does not apply a command twice. `context.now_ms` is
  // ignored: the line's ts is the arrival time.
  Outcome handleRecorded(const vehicle::Command& command, Context context);

 private:
  Outcome process(const Envelope& envelope, const Context& context);
  Outcome apply(const Envelope& envelope, const Context& context);
  // Queues the cmd-result; a store failure turns the outcome into kError.
  Outcome answer(Outcome outcome, const Context& context);

  StoreAccess store_;
};

}  // namespace crm::commands
