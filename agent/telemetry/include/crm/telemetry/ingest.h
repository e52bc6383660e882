// The ingest pipeline: vehicle records -> validation -> store, and the
// messages that follow from time passing (telemetry/daily when a local day
// ends). Shared by the daemon and by `crm-agent replay`, so that what a
// technician replays is exactly what the car runs.
//
// Threading: one thread (the event loop, or replay's main thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "crm/store/store.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/sample_validator.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::telemetry {

struct IngestCounters {
  std::uint64_t accepted = 0;  // passed validation and reached the store
  std::uint64_t stored = 0;    // kept as raw samples (the rest were reduced)
  std::uint64_t commands = 0;
  vehicle::RejectCounts rejected;
  std::uint64_t daily_messages = 0;
};

class Ingest {
 public:
  // Whose word is the VIN. The daemon's identity is its configuration (a data
  // source must not be able to re-address the car's messages); a replay takes
  // the recording's vehicle line, as docs/contract.md §2 says.
  enum class VinFrom : std::uint8_t { kConfiguration, kSource };

  // `store` must outlive the Ingest. Primes validation from the store so that
  // counters cannot go backwards across restarts.
  Ingest(store::Store& store, vehicle::VehicleInfo vehicle, VinFrom vin_from);

  // Feeds one record. Rejected records (from the source or the validator)
  // are counted and passed to `on_reject` (for --strict and for logs).
  // Returns false on a store error (nothing of this record is kept).
  bool feed(const vehicle::Record& record);

  // Time reached now_ms without a sample (a live car that went quiet over
  // midnight): closes the current local day if now_ms is in a later one, as
  // a sample of that later day would. Returns false on a store error.
  bool advanceTo(std::int64_t now_ms);

  // Ends the stream: emits telemetry/daily for the last day, as replay does
  // at the end of a recording. The daemon does not call it: its day is not over.
  bool finish();

  // Vehicle facts in force (configuration, overridden by a recording).
  const vehicle::VehicleInfo& vehicle() const { return vehicle_; }
  const IngestCounters& counters() const { return counters_; }
  void onReject(std::function<void(const vehicle::Rejected&)> fn) { on_reject_ = std::move(fn); }
  // Every accepted sample, after the store has it (analytics hang here).
  // Returning false reports a store error, as feed() does.
  void onAccepted(std::function<bool(const vehicle::Sample&)> fn) { on_accepted_ = std::move(fn); }
  // A local day ended and its telemetry/daily was queued (reports hang here).
  void onDayClosed(std::function<bool(std::int64_t day_start_ms)> fn) {
    on_day_closed_ = std::move(fn);
  }

 private:
  bool closeDay(std::int64_t day_start_ms);
  bool reject(const vehicle::Rejected& rejected);
  // Adds the rejects not yet counted to the current day's stored count.
  bool countRejects();

  store::Store& store_;
  vehicle::VehicleInfo vehicle_;
  VinFrom vin_from_;
  vehicle::SampleValidator validator_;
  IngestCounters counters_;
  std::int64_t current_day_ = -1;
  std::int64_t closed_through_ = -1;
  std::int64_t uncounted_rejects_ = 0;
  std::int64_t rejects_day_ = -1;  // the day rejects_on_day_ counts
  std::int64_t rejects_on_day_ =
      0;  // as stored  // last day whose telemetry/daily was queued (persisted)
  std::function<void(const vehicle::Rejected&)> on_reject_;
  std::function<bool(const vehicle::Sample&)> on_accepted_;
  std::function<bool(std::int64_t)> on_day_closed_;
};

}  // namespace crm::telemetry
