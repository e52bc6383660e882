#include "crm/commands/processor.h"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <variant>

#include "crm/common/input_limits.h"
#include "crm/common/log.h"
#include "crm/store/meta_keys.h"
#include "engagement_bodies.h"
#include "validate.h"

namespace crm::commands {
namespace {

using nlohmann::json;

// Stable: the namespace of recording command ids. Changing it changes every
// derived id, and a replay continuing a --state-dir would apply its
// commands again.
constexpr char kRecordingNamespace[] = "5b0d7c1e-3f7a-4a8e-9c61-2d4f8e0a9b17";

Outcome rejected(std::string id, std::string command, std::string reason) {
  return Outcome{std::move(id), std::move(command), CommandStatus::kRejected, std::move(reason),
                 std::nullopt};
}

}  // namespace

const char* statusName(CommandStatus status) {
  switch (status) {
    case CommandStatus::kOk:
      return "ok";
    case CommandStatus::kRejected:
      return "rejected";
    case CommandStatus::kError:
      return "error";
  }
  return "error";
}

Outcome Processor::handleMqtt(std::string_view name, std::string_view payload,
                              const Context& context) {
  if (payload.size() > kMaxPayloadBytes) {
    // Not even parsed: a flood of large payloads must stay cheap.
    return answer(rejected({}, std::string(name),
                           "payload is " + std::to_string(payload.size()) + " bytes; at most " +
                               std::to_string(kMaxPayloadBytes) + " are accepted"),
                  context);
  }
  if (name.size() > kMaxNameBytes) {
    // No command is named like this; the answer echoes only its start.
    return answer(
        rejected({}, std::string(name.substr(0, kMaxNameBytes)),
                 "unknown command (a name of " + std::to_string(name.size()) + " characters)"),
        context);
  }
  auto parsed = parseEnvelope(name, payload);
  if (!parsed.envelope) {
    return answer(rejected(parsed.id, std::string(name), parsed.reason), context);
  }
  const Envelope& e = *parsed.envelope;
  if (e.vin && *e.vin != context.vehicle.vin) {
    // The VIN itself is not echoed: the reason goes back over the network.
    return answer(rejected(e.id, e.name, "vin: addressed to another vehicle"), context);
  }
  if (e.expires_at && context.now_ms >= *e.expires_at) {
    return answer(rejected(e.id, e.name,
                           "expired: expires_at " + std::to_string(*e.expires_at) +
                               " is not after its arrival at " + std::to_string(context.now_ms)),
                  context);
  }
  return process(e, context);
}

Outcome Processor::handleRecorded(const vehicle::Command& command, Context context) {
  context.now_ms = command.ts_ms;
  const std::string name =
      command.name + "\n" + std::to_string(command.ts_ms) + "\n" + command.body_json;
  const boost::uuids::uuid ns = boost::uuids::string_generator{}(std::string(kRecordingNamespace));
  const boost::uuids::name_generator_sha1 gen{ns};
  Envelope e;
  e.id = boost::uuids::to_string(gen(name));
  e.name = command.name;
  e.issued_at = command.ts_ms;
  // The recording reader has checked the whole line; a body from any other
  // caller gets the same guard before it is parsed and walked.
  if (auto why = input::checkJsonInput(command.body_json, kMaxPayloadBytes)) {
    return answer(rejected(e.id, e.name, "body: " + *why), context);
  }
  // The recording reader passes only objects as bodies.
  e.body = json::parse(command.body_json, nullptr, /*allow_exceptions=*/false);
  if (!e.body.is_object())
    return answer(rejected(e.id, e.name, "body: expected an object"), context);
  return process(e, context);
}

Outcome Processor::process(const Envelope& e, const Context& context) {
  switch (classify(e.name)) {
    case Kind::kUnknown:
      return answer(rejected(e.id, e.name,
                             "unknown command '" + (e.name.size() <= 40 ? e.name : "...") +
                                 "' (expected one of " + supportedList() + ")"),
                    context);
    case Kind::kNotSupported:
      return answer(
          rejected(e.id, e.name, "command '" + e.name + "' is not supported by this agent version"),
          context);
    case Kind::kSupported:
      break;
  }
  auto seen = store_.ledger.commandSeen(e.id);
  if (!seen) {
    log::error("command: {} id={}: {}", e.name, e.id, seen.error().message);
    return answer(Outcome{e.id, e.name, CommandStatus::kError,
                          "the agent could not check whether it had this command; send it again",
                          std::nullopt},
                  context);
  }
  if (*seen) {
    return answer(rejected(e.id, e.name, "id: already processed (a duplicate)"), context);
  }
  return apply(e, context);
}

namespace {

struct ProfileEffect {
  ProfileBody profile;
};
struct ConfigEffect {
  json overrides;
};
using Effect = std::variant<ServiceRecordBody, ReportRequestBody, store::CampaignRecord,
                            store::AppointmentRecord, ProfileEffect, ConfigEffect, EraseBody>;

// The body, checked completely before anything is staged: the effect, or
// the reason it is rejected.
std::variant<Effect, std::string> parseBody(const Envelope& e, const Context& context) {
  auto lift = [](auto parsed) -> std::variant<Effect, std::string> {
    if (auto* why = std::get_if<std::string>(&parsed)) return *why;
    return Effect(std::get<0>(std::move(parsed)));
  };
  if (e.name == "service-record") {
    return lift(parseServiceRecord(e.body, e.issued_at, context.vehicle.utc_offset_minutes));
  }
  if (e.name == "report-request") return lift(parseReportRequest(e.body));
  if (e.name == "campaign") return lift(parseCampaign(e.body, e.issued_at));
  if (e.name == "appointment") return lift(parseAppointment(e.body, e.issued_at));
  if (e.name == "erase") return lift(parseErase(e.body));
  if (e.name == "customer-profile") {
    auto parsed = parseCustomerProfile(e.body);
    if (auto* why = std::get_if<std::string>(&parsed)) return *why;
    return Effect(ProfileEffect{std::get<ProfileBody>(std::move(parsed))});
  }
  // config
  if (context.engagement == nullptr) return std::string("config: not available in this mode");
  auto parsed = parseConfig(e.body, *context.engagement);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  return Effect(ConfigEffect{std::get<json>(std::move(parsed))});
}

// Stages a checked command's effect in the batch; an erase says what it
// deleted in `erased`.
Status<store::StoreError> stageEffect(const StoreAccess& access, const Envelope& e,
                                      const Context& context, const Effect& effect,
                                      std::optional<store::ErasedCounts>& erased) {
  using Staged = Status<store::StoreError>;
  if (std::holds_alternative<EraseBody>(effect)) {
    auto counts = access.personal.erasePersonal();
    if (!counts) return counts.error();
    erased = *counts;
    return {};
  }
  if (const auto* service = std::get_if<ServiceRecordBody>(&effect)) {
    return access.history.addServiceRecord({e.id, service->visit_date, service->odometer_km,
                                            service->items, service->dealer_id, context.now_ms});
  }
  if (const auto* report = std::get_if<ReportRequestBody>(&effect)) {
    // The report's period ends at the newest data: the car's "now" as its
    // data knows it (a simulated or replayed car runs ahead of the wall clock).
    const auto newest = access.reader.newestSampleMs();
    const std::int64_t end = newest ? *newest + 1 : context.now_ms;
    reports::ReportContext rc = context.report;
    rc.on_request = true;
    auto made =
        reports::generateReport(access.reader, access.history, access.outbox, context.vehicle,
                                reports::periodEnding(end, report->period_days), rc);
    if (!made) return made.error();
    return {};
  }
  if (const auto* campaign = std::get_if<store::CampaignRecord>(&effect)) {
    store::CampaignRecord c = *campaign;
    c.command_id = e.id;
    c.received_ms = context.now_ms;
    return access.prompts.putCampaign(c);
  }
  if (const auto* appointment = std::get_if<store::AppointmentRecord>(&effect)) {
    store::AppointmentRecord a = *appointment;
    a.command_id = e.id;
    a.received_ms = context.now_ms;
    return access.prompts.putAppointment(a);
  }
  if (const auto* profile = std::get_if<ProfileEffect>(&effect)) {
    for (const auto& [key, value] :
         {std::pair{store::kProfileTierKey, &profile->profile.tier},
          std::pair{store::kProfileLanguageKey, &profile->profile.language},
          std::pair{store::kProfileDealerKey, &profile->profile.dealer_id}}) {
      if (Staged st = access.history.setMeta(key, *value); !st) return st;
    }
    return {};
  }
  // config: merged over the overrides the CRM sent before, so settings it
  // did not name keep their earlier override.
  json merged = json::object();
  if (const auto stored = access.reader.meta(store::kEngagementOverridesKey)) {
    merged = json::parse(*stored, nullptr, /*allow_exceptions=*/false);
    if (!merged.is_object()) merged = json::object();
  }
  merged.merge_patch(std::get<ConfigEffect>(effect).overrides);
  return access.history.setMeta(store::kEngagementOverridesKey, merged.dump());
}

}  // namespace

bool isEngagementCommand(std::string_view name) {
  return name == "campaign" || name == "appointment" || name == "customer-profile" ||
         name == "config";
}

bool isEraseCommand(std::string_view name) {
  return name == "erase";
}

Outcome Processor::apply(const Envelope& e, const Context& context) {
  auto parsed = parseBody(e, context);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    return answer(rejected(e.id, e.name, *why), context);
  }
  const Effect& effect = std::get<Effect>(parsed);

  using Staged = Status<store::StoreError>;
  std::optional<store::ErasedCounts> erased;
  auto stageAll = [&]() -> Staged {
    if (auto st = stageEffect(store_, e, context, effect, erased); !st) return st;
    if (auto st = store_.ledger.markCommandSeen(e.id, e.name, context.now_ms); !st) return st;
    const auto answered = answer(Outcome{e.id, e.name, CommandStatus::kOk, {}, erased}, context);
    if (answered.status != CommandStatus::kOk) {
      return fail(store::StoreError::kIo, answered.reason);
    }
    return {};
  };

  // Effect, de-duplication entry and cmd-result: one unit of the batch.
  std::string failure;
  if (auto st = store_.ledger.beginUnit(); !st) {
    failure = st.error().message;
  } else {
    auto staged = stageAll();
    if (staged) {
      auto kept = store_.ledger.endUnit(true);
      if (kept) {
        log::info("command: {} id={} ok", e.name, e.id);
        return Outcome{e.id, e.name, CommandStatus::kOk, {}, erased};
      }
      failure = kept.error().message;
    } else {
      failure = staged.error().message;
    }
    if (auto undone = store_.ledger.endUnit(false); !undone) {
      // The batch may be gone with it; the next commit says so again.
      log::error("command: {} id={}: undoing: {}", e.name, e.id, undone.error().message);
    }
  }
  log::error("command: {} id={}: the store failed: {}", e.name, e.id, failure);
  return answer(
      Outcome{e.id, e.name, CommandStatus::kError,
              "the agent could not store the command's effect; send it again", std::nullopt},
      context);
}

Outcome Processor::answer(Outcome outcome, const Context& context) {
  json body = {
      {"command_id", outcome.command_id.empty() ? json(nullptr) : json(outcome.command_id)},
      {"command", outcome.command},
      {"status", statusName(outcome.status)},
      {"reason", outcome.reason.empty() ? json(nullptr) : json(outcome.reason)}};
  // Counts only: what kinds of data went, never any of it.
  if (outcome.erased) body["detail"] = {{"erased", store::toJson(*outcome.erased)}};
  if (outcome.status == CommandStatus::kRejected) {
    log::warn("command: {} id={} rejected: {}", outcome.command, outcome.command_id,
              outcome.reason);
  }
  // Replace, not throw, should a topic name carry invalid UTF-8.
  const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  auto queued =
      store_.outbox.enqueue(wire::Kind::kCmdResult, context.vehicle.vin, context.now_ms, text);
  if (!queued) {
    log::error("command: cannot queue the cmd-result: {}", queued.error().message);
    outcome.status = CommandStatus::kError;
    outcome.reason = queued.error().message;
  }
  return outcome;
}

}  // namespace crm::commands
