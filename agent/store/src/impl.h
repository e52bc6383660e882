// Private state of Store, shared by its source files.
#pragma once

#include <boost/uuid/random_generator.hpp>
#include <vector>

#include "crm/store/store.h"
#include "sqlite.h"

namespace crm::store {

// Stable: written to disk. Do not change.
inline constexpr std::int64_t kApplicationId = 0x43524D41;  // "CRMA"

struct Bucket {
  Rollup r;
  bool valid = false;
  bool dirty = false;
};

struct SignalState {
  std::int64_t db_id = 0;  // id in the signals table (stable across catalogue changes)
  // Change-based reduction: the last raw sample kept.
  bool has_last = false;
  std::int64_t last_ts = 0;
  vehicle::Value last_value;
  Bucket hour, day;
};

struct Store::Impl {
  Db db;
  std::vector<SignalState> signals;  // indexed by catalogue id
  Stmt insert_sample, upsert_hourly, upsert_daily, insert_outbox, delete_outbox, set_meta;
  std::int64_t next_seq = 1;
  // Messages below this seq are committed; only those may be published, or a
  // crash could reuse the seq of a message the broker already has.
  std::int64_t committed_next_seq = 1;
  std::int64_t newest_sample_ms = -1;
  std::int64_t samples_reduced = 0;
  std::int64_t last_retention_day = -1;
  boost::uuids::random_generator uuid;
  // The first read failure not yet taken (Reader::takeReadError).
  mutable std::string read_error;

  // A statement for a read: its failures are latched in read_error.
  Stmt query(std::string_view sql) const {
    Stmt s(db.handle(), sql);
    s.reportTo(&read_error);
    return s;
  }

  // Catalogue id of a stored signal id (signals this agent version does not
  // know, e.g. from a newer one, have none).
  std::optional<vehicle::SignalId> catalogueId(std::int64_t db_id) const {
    for (std::size_t i = 0; i < signals.size(); ++i) {
      if (signals[i].db_id == db_id) return static_cast<vehicle::SignalId>(i);
    }
    return std::nullopt;
  }
};

// Schema creation and migrations (schema.cpp). On error, what failed.
Status<StoreError> migrate(Db& db);

}  // namespace crm::store
