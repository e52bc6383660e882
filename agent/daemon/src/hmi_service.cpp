#include "hmi_service.h"

#include "crm/common/log.h"
#include "crm/engagement/engine.h"
#include "crm/reports/health_report.h"
#include "crm/reports/html.h"

namespace crm::daemon {
namespace {

using nlohmann::json;

json promptJson(const engagement::Prompt& p) {
  const auto orNull = [](std::int64_t v) { return v > 0 ? json(v) : json(nullptr); };
  return {{"id", p.id},
          {"rule", p.rule},
          {"subject", p.subject.empty() ? json(nullptr) : json(p.subject)},
          {"severity", engagement::severityName(p.severity)},
          {"title", {{"en", p.title.en}, {"zh-CN", p.title.zh}}},
          {"message", {{"en", p.message.en}, {"zh-CN", p.message.zh}}},
          {"booking", p.booking},
          {"delivered_ts", orNull(p.delivered_ms.value_or(0))},
          {"expires_ts", orNull(p.expires_ms)},
          {"actions", {"accept", "snooze", "dismiss"}}};
}

}  // namespace

HmiService::HmiService(pipeline::Pipeline& pipeline, store::Store& store,
                       const reports::MaintenanceTable& maintenance, std::function<bool()> commit)
    : pipeline_(pipeline), store_(store), maintenance_(maintenance), commit_(std::move(commit)) {}

std::optional<json> HmiService::prompts() {
  auto visible = pipeline_.visiblePrompts();
  if (!visible) {
    log::error("hmi: cannot read prompts: {}", visible.error().message);
    return std::nullopt;
  }
  json list = json::array();
  for (const auto& p : *visible) list.push_back(promptJson(p));
  return json{{"language", engagement::languageName(pipeline_.language())},
              {"prompts", std::move(list)}};
}

localapi::ActionReply HmiService::act(std::int64_t prompt_id, std::string_view action) {
  using localapi::ActionOutcome;
  const auto parsed = engagement::actionFromName(action);
  if (!parsed) return {ActionOutcome::kBadAction, "expected accept, snooze or dismiss"};
  auto done = pipeline_.promptAction(prompt_id, *parsed);
  if (!done) {
    switch (done.error().code) {
      case engagement::ActionError::kUnknownPrompt:
        return {ActionOutcome::kUnknownPrompt, "no prompt " + std::to_string(prompt_id)};
      case engagement::ActionError::kNotActionable:
        return {ActionOutcome::kNotActionable,
                "prompt " + std::to_string(prompt_id) + " is not shown now"};
      case engagement::ActionError::kStore:
        break;
    }
    log::error("hmi: action on prompt {}: {}", prompt_id, done.error().message);
    return {ActionOutcome::kUnavailable, "the agent cannot store the action now"};
  }
  // Durable before it is acknowledged: the driver's "book" must not be lost.
  if (!commit_()) return {ActionOutcome::kUnavailable, "the agent cannot store the action now"};
  return {ActionOutcome::kOk, {}};
}

std::optional<std::string> HmiService::latestReportJson() {
  auto report = store_.latestReport();
  if (!report) return std::nullopt;
  return std::move(report->json);
}

std::optional<std::string> HmiService::latestReportHtml(std::string_view language) {
  const auto stored = store_.latestReport();
  if (!stored) return std::nullopt;
  if (stored->id != page_report_id_) {
    pages_.clear();
    page_report_id_ = stored->id;
  }
  if (const auto it = pages_.find(language); it != pages_.end()) return it->second;
  // The stored report is JSON; the page needs its values and chart series,
  // read again for the same period (the figures are the same: same data).
  const analytics::Period period{stored->period_from, stored->period_to};
  reports::ReportContext context{&maintenance_};
  context.prompts = &store_;
  const auto report = reports::buildHealthReport(store_, pipeline_.vehicle(), period, context);
  const auto charts = reports::buildChartData(store_, pipeline_.vehicle(), period);
  if (auto err = store_.takeReadError()) {
    log::error("hmi: report page: {}", *err);
    return std::nullopt;
  }
  auto page = reports::renderHtml(report, charts, std::string(language));
  pages_.emplace(std::string(language), page);
  return page;
}

}  // namespace crm::daemon
