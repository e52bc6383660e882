#include "crm/reports/health_report.h"

namespace crm::reports {

Result<std::vector<ChartData::PromptLine>, store::StoreError> promptHistory(
    const store::PromptLedger& prompts, analytics::Period period) {
  auto raised = prompts.promptsRaised(period.from_ms, period.to_ms);
  if (!raised) return raised.error();
  std::vector<ChartData::PromptLine> lines;
  lines.reserve(raised->size());
  for (auto& p : *raised) {
    lines.push_back({p.raised_ms, std::move(p.rule), std::move(p.severity), std::move(p.state),
                     std::move(p.title_en), std::move(p.title_zh), std::move(p.message_en),
                     std::move(p.message_zh)});
  }
  return lines;
}

}  // namespace crm::reports
