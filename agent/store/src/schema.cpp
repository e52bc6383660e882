// Schema versions. Stable: every statement here describes files already on
// cars. Never edit a migration; append a new one.
#include <array>
#include <string>

#include "crm/common/log.h"
#include "impl.h"

namespace crm::store {
namespace {

constexpr std::array<const char*, 7> kMigrations{
    // v1: the foundation.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE signals(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE samples(signal INTEGER NOT NULL, ts INTEGER NOT NULL, num REAL, text TEXT);
CREATE INDEX samples_by_signal_ts ON samples(signal, ts);
CREATE TABLE rollup_hourly(signal INTEGER NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL,
  min REAL, max REAL, sum REAL, first REAL, last REAL, first_ts INTEGER, last_ts INTEGER,
  PRIMARY KEY(signal, bucket)) WITHOUT ROWID;
CREATE TABLE rollup_daily(signal INTEGER NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL,
  min REAL, max REAL, sum REAL, first REAL, last REAL, first_ts INTEGER, last_ts INTEGER,
  PRIMARY KEY(signal, bucket)) WITHOUT ROWID;
CREATE INDEX rollup_daily_by_bucket ON rollup_daily(bucket);
CREATE TABLE outbox(seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,
  priority INTEGER NOT NULL, retain INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  payload TEXT NOT NULL);
CREATE INDEX outbox_by_priority ON outbox(priority, seq);
CREATE TABLE charging_sessions(id INTEGER PRIMARY KEY, start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL, start_soc REAL, end_soc REAL, energy_kwh REAL, peak_kw REAL,
  average_kw REAL, dc INTEGER, pack_temp_max_c REAL, interrupted INTEGER, inferred INTEGER);
CREATE INDEX charging_sessions_by_start ON charging_sessions(start_ms);
CREATE TABLE trips(id INTEGER PRIMARY KEY, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
  distance_km REAL, energy_kwh REAL, ambient_c REAL);
CREATE INDEX trips_by_start ON trips(start_ms);
CREATE TABLE capacity_estimates(ts INTEGER NOT NULL, capacity_kwh REAL NOT NULL,
  soc_span REAL NOT NULL, temperature_c REAL);
CREATE INDEX capacity_estimates_by_ts ON capacity_estimates(ts);
CREATE TABLE reports(id INTEGER PRIMARY KEY, period_from INTEGER NOT NULL,
  period_to INTEGER NOT NULL, generated_ms INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE faults(code TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  active INTEGER NOT NULL, PRIMARY KEY(code, first_seen)) WITHOUT ROWID;
CREATE TABLE commands_seen(id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // v2: commands. Service records (workshop visits) reset maintenance items
    // and count visits; commands_seen names the command it de-duplicated;
    // reports made on request do not move the periodic schedule.
    R"sql(
CREATE TABLE service_records(id INTEGER PRIMARY KEY, command_id TEXT NOT NULL,
  visit_date TEXT NOT NULL, odometer_km REAL NOT NULL, items TEXT NOT NULL,
  dealer_id TEXT NOT NULL, received_ms INTEGER NOT NULL);
CREATE INDEX service_records_by_visit ON service_records(visit_date);
ALTER TABLE commands_seen ADD COLUMN command TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN on_request INTEGER NOT NULL DEFAULT 0;
)sql",
    // v3: the outbox keeps bodies, not envelopes: the sync side builds the
    // envelope when it sends, so the wire format is decided in one place.
    // Messages queued by v2 are unwrapped; their seq, id and ts stay. A row
    // that is not an envelope with an object body and a VIN (only damage
    // makes one) cannot be sent as the contract says: it is dropped and
    // counted with the quota's losses. Uses SQLite's JSON functions (built
    // in since 3.38; Debian's library has them).
    R"sql(
ALTER TABLE outbox ADD COLUMN vin TEXT;
UPDATE outbox SET vin = json_extract(payload, '$.vin'), payload = json_extract(payload, '$.body')
  WHERE CASE WHEN json_valid(payload)
    THEN json_type(payload, '$.body') = 'object' AND json_type(payload, '$.vin') = 'text'
    ELSE 0 END;
INSERT OR REPLACE INTO meta(key, value) SELECT 'outbox_dropped',
  coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_dropped'), 0) +
  (SELECT count(*) FROM outbox WHERE vin IS NULL)
  WHERE EXISTS (SELECT 1 FROM outbox WHERE vin IS NULL);
DELETE FROM outbox WHERE vin IS NULL;
)sql",
    // v4: incremental auto-vacuum. Nothing to do inside the transaction: the
    // mode switch needs a VACUUM, which cannot run in one and may have to
    // wait for space (makeVacuumIncremental, below). Earlier agents left the
    // cache at v3 while it waited; since v5 the version is recorded here and
    // the switch is retried at every start until the mode holds, so later
    // steps never wait on free space.
    "",
    // v5: engagement. Prompts with their current state and every lifecycle
    // step (personal data: kept 13 months, retention.cpp); the campaigns and
    // appointments the CRM sent (kept 30 days past their end). Severities,
    // states and events are stored by their stable names
    // (crm/engagement/prompt.h). The partial index holds only open prompts,
    // which the engine reads at every evaluation.
    R"sql(
CREATE TABLE prompts(id INTEGER PRIMARY KEY, rule TEXT NOT NULL, subject TEXT NOT NULL,
  severity TEXT NOT NULL, state TEXT NOT NULL, title_en TEXT NOT NULL, title_zh TEXT NOT NULL,
  message_en TEXT NOT NULL, message_zh TEXT NOT NULL, booking INTEGER NOT NULL,
  uncapped INTEGER NOT NULL, detail TEXT NOT NULL, raised_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL, delivered_ms INTEGER, state_ms INTEGER NOT NULL,
  snoozed_until INTEGER);
CREATE INDEX prompts_open ON prompts(id) WHERE state IN ('raised', 'delivered', 'snoozed');
CREATE INDEX prompts_by_rule_subject ON prompts(rule, subject, id);
CREATE INDEX prompts_by_raised ON prompts(raised_ms);
CREATE TABLE prompt_events(prompt_id INTEGER NOT NULL, ts INTEGER NOT NULL, event TEXT NOT NULL);
CREATE INDEX prompt_events_by_ts ON prompt_events(ts);
CREATE TABLE campaigns(campaign_id TEXT PRIMARY KEY, kind TEXT NOT NULL, severity TEXT NOT NULL,
  title_en TEXT NOT NULL, title_zh TEXT NOT NULL, message_en TEXT NOT NULL,
  message_zh TEXT NOT NULL, valid_until INTEGER NOT NULL, command_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE appointments(appointment_id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL,
  dealer_name TEXT NOT NULL, items TEXT NOT NULL, command_id TEXT NOT NULL,
  received_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // v6: the outbox's time-to-live. Each message keeps the instant past
    // which it is not worth sending (0: never), fixed when it was queued.
    // Messages queued before get their kind's time-to-live of this version
    // (crm/common/wire.h; written out here, as a migration never changes).
    R"sql(
ALTER TABLE outbox ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET expires_ms = created_ms + 3600000 * CASE kind
  WHEN 'telemetry/daily' THEN 2160 WHEN 'telemetry/charge-session' THEN 2160
  WHEN 'health-report' THEN 2160 WHEN 'prompts' THEN 720 WHEN 'service-request' THEN 336
  WHEN 'faults' THEN 720 WHEN 'cmd-result' THEN 168 ELSE 0 END
  WHERE kind IN ('telemetry/daily', 'telemetry/charge-session', 'health-report', 'prompts',
                 'service-request', 'faults', 'cmd-result');
)sql",
    // v7: the newest samples. A commit each second while driving used to
    // rewrite one page of samples_by_signal_ts per signal it touched; new
    // samples now go to samples_recent, which has no index (a commit adds to
    // its last page), and move to samples in one step every ~1,000 rows or
    // roll-up checkpoint (samples.cpp, settleSamples). A row keeps its rowid
    // when it moves, and the store gives the rowids: across both tables,
    // rowid order is the order samples were taken. samples_all is every
    // stored sample, `id` being that rowid.
    R"sql(
CREATE TABLE samples_recent(signal INTEGER NOT NULL, ts INTEGER NOT NULL, num REAL, text TEXT);
CREATE VIEW samples_all AS SELECT rowid AS id, signal, ts, num, text FROM samples
  UNION ALL SELECT rowid, signal, ts, num, text FROM samples_recent;
)sql",
};

constexpr auto kLatestVersion = static_cast<std::int64_t>(kMigrations.size());

// Incremental auto-vacuum (schema v4). Caches made before it chose the mode
// after the switch to WAL, where it silently does nothing: their free pages
// were never given back, and the file outgrew its quota. Changing the mode of
// a file with tables needs one full VACUUM (allowed in WAL mode for this
// setting), so it runs outside a transaction. It needs room for a copy of
// the file: if it fails (a full disk), the cache stays usable in the old
// mode and the switch is tried again at the next start. The mode itself is
// the record of success, not the schema version.
void makeVacuumIncremental(Db& db) {
  if (db.queryInt("PRAGMA auto_vacuum").value_or(0) == 2) return;
  if (db.exec("PRAGMA auto_vacuum = INCREMENTAL; VACUUM") != SQLITE_OK) {
    log::warn("store: switch to incremental vacuum postponed to the next start: {}",
              db.lastError());
  }
}

}  // namespace

Status<StoreError> migrate(Db& db) {
  auto version = db.queryInt("PRAGMA user_version");
  if (!version) return fail(StoreError::kIo, "cannot read user_version: " + db.lastError());
  if (*version > kLatestVersion) {
    return fail(StoreError::kCannotOpen,
                "schema version " + std::to_string(*version) + " is newer than this agent");
  }
  // (auto_vacuum for a new file is chosen in Store::open, before WAL.)
  for (auto v = *version; v < kLatestVersion; ++v) {
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kMigrations[v];
    sql += "PRAGMA user_version = " + std::to_string(v + 1) + ";";
    sql += "PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    sql += "COMMIT;";
    if (db.exec(sql) != SQLITE_OK) {
      std::string err = db.lastError();
      db.exec("ROLLBACK");
      return fail(StoreError::kIo, "migration to v" + std::to_string(v + 1) + " failed: " + err);
    }
  }
  makeVacuumIncremental(db);
  return {};
}

}  // namespace crm::store
