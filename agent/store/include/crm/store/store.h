// The agent's local cache: one SQLite database (WAL) holding
//  - raw samples for a bounded window, reduced where a signal has not changed;
//  - hourly and daily roll-ups per signal, kept for the car's life (within the
//    quota: beyond it the oldest hourly roll-ups go first, daily ones stay);
//  - derived records (charging sessions, trips, faults);
//  - the persistent outbox of MQTT messages with a per-vehicle sequence that
//    never repeats, across crashes and restarts.
//
// Writes are batched: everything staged since the last commit() is written in
// one transaction, so a kill -9 loses at most the uncommitted batch and never
// leaves half of one. Nothing is acknowledged to anyone before commit().
//
// Threading: a Store is used from one thread (the event loop). Other
// processes may read the file concurrently (WAL).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/result.h"
#include "crm/store/records.h"
#include "crm/vehicle/record.h"

namespace crm::store {

enum class StoreError : std::uint8_t {
  kCannotOpen,  // the file or its folder cannot be opened or created
  kIo,          // a read or write failed (disk full, I/O error)
};

struct StoreOptions {
  std::string path;
  // Head units have little flash to spare; 64 MiB holds about a month of raw
  // samples plus years of roll-ups.
  std::int64_t quota_bytes = 64LL * 1024 * 1024;
  // Raw samples older than this (relative to the newest sample) are deleted;
  // roll-ups keep the long view.
  int raw_retention_days = 30;
  // true: fsync at every commit (survives a power cut, not only a crash).
  // Batching keeps this to about one fsync per second.
  bool full_sync = true;
  // Local time offset: days (daily roll-ups, telemetry/daily) are local days.
  int utc_offset_minutes = 0;
};

// Outbox priority, highest kept longest when the quota forces drops
// (contracts.md §5.2). Stored as an integer: do not renumber.
enum class Priority : std::uint8_t { kLow = 0, kMedium = 1, kHigh = 2 };
Priority priorityFor(std::string_view kind);

struct OutboxMessage {
  std::int64_t seq = 0;
  std::string id;    // uuid v4, the CRM's de-duplication key
  std::string kind;  // topic suffix under {prefix}/{vin}/, e.g. "telemetry/daily"
  bool retain = false;
  std::int64_t created_ms = 0;
  std::string payload;  // the enveloped JSON, exactly as published
};

struct Rollup {
  vehicle::SignalId signal = 0;
  std::int64_t bucket_ms = 0;  // start of the hour or local day, epoch ms
  std::int64_t count = 0;
  double min = 0, max = 0, sum = 0, first = 0, last = 0;
  std::int64_t first_ts = 0, last_ts = 0;
};

// A raw sample as stored: numbers (and booleans as 0/1) in `number`, strings
// and comma-joined string arrays in `text`.
struct StoredSample {
  std::int64_t ts_ms = 0;
  double number = 0;
  std::string text;
};

struct LastValue {
  vehicle::SignalId signal = 0;
  std::int64_t ts_ms = 0;
  std::optional<double> number;
};

struct StorageStats {
  std::int64_t file_bytes = 0;
  std::int64_t quota_bytes = 0;
  std::int64_t samples = 0;
  std::int64_t samples_reduced = 0;  // not stored: within deadband (this process)
  std::optional<std::int64_t> oldest_sample_ms, newest_sample_ms;
  std::int64_t hourly_rollups = 0, daily_rollups = 0;
  std::int64_t outbox_pending = 0;
  std::int64_t outbox_dropped = 0;  // lost to the quota, all time
  std::int64_t next_seq = 0;
};

class Store {
 public:
  // Opens or creates the database, migrating its schema. A corrupt file, or a
  // file that is not ours, is moved aside (renamed *.corrupt-<epoch>) and a
  // fresh database is started; recoveredFrom() then names the moved file.
  static Result<std::unique_ptr<Store>, StoreError> open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Ingest. REQUIRES: the sample passed vehicle::SampleValidator.
  // Stages the sample (unless change-based reduction drops it) and updates the
  // roll-ups. Returns true when the raw sample is kept.
  Result<bool, StoreError> addSample(const vehicle::Sample& sample);

  // --- Outbox.
  // Stages a message: wraps `body_json` (a JSON object) in the envelope of
  // contracts.md §5.2 with a fresh uuid and the next seq. The message becomes
  // durable, and visible to pendingOutbox(), at the next commit().
  Result<OutboxMessage, StoreError> enqueue(std::string_view kind, std::string_view vin,
                                            std::int64_t ts_ms, std::string_view body_json);
  // Wraps a body in the envelope and takes the next seq without queueing the
  // message: for the retained status and the last will, which are published
  // directly. The seq is durable (never reused) once commit() returns.
  Result<OutboxMessage, StoreError> envelope(std::string_view kind, std::string_view vin,
                                             std::int64_t ts_ms, std::string_view body_json);
  // Committed messages with seq > after_seq, oldest first, at most `limit`.
  std::vector<OutboxMessage> pendingOutbox(std::int64_t after_seq, std::size_t limit);
  // Stages removal of a message the broker has acknowledged.
  void ackOutbox(std::int64_t seq);

  // Commits everything staged, in one transaction; then enforces retention
  // and the quota when due. On error nothing staged is committed.
  Status<StoreError> commit();
  bool hasStaged() const { return in_txn_; }

  // --- Derived records (records.cpp). Staged like everything else.
  Status<StoreError> addChargingSession(const ChargingSession& session);
  Status<StoreError> addTrip(const Trip& trip);
  Status<StoreError> addCapacityEstimate(const CapacityEstimate& estimate);
  Result<std::int64_t, StoreError> addReport(const StoredReport& report);  // returns the id
  // Records starting in [from_ms, to_ms), oldest first.
  std::vector<ChargingSession> chargingSessions(std::int64_t from_ms, std::int64_t to_ms);
  std::vector<Trip> trips(std::int64_t from_ms, std::int64_t to_ms);
  std::vector<CapacityEstimate> capacityEstimates(std::int64_t from_ms, std::int64_t to_ms);
  std::optional<StoredReport> latestReport();
  // The newest report made at the end of a report period (not on request).
  std::optional<StoredReport> latestPeriodicReport();
  // Workshop visits, oldest visit first (then in the order received).
  Status<StoreError> addServiceRecord(const ServiceRecord& record);
  std::vector<ServiceRecord> serviceRecords();

  // --- Commands (records.cpp): de-duplication by command id (contracts.md
  // §5.3) and all-or-nothing staging of one command's effect.
  bool commandSeen(std::string_view id);
  Status<StoreError> markCommandSeen(std::string_view id, std::string_view command,
                                     std::int64_t received_ms);
  // Opens a savepoint inside the staged batch: what is staged until
  // endUnit(false) is undone by it, the rest of the batch stays. Units do not
  // nest. A seq taken inside an undone unit is skipped, never reused.
  Status<StoreError> beginUnit();
  Status<StoreError> endUnit(bool keep);

  // --- Reads.
  std::vector<Rollup> dailyRollups(std::int64_t day_start_ms);
  // One signal's daily roll-ups with from_ms <= bucket < to_ms, oldest first,
  // in one indexed read: long histories are read as a range, not day by day.
  std::vector<Rollup> dailyRollups(vehicle::SignalId signal, std::int64_t from_ms,
                                   std::int64_t to_ms);
  // The first local day holding any daily roll-up: where the car's history
  // begins (daily roll-ups are kept for life).
  std::optional<std::int64_t> firstDay();
  std::vector<LastValue> lastValues();
  // Raw samples of one signal with from_ms <= ts < to_ms, oldest first,
  // including the staged batch. Reduced samples are absent: the stored ones
  // are the change points, so a step function through them is exact.
  std::vector<StoredSample> samples(vehicle::SignalId signal, std::int64_t from_ms,
                                    std::int64_t to_ms);
  // The newest raw sample of a signal before ts_ms, if any.
  std::optional<StoredSample> sampleBefore(vehicle::SignalId signal, std::int64_t ts_ms);
  // The oldest raw sample of a signal with from_ms <= ts < to_ms, if any.
  std::optional<StoredSample> firstSample(vehicle::SignalId signal, std::int64_t from_ms,
                                          std::int64_t to_ms);
  std::optional<std::int64_t> newestSampleMs();
  std::optional<std::string> meta(std::string_view key);
  void setMeta(std::string_view key, std::string_view value);  // staged
  StorageStats stats();

  // Local-day start for a timestamp, per options().utc_offset_minutes.
  std::int64_t dayStart(std::int64_t ts_ms) const;

  const std::string& recoveredFrom() const { return recovered_from_; }
  const StoreOptions& options() const { return options_; }

 private:
  struct Impl;
  explicit Store(StoreOptions options);
  Status<StoreError> begin();
  void flushRollups();
  void loadSignalState();
  void enforceRetention();

  StoreOptions options_;
  std::unique_ptr<Impl> impl_;
  std::string recovered_from_;
  bool in_txn_ = false;
};

}  // namespace crm::store
