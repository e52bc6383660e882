// The views of the store itself: outbox, storage, version.
#include "common.h"
#include "crm/store/outbox_losses.h"

namespace crm::diagnostics {

Result<json, DiagnosticsError> outboxData(const Sources& sources) {
  auto summary = sources.store.outboxSummary();
  if (!summary) return fail(DiagnosticsError::kRead, "outbox: " + summary.error().message);
  auto losses = store::outboxLosses(sources.store);
  if (!losses) return fail(DiagnosticsError::kRead, "outbox: " + losses.error().message);
  const auto stats = sources.store.stats();
  if (auto st = checkReads(sources.store, "outbox"); !st) return st.error();
  json by_kind = json::object();
  for (const auto& [kind, n] : summary->by_kind) by_kind[kind] = n;
  json lost_by_kind = json::object();
  for (const auto& [kind, n] : losses->by_kind) {
    lost_by_kind[kind] = {{"quota", n.quota}, {"expired", n.expired}};
  }
  return json{{"pending", summary->pending},
              {"by_kind", std::move(by_kind)},
              {"oldest_ms", orNull(summary->oldest_ms)},
              {"next_seq", stats.next_seq},
              {"dropped_quota", stats.outbox_dropped},
              {"expired", losses->expired ? json(*losses->expired) : json(-1)},
              {"lost_by_kind", std::move(lost_by_kind)},
              {"connected", orNull(sources.runtime.broker_connected)},
              {"last_ack_ms", orNull(sources.runtime.last_ack_ms)}};
}

Result<json, DiagnosticsError> storageData(const Sources& sources) {
  const auto s = sources.store.stats();
  if (auto st = checkReads(sources.store, "storage"); !st) return st.error();
  return json{{"path", sources.config.storage.path},
              {"file_bytes", s.file_bytes},
              {"quota_bytes", s.quota_bytes},
              {"samples", s.samples},
              {"samples_reduced", s.samples_reduced},
              {"oldest_sample_ms", orNull(s.oldest_sample_ms)},
              {"newest_sample_ms", orNull(s.newest_sample_ms)},
              {"hourly_rollups", s.hourly_rollups},
              {"daily_rollups", s.daily_rollups},
              {"outbox_pending", s.outbox_pending},
              {"outbox_dropped", s.outbox_dropped},
              {"next_seq", s.next_seq}};
}

Result<json, DiagnosticsError> versionData(const Sources& sources) {
  auto schema = sources.store.schemaVersion();
  if (!schema) return fail(DiagnosticsError::kRead, "version: " + schema.error().message);
  return json{{"agent", kAgentVersion}, {"schema_version", *schema}, {"contract", kContract}};
}

}  // namespace crm::diagnostics
