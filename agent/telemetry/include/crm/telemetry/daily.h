// The telemetry/daily message body (docs/contract.md §5.1): one per local day
// with data: distance, energy, SOC range, charging, SOH sample, and the
// outbox's losses. Built from the store's daily roll-ups and a few meta
// rows, so it costs a few indexed reads, never a scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crm/store/store.h"

namespace crm::telemetry {

// Returns the JSON body for the local day starting at day_start_ms; nullopt
// when the store holds no samples for that day; an error when a read failed
// (a day that cannot be read is not a day without data).
// Keys (stable, schema crm.v1.telemetry.daily): date, distance_km,
// charged_kwh, consumed_kwh, soc_min, soc_max, charging_hours, soh_bms_percent,
// lv_battery_min_v, ambient_min_c, ambient_max_c, samples. Missing data: null.
// And outbox_lost: {"quota", "expired", "by_kind": {kind: {"quota",
// "expired"}}}, what the outbox lost since the cache was made, as counted
// when the message is built (store::outboxLosses; null: a counter is
// unreadable). Running totals, so a lost daily message loses no count.
Result<std::optional<std::string>, store::StoreError> dailyBody(const store::Reader& store,
                                                                std::int64_t day_start_ms);

}  // namespace crm::telemetry
