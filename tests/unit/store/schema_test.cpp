// Schema migrations: a cache written by an older agent is upgraded in place,
// keeping what it holds. The older schemas are frozen copies here, as those
// agents wrote them.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "crm/store/store.h"
#include "crm/testing/fault_vfs.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

// The v1 schema exactly as agent 0.1 wrote it (agent/store/src/schema.cpp).
constexpr char kSchemaV1[] = R"sql(
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
)sql";

std::int64_t queryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

void writeV1(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql = "PRAGMA auto_vacuum = INCREMENTAL; BEGIN;";
  sql += kSchemaV1;
  sql +=
      "INSERT INTO meta VALUES('next_seq', '42');"
      "INSERT INTO meta VALUES('telemetry.daily.closed_through', '1767225600000');"
      "INSERT INTO commands_seen VALUES('123e4567-e89b-42d3-a456-426614174000', 1000);"
      "INSERT INTO reports(period_from, period_to, generated_ms, json) VALUES(1, 2, 3, '{}');"
      "INSERT INTO trips(start_ms, end_ms, distance_km, energy_kwh) VALUES(10, 20, 5.5, 1);"
      // Queued by agent 0.1 in its envelope: v3 keeps bodies only.
      "INSERT INTO outbox VALUES(41, 'a1b2', 'telemetry/daily', 0, 0, 777, "
      "'{\"schema\":\"crm.v1.telemetry.daily\",\"id\":\"a1b2\",\"seq\":41,"
      "\"vin\":\"VIN1\",\"ts\":777,\"body\":{\"distance_km\":3.5}}');"
      // Damaged rows: not JSON, and an envelope whose body is not an object.
      "INSERT INTO outbox VALUES(39, 'c3', 'faults', 2, 0, 5, 'garbage{');"
      "INSERT INTO outbox VALUES(40, 'd4', 'faults', 2, 0, 6, "
      "'{\"schema\":\"crm.v1.faults\",\"id\":\"d4\",\"seq\":40,\"vin\":\"VIN1\","
      "\"ts\":6,\"body\":[1]}');"
      "PRAGMA user_version = 1; PRAGMA application_id = 1129467201; COMMIT;";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);
}

TEST(SchemaMigration, AVersion1CacheIsUpgradedInPlaceKeepingItsData) {
  testing::TempDir dir;
  const auto path = dir.file("cache.db");
  writeV1(path);

  StoreOptions o;
  o.path = path;
  auto opened = Store::open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto store = std::move(opened).value();

  EXPECT_TRUE(store->recoveredFrom().empty());  // upgraded, not moved aside
  EXPECT_EQ(store->stats().next_seq, 42);
  EXPECT_EQ(store->meta("telemetry.daily.closed_through"), "1767225600000");
  EXPECT_TRUE(*store->commandSeen("123e4567-e89b-42d3-a456-426614174000"));
  auto queued = store->pendingOutbox(0, 10);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), 1U);
  EXPECT_EQ(queued->front().seq, 41);
  EXPECT_EQ(queued->front().id, "a1b2");
  EXPECT_EQ(queued->front().vin, "VIN1");
  EXPECT_EQ(queued->front().created_ms, 777);
  EXPECT_EQ(queued->front().body, R"({"distance_km":3.5})");
  // v6: a message queued before the time-to-live gets its kind's (90 days).
  EXPECT_EQ(queued->front().expires_ms, 777 + 90LL * 86'400'000);
  // The damaged rows could not be sent as the contract says: dropped, counted.
  EXPECT_EQ(store->stats().outbox_dropped, 2);
  EXPECT_EQ(store->trips(0, 100).size(), 1U);
  auto report = store->latestReport();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->on_request);  // v1 reports were all periodic
  ASSERT_TRUE(store->latestPeriodicReport().has_value());

  // The new tables and columns work.
  ASSERT_TRUE(store->addServiceRecord({"c1", "2026-01-05", 1000, {"tire_rotation"}, "D1", 5}).ok());
  ASSERT_TRUE(store->markCommandSeen("c1", "service-record", 5).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->serviceRecords().size(), 1U);
  store.reset();
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM commands_seen WHERE command = 'service-record'"),
            1);
}

TEST(SchemaMigration, AFreshCacheIsCreatedAtTheLatestVersion) {
  testing::TempDir dir;
  StoreOptions o;
  o.path = dir.file("cache.db");
  ASSERT_TRUE(Store::open(o).ok());
  EXPECT_EQ(queryInt(o.path, "PRAGMA user_version"), 7);
  // Chosen before the switch to WAL, so it holds: retention can shrink the file.
  EXPECT_EQ(queryInt(o.path, "PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(queryInt(o.path, "SELECT count(*) FROM service_records"), 0);
  for (const char* table : {"prompts", "prompt_events", "campaigns", "appointments"}) {
    EXPECT_EQ(queryInt(o.path, ("SELECT count(*) FROM " + std::string(table)).c_str()), 0) << table;
  }
}

TEST(SchemaMigration, ACacheFromANewerAgentIsRefusedNotDowngraded) {
  testing::TempDir dir;
  const auto path = dir.file("cache.db");
  writeV1(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  StoreOptions o;
  o.path = path;
  auto opened = Store::open(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("newer than this agent"), std::string::npos);
}

// v2 and v3 as agent 0.2 left them (the data steps of v3 aside).
constexpr char kSchemaV2V3[] = R"sql(
CREATE TABLE service_records(id INTEGER PRIMARY KEY, command_id TEXT NOT NULL,
  visit_date TEXT NOT NULL, odometer_km REAL NOT NULL, items TEXT NOT NULL,
  dealer_id TEXT NOT NULL, received_ms INTEGER NOT NULL);
CREATE INDEX service_records_by_visit ON service_records(visit_date);
ALTER TABLE commands_seen ADD COLUMN command TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN on_request INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN vin TEXT;
)sql";

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);
}

// A v3 cache as agent 0.2 left it: WAL chosen first, so its auto_vacuum
// request did nothing and the file never shrank. `samples` raw samples are
// kept; 20000 more were written and deleted (free pages).
void writeV3AsAgent02(const std::string& path, int samples = 0) {
  std::string sql = "PRAGMA journal_mode = WAL; PRAGMA auto_vacuum = INCREMENTAL; BEGIN;";
  sql += kSchemaV1;
  sql += kSchemaV2V3;
  sql += R"sql(
INSERT INTO meta VALUES('next_seq', '77');
INSERT INTO outbox VALUES(76, 'e5', 'faults', 2, 0, 9, '{"a":1}', 'VIN1');
INSERT INTO trips(start_ms, end_ms, distance_km, energy_kwh) VALUES(10, 20, 5.5, 1);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  INSERT INTO samples(signal, ts, num) SELECT 1, i, i FROM n;
PRAGMA user_version = 3; PRAGMA application_id = 1129467201; COMMIT;
DELETE FROM samples;
)sql";
  sql += "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
         std::to_string(samples) + ") INSERT INTO samples(signal, ts, num) SELECT 2, i, i FROM n;";
  if (samples == 0) sql += "DELETE FROM samples;";
  exec(path, sql);
}

// A v4 cache as the agent before engagement left it: incremental vacuum
// chosen before WAL, the v1..v3 tables, some of everything.
void writeV4(const std::string& path) {
  std::string sql = "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; BEGIN;";
  sql += kSchemaV1;
  sql += kSchemaV2V3;
  sql += R"sql(
INSERT INTO meta VALUES('next_seq', '88');
INSERT INTO outbox VALUES(87, 'f6', 'cmd-result', 2, 0, 11, '{"b":2}', 'VIN1');
INSERT INTO trips(start_ms, end_ms, distance_km, energy_kwh) VALUES(10, 20, 5.5, 1);
INSERT INTO service_records(command_id, visit_date, odometer_km, items, dealer_id, received_ms)
  VALUES('c9', '2026-01-05', 1000, '["tire_rotation"]', 'D1', 5);
INSERT INTO commands_seen(id, received_ms, command) VALUES('c9', 5, 'service-record');
INSERT INTO reports(period_from, period_to, generated_ms, json, on_request) VALUES(1, 2, 3, '{}', 1);
PRAGMA user_version = 4; PRAGMA application_id = 1129467201; COMMIT;
)sql";
  exec(path, sql);
}

TEST(SchemaMigration, AVersion4CacheIsUpgradedToVersion5KeepingItsData) {
  testing::TempDir dir;
  const auto path = dir.file("cache.db");
  writeV4(path);
  ASSERT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 2);

  StoreOptions o;
  o.path = path;
  auto opened = Store::open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto store = std::move(opened).value();
  EXPECT_TRUE(store->recoveredFrom().empty());
  EXPECT_EQ(store->stats().next_seq, 88);
  auto queued = store->pendingOutbox(0, 10);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), 1U);
  EXPECT_EQ(queued->front().body, R"({"b":2})");
  EXPECT_EQ(store->trips(0, 100).size(), 1U);
  ASSERT_EQ(store->serviceRecords().size(), 1U);
  EXPECT_EQ(store->serviceRecords().front().items, std::vector<std::string>{"tire_rotation"});
  EXPECT_TRUE(*store->commandSeen("c9"));
  ASSERT_TRUE(store->latestReport().has_value());
  EXPECT_TRUE(store->latestReport()->on_request);

  // The engagement tables work.
  PromptRecord prompt;
  prompt.rule = "report.ready";
  prompt.severity = "info";
  prompt.state = "raised";
  auto id = store->addPrompt(prompt);
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(store->addPromptEvent({*id, 100, "raised"}).ok());
  ASSERT_TRUE(store->putCampaign({"R1", "recall", "warning", "t", "t", "m", "m", 9, "c", 1}).ok());
  ASSERT_TRUE(store->putAppointment({"A1", 50, "Dealer", {"tire_rotation"}, "c2", 1}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->openPrompts()->size(), 1U);
  store.reset();
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM prompt_events"), 1);
}

// Version 5 does not wait for the vacuum switch: with too little space for
// a VACUUM's copy the cache still reaches v5 (and works); the switch comes
// at a later start, once there is room.
TEST(SchemaMigration, AVacuumPostponedForWantOfSpaceDoesNotHoldBackLaterVersions) {
  auto& vfs = testing::FaultVfs::install();
  testing::TempDir dir;
  const auto path = dir.file("cache.db");
  writeV3AsAgent02(path, 60000);
  ASSERT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 0);
  ASSERT_GT(queryInt(path, "PRAGMA page_count") * 4096, 1024 * 1024);

  StoreOptions o;
  o.path = path;
  {
    vfs.setSpaceLeft(256 * 1024);  // room for a transaction, not for a copy of the file
    auto opened = Store::open(o);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto store = std::move(opened).value();
    PromptRecord prompt;
    prompt.rule = "report.ready";
    prompt.severity = "info";
    prompt.state = "raised";
    ASSERT_TRUE(store->addPrompt(prompt).ok());
    ASSERT_TRUE(store->commit().ok());
    vfs.setSpaceLeft(-1);  // space returns before the close
  }
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 0);  // postponed
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM prompts"), 1);

  auto reopened = Store::open(o);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  reopened.value().reset();                            // closed
  EXPECT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 2);  // retried at the next start
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM prompts"), 1);
  EXPECT_EQ(queryInt(path, "SELECT count(*) FROM samples"), 60000);
}

TEST(SchemaMigration, AVersion3CacheGetsIncrementalVacuumKeepingItsData) {
  testing::TempDir dir;
  const auto path = dir.file("cache.db");
  writeV3AsAgent02(path);
  ASSERT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 0);
  ASSERT_GT(queryInt(path, "PRAGMA freelist_count"), 50);  // deleted rows' pages, kept

  StoreOptions o;
  o.path = path;
  auto opened = Store::open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto store = std::move(opened).value();
  EXPECT_TRUE(store->recoveredFrom().empty());
  EXPECT_EQ(store->stats().next_seq, 77);
  auto queued = store->pendingOutbox(0, 10);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), 1U);
  EXPECT_EQ(queued->front().body, R"({"a":1})");
  EXPECT_EQ(store->trips(0, 100).size(), 1U);
  store.reset();
  EXPECT_EQ(queryInt(path, "PRAGMA user_version"), 7);
  EXPECT_EQ(queryInt(path, "PRAGMA auto_vacuum"), 2);
  EXPECT_EQ(queryInt(path, "PRAGMA freelist_count"), 0);  // the VACUUM gave them back
}

}  // namespace
}  // namespace crm::store
