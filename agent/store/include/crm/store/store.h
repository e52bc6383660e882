// The agent's local cache: one SQLite database (WAL) holding
//  - raw samples for a bounded window, reduced where a signal has not changed;
//  - hourly and daily roll-ups per signal, kept for the car's life (within the
//    quota: beyond it the oldest hourly roll-ups go first, daily ones stay);
//  - derived records (charging sessions, trips, faults);
//  - driver prompts with their lifecycle, the CRM's campaigns and
//    appointments (PromptLedger; prompt history is personal data, kept
//    13 months);
//  - the persistent outbox of MQTT messages with a per-vehicle sequence that
//    never repeats, across crashes and restarts.
// It also exports all of it and securely erases what is personal
// (PersonalData, crm/store/personal.h).
//
// Writes are batched: everything staged since the last commit() is written in
// one transaction, so a kill -9 loses at most the uncommitted batch and never
// leaves half of one. Nothing is acknowledged to anyone before commit().
// The one exception is the roll-ups of the open hour and day: they live in
// memory and are written when the bucket closes, at a roll-up checkpoint
// (rollup_checkpoint_ms of the car's time) and at close, so a kill -9 or a
// power cut may lose the roll-up counts of at most that window. Raw samples
// and the outbox are never in that window.
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
#include "crm/common/wire.h"
#include "crm/store/engagement_records.h"
#include "crm/store/fault_records.h"
#include "crm/store/inspection.h"
#include "crm/store/personal.h"
#include "crm/store/records.h"
#include "crm/vehicle/record.h"

namespace crm::store {

enum class StoreError : std::uint8_t {
  kCannotOpen,  // the file or its folder cannot be opened or created
  kIo,          // a write failed (disk full, I/O error), or a read where noted
  kRead,        // a read failed: nothing was changed; trying again later is safe
  kCorrupt,     // a stored value is not what was written (e.g. a meta value not a number)
  kFull,        // the file system is full: the batch was not written; retry when space returns
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
  // How long a statement waits for another connection's lock before failing.
  int busy_timeout_ms = 2000;
  // How much of the car's time the roll-ups of the open hour and day may run
  // ahead of the file: they are written when a bucket closes and at least
  // this often. Writing them at every commit rewrote every touched roll-up
  // row each second (most of the flash written per sample); 10 minutes is
  // what a power cut may cost the roll-up counts, never a raw sample.
  std::int64_t rollup_checkpoint_ms = 10LL * 60'000;
  // The full integrity check (quick_check) runs at start-up only after an
  // unclean shutdown, after SQLite reported damage, or when the last one is
  // older than this: its cost grows with the file.
  int full_check_interval_days = 30;
  // SQLite page size of a new cache (an existing one keeps its own). Each
  // one-second commit rewrites the last page of the samples table and one
  // index page per signal it touched: 1 KiB pages cut the bytes written per
  // sample while driving to less than half of 4 KiB pages (bench_store).
  int page_bytes = 1024;
  // The largest message (its envelope included) enqueue() queues; 0: no
  // limit. A larger one is not queued: counted (outbox_oversize.<kind>) and
  // logged, and enqueue() succeeds with seq 0 (the caller's unit goes on:
  // one message that can never be sent must not stop the car's pipeline).
  std::int64_t max_message_bytes = 0;
};

using wire::Priority;

// A message waiting in the outbox: the body and what its envelope needs. The
// envelope itself is the sync side's (sync::envelope), so the bytes on the
// wire are decided in one place.
struct OutboxMessage {
  std::int64_t seq = 0;
  std::string id;    // uuid v4, the CRM's de-duplication key
  std::string kind;  // topic suffix under {prefix}/{vin}/ (wire::KindSpec::topic)
  std::string vin;
  std::int64_t created_ms = 0;  // the envelope's ts: when the content was produced
  std::string body;             // JSON object
  // created_ms plus its kind's time-to-live (wire::KindSpec::ttl_hours),
  // fixed when it was queued: past it the message is never sent.
  std::int64_t expires_ms = 0;  // 0: no limit
};

// A seq and id taken for a message published directly (status, last will).
struct Reservation {
  std::int64_t seq = 0;
  std::string id;
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
  std::int64_t outbox_dropped = 0;  // lost to the quota, all time (-1: unreadable)
  std::int64_t next_seq = 0;
};

// --- The store's seams. A component is handed only the ones its job needs:
// the analytics summaries, the reports and the technician's views read
// through a const Reader; the publisher sees the Outbox; the command
// processor the CommandLedger; the online analytics and the commands write
// History. Store implements them all.

// Reads. A read that fails (I/O error, corrupt page) returns what it could
// and latches the failure: whoever turns reads into an output (a report, a
// daily message) calls takeReadError() before publishing, so a read error is
// never taken for "no data".
class Reader {
 public:
  virtual ~Reader() = default;
  virtual std::vector<Rollup> dailyRollups(std::int64_t day_start_ms) const = 0;
  // One signal's daily roll-ups with from_ms <= bucket < to_ms, oldest first,
  // in one indexed read: long histories are read as a range, not day by day.
  virtual std::vector<Rollup> dailyRollups(vehicle::SignalId signal, std::int64_t from_ms,
                                           std::int64_t to_ms) const = 0;
  // The first local day holding any daily roll-up: where the car's history
  // begins (daily roll-ups are kept for life).
  virtual std::optional<std::int64_t> firstDay() const = 0;
  virtual std::vector<LastValue> lastValues() const = 0;
  // Raw samples of one signal with from_ms <= ts < to_ms, oldest first,
  // including the staged batch. Reduced samples are absent: the stored ones
  // are the change points, so a step function through them is exact.
  // Raw reads never reach behind the retention horizon (raw_retention_days
  // before the newest sample's local day), whether retention has deleted
  // those rows yet or not: what a reader sees does not depend on when
  // commits (and so retention) happened, and the daemon and a replay agree.
  virtual std::vector<StoredSample> samples(vehicle::SignalId signal, std::int64_t from_ms,
                                            std::int64_t to_ms) const = 0;
  // The newest raw sample of a signal before ts_ms, if any.
  virtual std::optional<StoredSample> sampleBefore(vehicle::SignalId signal,
                                                   std::int64_t ts_ms) const = 0;
  // The oldest raw sample of a signal with from_ms <= ts < to_ms, if any.
  virtual std::optional<StoredSample> firstSample(vehicle::SignalId signal, std::int64_t from_ms,
                                                  std::int64_t to_ms) const = 0;
  virtual std::optional<std::int64_t> newestSampleMs() const = 0;
  // Records starting in [from_ms, to_ms), oldest first.
  virtual std::vector<ChargingSession> chargingSessions(std::int64_t from_ms,
                                                        std::int64_t to_ms) const = 0;
  virtual std::vector<Trip> trips(std::int64_t from_ms, std::int64_t to_ms) const = 0;
  virtual std::vector<CapacityEstimate> capacityEstimates(std::int64_t from_ms,
                                                          std::int64_t to_ms) const = 0;
  virtual std::optional<StoredReport> latestReport() const = 0;
  // The newest report made at the end of a report period (not on request).
  virtual std::optional<StoredReport> latestPeriodicReport() const = 0;
  // Workshop visits, oldest visit first (then in the order received).
  virtual std::vector<ServiceRecord> serviceRecords() const = 0;
  virtual std::optional<std::string> meta(std::string_view key) const = 0;
  // A stored integer, checked: absent is nullopt; a value that is not an
  // integer is an error naming the key (never an exception, never 0).
  virtual Result<std::optional<std::int64_t>, StoreError> metaInt(std::string_view key) const = 0;
  virtual StorageStats stats() const = 0;
  // Local-day start for a timestamp, per the store's utc_offset_minutes.
  virtual std::int64_t dayStart(std::int64_t ts_ms) const = 0;
  virtual int utcOffsetMinutes() const = 0;
  // The first read failure since the last call, if any; clears it.
  virtual std::optional<std::string> takeReadError() const = 0;
  // The outbox counted by kind (inspection.h); a failed read is an error.
  virtual Result<OutboxSummary, StoreError> outboxSummary() const = 0;
  // The file's schema version (PRAGMA user_version); a failed read is an error.
  virtual Result<std::int64_t, StoreError> schemaVersion() const = 0;
};

// Derived records, staged in the current batch.
class History {
 public:
  virtual ~History() = default;
  virtual Status<StoreError> addChargingSession(const ChargingSession& session) = 0;
  virtual Status<StoreError> addTrip(const Trip& trip) = 0;
  virtual Status<StoreError> addCapacityEstimate(const CapacityEstimate& estimate) = 0;
  virtual Result<std::int64_t, StoreError> addReport(const StoredReport& report) = 0;  // the id
  virtual Status<StoreError> addServiceRecord(const ServiceRecord& record) = 0;
  virtual Status<StoreError> setMeta(std::string_view key, std::string_view value) = 0;
};

// The persistent outbox (docs/contract.md §5.2).
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Stages a message with a fresh uuid and the next seq. It becomes durable,
  // and visible to pendingOutbox(), at the next commit().
  virtual Result<OutboxMessage, StoreError> enqueue(wire::Kind kind, std::string_view vin,
                                                    std::int64_t ts_ms,
                                                    std::string_view body_json) = 0;
  // Takes the next seq and a fresh id without queueing anything: for the
  // retained status and the last will, which are published directly. The seq
  // is durable (never reused) when this returns: it lies below the mark kept
  // beside the cache (<path>.seq), so no commit and no database write is
  // needed (a full disk does not stop the last will). Fails only when a new
  // block of seqs must be reserved and the mark cannot be written.
  virtual Result<Reservation, StoreError> reserve() = 0;
  // Committed messages with seq > after_seq, oldest first, at most `limit`.
  // With now_ms > 0 (the caller's clock: the daemon's wall clock; a replay
  // that plays an always-connected broker passes none), messages whose
  // expires_ms has passed are not returned: their removal is staged (the
  // caller's next commit makes it durable) and counted per kind
  // (outboxLosses), and now_ms is remembered for retention, which drops
  // every expired message at its next run. Without now_ms nothing expires.
  virtual Result<std::vector<OutboxMessage>, StoreError> pendingOutbox(std::int64_t after_seq,
                                                                       std::size_t limit,
                                                                       std::int64_t now_ms) = 0;
  // Without the clock: nothing is judged stale.
  Result<std::vector<OutboxMessage>, StoreError> pendingOutbox(std::int64_t after_seq,
                                                               std::size_t limit) {
    return pendingOutbox(after_seq, limit, 0);
  }
  // Stages removal of a message the broker has acknowledged.
  virtual Status<StoreError> ackOutbox(std::int64_t seq) = 0;
  // Makes what was staged durable (the whole batch: see Store::commit).
  virtual Status<StoreError> commit() = 0;
};

// Commands: de-duplication by command id (docs/contract.md §5.3) and
// all-or-nothing staging of one command's effect.
class CommandLedger {
 public:
  virtual ~CommandLedger() = default;
  virtual Result<bool, StoreError> commandSeen(std::string_view id) const = 0;
  virtual Status<StoreError> markCommandSeen(std::string_view id, std::string_view command,
                                             std::int64_t received_ms) = 0;
  // Opens a savepoint inside the staged batch: what is staged until
  // endUnit(false) is undone by it, the rest of the batch stays. Units do not
  // nest. A seq taken inside an undone unit is skipped, never reused.
  virtual Status<StoreError> beginUnit() = 0;
  virtual Status<StoreError> endUnit(bool keep) = 0;
};

// Driver prompts and what the CRM told the car about engagement (campaigns,
// appointments): written by the engagement engine and the commands, staged
// in the batch like everything else. Reads fail loudly (a Result), because
// a prompt that is not seen may be raised twice.
class PromptLedger {
 public:
  virtual ~PromptLedger() = default;
  // Stages a new prompt; returns its id (stable for the prompt's life).
  virtual Result<std::int64_t, StoreError> addPrompt(const PromptRecord& prompt) = 0;
  // Stages the prompt's new state (all its fields, by id).
  virtual Status<StoreError> updatePrompt(const PromptRecord& prompt) = 0;
  virtual Status<StoreError> addPromptEvent(const PromptEvent& event) = 0;
  virtual Result<std::optional<PromptRecord>, StoreError> prompt(std::int64_t id) const = 0;
  // Prompts in an open state (raised, delivered, snoozed), oldest first.
  virtual Result<std::vector<PromptRecord>, StoreError> openPrompts() const = 0;
  // The newest prompt of a rule and subject, any state (cooldowns).
  virtual Result<std::optional<PromptRecord>, StoreError> latestPrompt(
      std::string_view rule, std::string_view subject) const = 0;
  // Prompts raised in [from_ms, to_ms), oldest first (the report's list).
  virtual Result<std::vector<PromptRecord>, StoreError> promptsRaised(std::int64_t from_ms,
                                                                      std::int64_t to_ms) const = 0;
  // Lifecycle events with from_ms <= ts < to_ms, counted by kind.
  virtual Result<PromptCounts, StoreError> promptCounts(std::int64_t from_ms,
                                                        std::int64_t to_ms) const = 0;
  // "delivered" events in [from_ms, to_ms) of prompts that count against the
  // daily cap (not critical, not uncapped).
  virtual Result<std::int64_t, StoreError> cappedDeliveries(std::int64_t from_ms,
                                                            std::int64_t to_ms) const = 0;

  // Campaigns and appointments: one row per id (a repeated id replaces it).
  virtual Status<StoreError> putCampaign(const CampaignRecord& campaign) = 0;
  virtual Result<std::vector<CampaignRecord>, StoreError> campaigns() const = 0;
  virtual Status<StoreError> putAppointment(const AppointmentRecord& appointment) = 0;
  virtual Result<std::vector<AppointmentRecord>, StoreError> appointments() const = 0;
};

class Store final : public Reader,
                    public History,
                    public Outbox,
                    public CommandLedger,
                    public PromptLedger,
                    public FaultLog,
                    public PersonalData {
 public:
  // Opens or creates the database, migrating its schema. A corrupt file, or a
  // file that is not ours, is moved aside (renamed *.corrupt-<epoch>) and a
  // fresh database is started; recoveredFrom() then names the moved file.
  // A file that cannot be examined or written now (locked or busy past
  // busy_timeout_ms, read-only, an I/O error) is left as it is and open fails
  // with kCannotOpen naming the cause: a healthy cache is never discarded for
  // a transient fault. So does a damaged file that cannot be moved aside (a
  // read-only folder): nothing is touched. The seq resumes above every seq
  // issued for this car, even when the cache was lost (<path>.seq).
  static Result<std::unique_ptr<Store>, StoreError> open(const StoreOptions& options);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Ingest. REQUIRES: the sample passed vehicle::SampleValidator.
  // Stages the sample (unless change-based reduction drops it) and updates the
  // roll-ups. Returns true when the raw sample is kept.
  Result<bool, StoreError> addSample(const vehicle::Sample& sample);

  // Commits everything staged, in one transaction; then enforces retention
  // and the quota when due. On error nothing staged is committed.
  Status<StoreError> commit() override;
  bool hasStaged() const { return in_txn_; }
  // True since a write failed for lack of space (kFull), until a commit
  // succeeds: the caller stops taking samples, keeps acknowledging the
  // outbox and retries commits.
  bool full() const;

  // --- Outbox.
  Result<OutboxMessage, StoreError> enqueue(wire::Kind kind, std::string_view vin,
                                            std::int64_t ts_ms,
                                            std::string_view body_json) override;
  Result<Reservation, StoreError> reserve() override;
  using Outbox::pendingOutbox;
  Result<std::vector<OutboxMessage>, StoreError> pendingOutbox(std::int64_t after_seq,
                                                               std::size_t limit,
                                                               std::int64_t now_ms) override;
  Status<StoreError> ackOutbox(std::int64_t seq) override;

  // --- FaultLog (faults.cpp).
  Result<std::vector<FaultRecord>, StoreError> activeFaults() const override;
  Status<StoreError> openFault(std::string_view code, std::int64_t ts_ms) override;
  Status<StoreError> clearFault(const FaultRecord& fault) override;
  Status<StoreError> activeFaultsSeen(std::int64_t ts_ms) override;

  // --- History (records.cpp).
  Status<StoreError> addChargingSession(const ChargingSession& session) override;
  Status<StoreError> addTrip(const Trip& trip) override;
  Status<StoreError> addCapacityEstimate(const CapacityEstimate& estimate) override;
  Result<std::int64_t, StoreError> addReport(const StoredReport& report) override;
  Status<StoreError> addServiceRecord(const ServiceRecord& record) override;
  Status<StoreError> setMeta(std::string_view key, std::string_view value) override;

  // --- CommandLedger (records.cpp).
  Result<bool, StoreError> commandSeen(std::string_view id) const override;
  Status<StoreError> markCommandSeen(std::string_view id, std::string_view command,
                                     std::int64_t received_ms) override;
  Status<StoreError> beginUnit() override;
  Status<StoreError> endUnit(bool keep) override;

  // --- PromptLedger (prompts.cpp).
  Result<std::int64_t, StoreError> addPrompt(const PromptRecord& prompt) override;
  Status<StoreError> updatePrompt(const PromptRecord& prompt) override;
  Status<StoreError> addPromptEvent(const PromptEvent& event) override;
  Result<std::optional<PromptRecord>, StoreError> prompt(std::int64_t id) const override;
  Result<std::vector<PromptRecord>, StoreError> openPrompts() const override;
  Result<std::optional<PromptRecord>, StoreError> latestPrompt(
      std::string_view rule, std::string_view subject) const override;
  Result<std::vector<PromptRecord>, StoreError> promptsRaised(std::int64_t from_ms,
                                                              std::int64_t to_ms) const override;
  Result<PromptCounts, StoreError> promptCounts(std::int64_t from_ms,
                                                std::int64_t to_ms) const override;
  Result<std::int64_t, StoreError> cappedDeliveries(std::int64_t from_ms,
                                                    std::int64_t to_ms) const override;
  Status<StoreError> putCampaign(const CampaignRecord& campaign) override;
  Result<std::vector<CampaignRecord>, StoreError> campaigns() const override;
  Status<StoreError> putAppointment(const AppointmentRecord& appointment) override;
  Result<std::vector<AppointmentRecord>, StoreError> appointments() const override;

  // --- Reader.
  std::vector<Rollup> dailyRollups(std::int64_t day_start_ms) const override;
  std::vector<Rollup> dailyRollups(vehicle::SignalId signal, std::int64_t from_ms,
                                   std::int64_t to_ms) const override;
  std::optional<std::int64_t> firstDay() const override;
  std::vector<LastValue> lastValues() const override;
  std::vector<StoredSample> samples(vehicle::SignalId signal, std::int64_t from_ms,
                                    std::int64_t to_ms) const override;
  std::optional<StoredSample> sampleBefore(vehicle::SignalId signal,
                                           std::int64_t ts_ms) const override;
  std::optional<StoredSample> firstSample(vehicle::SignalId signal, std::int64_t from_ms,
                                          std::int64_t to_ms) const override;
  std::optional<std::int64_t> newestSampleMs() const override;
  std::vector<ChargingSession> chargingSessions(std::int64_t from_ms,
                                                std::int64_t to_ms) const override;
  std::vector<Trip> trips(std::int64_t from_ms, std::int64_t to_ms) const override;
  std::vector<CapacityEstimate> capacityEstimates(std::int64_t from_ms,
                                                  std::int64_t to_ms) const override;
  std::optional<StoredReport> latestReport() const override;
  std::optional<StoredReport> latestPeriodicReport() const override;
  std::vector<ServiceRecord> serviceRecords() const override;
  std::optional<std::string> meta(std::string_view key) const override;
  Result<std::optional<std::int64_t>, StoreError> metaInt(std::string_view key) const override;
  StorageStats stats() const override;
  std::int64_t dayStart(std::int64_t ts_ms) const override;
  int utcOffsetMinutes() const override { return options_.utc_offset_minutes; }
  std::optional<std::string> takeReadError() const override;
  Result<OutboxSummary, StoreError> outboxSummary() const override;  // inspection.cpp
  Result<std::int64_t, StoreError> schemaVersion() const override;   // inspection.cpp

  // --- PersonalData (erase.cpp, export.cpp; crm/store/personal.h).
  Result<ErasedCounts, StoreError> erasePersonal() override;
  bool erasePending() const override;
  Result<nlohmann::json, StoreError> exportData(const ExportOptions& options) const override;

  const std::string& recoveredFrom() const { return recovered_from_; }
  const StoreOptions& options() const { return options_; }

 private:
  struct Impl;
  explicit Store(StoreOptions options);
  Status<StoreError> begin();
  Status<StoreError> commitBatch(bool all_rollups);
  Status<StoreError> flushRollups();
  Result<std::int64_t, StoreError> takeSeq();
  // Stages the removal of expired messages and adds them to the per-kind
  // counters (outbox.cpp).
  Status<StoreError> dropExpired(const std::vector<OutboxMessage>& expired);
  // The error for a failed write, from SQLite's code (kFull for a full disk);
  // remembers a full disk and damage (checked at the next start).
  Error<StoreError> writeFailed(const std::string& what);
  // The oldest raw sample time readers see, and retention's cutoff.
  std::int64_t rawHorizon() const;
  void loadSignalState();
  // Moves samples_recent into samples, in the open batch (samples.cpp).
  bool settleSamples();
  // Reads samples_recent's row count and oldest time from the file: after a
  // rollback, the counts kept as the batch went are not the file's.
  void reloadRecent();
  void resumeSeq();
  void enforceRetention();
  // After the commit of an erase: checkpoint and truncate the WAL (erase.cpp).
  void finishErase();

  StoreOptions options_;
  std::unique_ptr<Impl> impl_;
  std::string recovered_from_;
  bool in_txn_ = false;
};

}  // namespace crm::store
