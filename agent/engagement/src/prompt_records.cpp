#include "prompt_records.h"

#include <nlohmann/json.hpp>

namespace crm::engagement {
namespace {

using nlohmann::json;

// The figures behind the words; rules write an object, anything else (a
// damaged row) is sent as an empty one rather than as broken JSON.
json detailOf(const Prompt& prompt) {
  json detail = json::parse(prompt.detail_json, nullptr, false);
  return detail.is_object() ? detail : json::object();
}

json optionalMs(const std::optional<std::int64_t>& ms) {
  return ms ? json(*ms) : json(nullptr);
}

// Text from outside (a DTC from the car, a dealer id from the CRM) is not
// trusted to be UTF-8: replaced rather than thrown on.
std::string dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

json subjectOf(const Prompt& prompt) {
  return prompt.subject.empty() ? json(nullptr) : json(prompt.subject);
}

}  // namespace

store::PromptRecord toRecord(const Prompt& p) {
  store::PromptRecord r;
  r.id = p.id;
  r.rule = p.rule;
  r.subject = p.subject;
  r.severity = severityName(p.severity);
  r.state = stateName(p.state);
  r.title_en = p.title.en;
  r.title_zh = p.title.zh;
  r.message_en = p.message.en;
  r.message_zh = p.message.zh;
  r.booking = p.booking;
  r.uncapped = p.uncapped;
  r.detail_json = p.detail_json;
  r.raised_ms = p.raised_ms;
  r.expires_ms = p.expires_ms;
  r.delivered_ms = p.delivered_ms;
  r.state_ms = p.state_ms;
  r.snoozed_until = p.snoozed_until;
  return r;
}

std::optional<Prompt> fromRecord(const store::PromptRecord& r) {
  const auto severity = severityFromName(r.severity);
  const auto state = stateFromName(r.state);
  if (!severity || !state) return std::nullopt;
  Prompt p;
  p.id = r.id;
  p.rule = r.rule;
  p.subject = r.subject;
  p.severity = *severity;
  p.state = *state;
  p.title = Text{r.title_en, r.title_zh};
  p.message = Text{r.message_en, r.message_zh};
  p.booking = r.booking;
  p.uncapped = r.uncapped;
  p.detail_json = r.detail_json;
  p.raised_ms = r.raised_ms;
  p.expires_ms = r.expires_ms;
  p.delivered_ms = r.delivered_ms;
  p.state_ms = r.state_ms;
  p.snoozed_until = r.snoozed_until;
  return p;
}

std::string promptsBody(const Prompt& prompt, std::string_view event, std::int64_t ts_ms) {
  const json body{
      {"event", event},
      {"prompt_id", prompt.id},
      {"rule", prompt.rule},
      {"subject", subjectOf(prompt)},
      {"severity", severityName(prompt.severity)},
      {"raised_ts", prompt.raised_ms},
      {"delivered_ts", optionalMs(prompt.delivered_ms)},
      {"expires_ts", prompt.expires_ms != 0 ? json(prompt.expires_ms) : json(nullptr)},
      {"event_ts", ts_ms},
      {"detail", detailOf(prompt)},
  };
  return dump(body);
}

std::string serviceRequestBody(const Prompt& prompt, std::int64_t ts_ms, Language language,
                               std::string_view dealer_id) {
  const json body{
      {"prompt_id", prompt.id},
      {"rule", prompt.rule},
      {"subject", subjectOf(prompt)},
      {"severity", severityName(prompt.severity)},
      {"detail", detailOf(prompt)},
      {"requested_ts", ts_ms},
      {"language", languageName(language)},
      {"dealer_id", dealer_id.empty() ? json(nullptr) : json(dealer_id)},
  };
  return dump(body);
}

}  // namespace crm::engagement
