// The fault list: the health report's faults section over the cache's whole
// raw retention, filtered.
#include "common.h"
#include "crm/reports/report_sections.h"

namespace crm::diagnostics {

std::vector<reports::Fault> faultHistory(const Sources& sources) {
  // From the beginning of time: raw reads never reach behind the retention
  // horizon, so this is "everything the cache still holds".
  const auto newest = sources.store.newestSampleMs();
  const std::int64_t end = std::max(sources.now_ms, newest.value_or(0)) + 1;
  return reports::faultsSection(sources.store, analytics::Period{0, end});
}

Result<json, DiagnosticsError> faults(const Sources& sources, const FaultFilter& filter) {
  clearStaleReadError(sources.store);
  const auto all = faultHistory(sources);
  if (auto st = checkReads(sources.store, "faults"); !st) return st.error();
  json items = json::array();
  for (const auto& f : all) {
    if (filter.active_only && !f.active) continue;
    if (!f.code.starts_with(filter.code_prefix)) continue;
    items.push_back({{"code", f.code},
                     {"first_seen_ms", f.first_seen},
                     {"last_seen_ms", f.last_seen},
                     {"status", f.active ? "active" : "cleared"}});
  }
  return json{{"items", std::move(items)}};
}

}  // namespace crm::diagnostics
