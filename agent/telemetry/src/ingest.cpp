#include "crm/telemetry/ingest.h"

#include "crm/common/civil_time.h"
#include "crm/common/log.h"
#include "crm/store/meta_keys.h"
#include "crm/telemetry/daily.h"

namespace crm::telemetry {
namespace {
// Stable: a key in the store's meta table.
constexpr char kClosedKey[] = "telemetry.daily.closed_through";
}  // namespace

Ingest::Ingest(store::Store& store, vehicle::VehicleInfo vehicle, VinFrom vin_from)
    : store_(store), vehicle_(std::move(vehicle)), vin_from_(vin_from) {
  for (const auto& lv : store_.lastValues()) validator_.prime(lv.signal, lv.ts_ms, lv.number);
  if (auto newest = store_.newestSampleMs()) current_day_ = store_.dayStart(*newest);
  auto closed = store_.metaInt(kClosedKey);
  if (closed && *closed) {
    closed_through_ = **closed;
  } else if (!closed) {
    // Never a crash, and never every past day sent again: the days before
    // the newest sample's are taken as reported, the newest is not.
    log::error("ingest: {}; taking the days before the newest sample as reported",
               closed.error().message);
    if (current_day_ >= 0) closed_through_ = current_day_ - civil::kMsPerDay;
  }
}

bool Ingest::feed(const vehicle::Record& record) {
  if (const auto* s = std::get_if<vehicle::Sample>(&record)) {
    if (auto bad = validator_.check(*s)) return reject(*bad);
    const std::int64_t day = store_.dayStart(s->ts_ms);
    if (current_day_ >= 0 && day > current_day_) {
      if (!closeDay(current_day_)) return false;
    }
    if (day > current_day_) {
      current_day_ = day;
      if (!countRejects()) return false;
    }
    auto kept = store_.addSample(*s);
    if (!kept) {
      log::error("ingest: {}", kept.error().message);
      return false;
    }
    ++counters_.accepted;
    if (*kept) ++counters_.stored;
    return !on_accepted_ || on_accepted_(*s);
  }
  if (const auto* r = std::get_if<vehicle::Rejected>(&record)) return reject(*r);
  if (const auto* f = std::get_if<vehicle::VehicleFacts>(&record)) {
    if (f->vin && vin_from_ == VinFrom::kSource) vehicle_.vin = *f->vin;
    if (f->model) vehicle_.model = *f->model;
    if (f->nominal_capacity_kwh) vehicle_.nominal_capacity_kwh = *f->nominal_capacity_kwh;
    if (f->chemistry) vehicle_.chemistry = *f->chemistry;
    if (f->delivered) vehicle_.delivered = *f->delivered;
    if (f->tyre_placard_kpa) vehicle_.tyre_placard_kpa = *f->tyre_placard_kpa;
    return true;
  }
  // Commands from a recording are counted here; the caller hands them to
  // the command processor (agent/commands), which applies and answers them.
  ++counters_.commands;
  return true;
}

bool Ingest::reject(const vehicle::Rejected& rejected) {
  counters_.rejected.add(rejected.kind);
  ++uncounted_rejects_;
  if (on_reject_) on_reject_(rejected);
  return countRejects();
}

bool Ingest::countRejects() {
  // A reject before the first sample waits for the day that sample opens.
  if (current_day_ < 0 || uncounted_rejects_ == 0) return true;
  const std::string key = store::rejectedOnDayKey(current_day_);
  if (rejects_day_ != current_day_) {
    // The day's stored count is read once (it survives restarts), then kept
    // here: a recording of bad lines costs one write per reject, not a read too.
    auto stored = store_.metaInt(key);
    if (!stored) {
      log::error("ingest: {}", stored.error().message);
      return false;
    }
    rejects_day_ = current_day_;
    rejects_on_day_ = stored->value_or(0);
  }
  if (auto st = store_.setMeta(key, std::to_string(rejects_on_day_ + uncounted_rejects_)); !st) {
    log::error("ingest: {}", st.error().message);
    return false;
  }
  rejects_on_day_ += uncounted_rejects_;
  uncounted_rejects_ = 0;
  return true;
}

bool Ingest::advanceTo(std::int64_t now_ms) {
  if (current_day_ < 0 || store_.dayStart(now_ms) <= current_day_) return true;
  return closeDay(current_day_);
}

bool Ingest::finish() {
  if (current_day_ < 0) return true;
  return closeDay(current_day_);
}

bool Ingest::closeDay(std::int64_t day_start_ms) {
  // A day is reported once, even when a replay with --state-dir or a restart
  // sees it end again.
  if (day_start_ms <= closed_through_) return true;
  auto body = dailyBody(store_, day_start_ms);
  if (!body) {
    log::error("ingest: telemetry/daily: {}", body.error().message);
    return false;
  }
  if (!*body) return true;
  // The message is stamped with the end of the day it describes, so that a
  // replay produces the same outbox whenever it runs.
  auto msg = store_.enqueue(wire::Kind::kTelemetryDaily, vehicle_.vin,
                            day_start_ms + civil::kMsPerDay - 1, **body);
  if (!msg) {
    log::error("ingest: {}", msg.error().message);
    return false;
  }
  // Same transaction as the message: both or neither survive a crash.
  if (auto st = store_.setMeta(kClosedKey, std::to_string(day_start_ms)); !st) {
    log::error("ingest: {}", st.error().message);
    return false;
  }
  closed_through_ = day_start_ms;
  ++counters_.daily_messages;
  return !on_day_closed_ || on_day_closed_(day_start_ms);
}

}  // namespace crm::telemetry
