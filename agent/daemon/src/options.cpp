#include "options.h"

namespace crm::daemon {

store::StoreOptions storeOptions(const config::Config& config, std::string path,
                                 Durability durability) {
  store::StoreOptions o;
  o.path = std::move(path);
  o.quota_bytes = config.storage.quota_mib * 1024 * 1024;
  o.raw_retention_days = config.storage.raw_retention_days;
  o.full_sync = durability == Durability::kAsConfigured && config.storage.full_sync;
  o.utc_offset_minutes = config.vehicle.utc_offset_minutes;
  o.max_message_bytes = config.mqtt.max_payload_bytes;
  return o;
}

pipeline::PipelineOptions pipelineOptions(const config::Config& config,
                                          telemetry::Ingest::VinFrom vin_from) {
  pipeline::PipelineOptions o;
  o.vehicle = config.vehicle;
  o.vin_from = vin_from;
  o.report_period_days = config.report_period_days;
  o.maintenance = config.maintenance.table;
  o.engagement = config.engagement;
  o.share_prompt_history = config.privacy.share_prompt_history;
  return o;
}

}  // namespace crm::daemon
