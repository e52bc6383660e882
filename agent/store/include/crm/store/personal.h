// The driver's data rights (PIPL Art. 45 and 47, GDPR Art. 15, 17 and 20):
// a copy of everything the car holds, and the erase of what is personal.
// docs/privacy.md lists each item, where it is kept, for how long, and
// whether the erase takes it.
//
// Personal, and erased: the prompt history (prompts and every lifecycle
// step: what the driver was told and how they answered), trips (when and how
// far the car was driven), the customer profile (tier, language, dealer),
// appointments (the driver's bookings), offers (campaigns of kind "offer",
// chosen for the driver's tier), location samples (signals the catalogue
// marks personal), the queued messages that carry any of these (prompts,
// service-request), and caches set aside as damaged (<cache>.corrupt-*).
// Kept, as the vehicle's technical history: the other samples and every
// roll-up, charging sessions, capacity estimates, health reports (figures
// and counts only), service records (the car's service book: the
// maintenance schedule counts from them), recall and service campaigns.
//
// Threading: as Store (one thread).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "crm/common/result.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::store {

enum class StoreError : std::uint8_t;

// Stable: the export document's schema id (docs/privacy.md).
inline constexpr const char* kDataExportSchema = "crm.v1.data-export";

// What the driver consented to share (the configuration's privacy.*), as
// the export reports it. The store does not hold it.
struct Consent {
  bool share_location = false;
  bool share_trips = false;
  bool share_prompt_history = false;
};

struct ExportOptions {
  vehicle::VehicleInfo vehicle;    // the car's identity and facts (configuration)
  std::int64_t generated_ms = 0;   // the document's time
  std::optional<Consent> consent;  // nullopt: unknown (a cache read offline)
  // Raw samples of personal signals (locations) are exported row by row up
  // to this many per signal, newest first kept; other raw samples are
  // summarised (count, time range). 100,000 location samples are about
  // 3 MB of JSON: the whole document stays well under the cache's size.
  std::int64_t max_personal_samples = 100'000;
};

// What erasePersonal() deleted, item by item. Stable: the names below are the
// keys of the cmd-result's detail.erased and of the technician's result.
struct ErasedCounts {
  std::int64_t prompts = 0;
  std::int64_t prompt_events = 0;
  std::int64_t trips = 0;
  std::int64_t appointments = 0;
  std::int64_t offers = 0;           // campaigns of kind "offer"
  std::int64_t profile = 0;          // customer-profile keys (tier, language, dealer)
  std::int64_t outbox_messages = 0;  // queued prompts and service-request messages
  std::int64_t location_samples = 0;
  std::int64_t location_rollups = 0;  // written by agents before this one
  std::int64_t set_aside_caches = 0;  // <cache>.corrupt-* files (removed at the commit)

  bool operator==(const ErasedCounts&) const = default;
};

// {"prompts": n, "prompt_events": n, ...}: every item, zeros included.
nlohmann::json toJson(const ErasedCounts& counts);

// The seam the commands (erase) and the technician's operations use.
class PersonalData {
 public:
  virtual ~PersonalData() = default;

  // Stages the erase of the driver's personal data (above) in the open batch,
  // as one unit: on error nothing of it is staged and the rest of the batch
  // stays. Durable, like everything staged, at the next commit(); a crash
  // before it leaves everything as it was, never half. Idempotent: a second
  // erase finds nothing and counts zeros.
  //
  // Secure: deleted rows are overwritten with zeros (secure_delete, on for
  // every write of the store), tables that keep rows beside erased ones are
  // rewritten so no stale copy of an erased row remains in their pages, and
  // free pages are overwritten. The commit() that makes the erase durable
  // then checkpoints the WAL and truncates it to zero bytes, so neither the
  // database file nor the WAL holds the erased data afterwards
  // (erasePending() says when that is done). Below the file system, flash
  // may keep old blocks: docs/privacy.md says what this can and cannot do.
  virtual Result<ErasedCounts, StoreError> erasePersonal() = 0;

  // True from an erasePersonal() until a commit's checkpoint truncated the
  // WAL. A checkpoint blocked by another reader past the busy timeout is
  // tried again at every commit and at the next open.
  virtual bool erasePending() const = 0;

  // One JSON document (schema kDataExportSchema, docs/privacy.md) with all
  // the personal and vehicle data the cache holds, staged writes included.
  // Built in memory: about 1.5 MB for each year of the car's life plus the
  // personal samples (bounded above). Errors: kRead when a read failed.
  virtual Result<nlohmann::json, StoreError> exportData(const ExportOptions& options) const = 0;
};

}  // namespace crm::store
