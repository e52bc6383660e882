// Raw samples, change-based reduction and roll-ups.
#include <algorithm>
#include <cmath>
#include <limits>

#include "crm/common/civil_time.h"
#include "impl.h"

namespace crm::store {
namespace {

constexpr std::int64_t kHour = 3'600'000;

// Numeric view of a value for roll-ups: booleans count as 0/1 so that a
// roll-up's mean is the share of samples that were true.
std::optional<double> numeric(const vehicle::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

bool unchanged(const vehicle::SignalInfo& info, const vehicle::Value& a, const vehicle::Value& b) {
  const auto* x = std::get_if<double>(&a);
  const auto* y = std::get_if<double>(&b);
  if (x != nullptr && y != nullptr) {
    return info.deadband > 0 ? std::fabs(*x - *y) < info.deadband : *x == *y;
  }
  return a == b;
}

void accumulate(Bucket& b, vehicle::SignalId signal, std::int64_t bucket_ms, std::int64_t ts,
                double v) {
  Rollup& r = b.r;
  if (!b.valid || r.bucket_ms != bucket_ms) {
    r = Rollup{signal, bucket_ms, 0, v, v, 0, v, v, ts, ts};
    b.valid = true;
  }
  r.count += 1;
  r.min = std::min(r.min, v);
  r.max = std::max(r.max, v);
  r.sum += v;
  r.last = v;
  r.last_ts = ts;
  b.dirty = true;
}

Rollup readRollup(const Stmt& s, vehicle::SignalId signal) {
  return Rollup{signal,   s.i64(0), s.i64(1), s.f64(2), s.f64(3),
                s.f64(4), s.f64(5), s.f64(6), s.i64(7), s.i64(8)};
}

// Which of a signal's raw samples in a time range a reader wants.
enum class Pick { kAll, kFirst, kLast };

struct Found {
  StoredSample sample;
  std::int64_t id = 0;  // rowid: the order samples were taken, for equal ts
};

bool before(const Found& a, const Found& b) {
  return a.sample.ts_ms != b.sample.ts_ms ? a.sample.ts_ms < b.sample.ts_ms : a.id < b.id;
}

// One signal's samples with lo <= ts < hi, oldest first, from samples and,
// when `recent` (it may hold some of them), samples_recent. The two are read
// apart: samples by its index, one row when one is wanted; a query on the
// samples_all view sorts every row in range first, years of them for the
// sample before a time.
std::vector<Found> sampleRows(const Db& db, std::string* errors, std::int64_t signal,
                              std::int64_t lo, std::int64_t hi, Pick pick, bool recent) {
  const char* order = pick == Pick::kAll     ? " ORDER BY ts, rowid"
                      : pick == Pick::kFirst ? " ORDER BY ts, rowid LIMIT 1"
                                             : " ORDER BY ts DESC, rowid DESC LIMIT 1";
  std::vector<Found> out;
  for (const char* table : {"samples", "samples_recent"}) {
    if (table != std::string_view("samples") && !recent) break;
    Stmt s(db.handle(), std::string("SELECT ts, num, text, rowid FROM ") + table +
                            " WHERE signal = ? AND ts >= ? AND ts < ?" + order);
    s.reportTo(errors);
    s.bind(1, signal).bind(2, lo).bind(3, hi);
    while (s.step() == SQLITE_ROW) {
      out.push_back(Found{StoredSample{s.i64(0), s.f64(1), s.text(2)}, s.i64(3)});
    }
  }
  if (!recent || out.size() < 2) return out;
  // Usually in order already: samples holds the older rows.
  if (!std::is_sorted(out.begin(), out.end(), before)) std::sort(out.begin(), out.end(), before);
  if (pick == Pick::kFirst) out.resize(1);
  if (pick == Pick::kLast) out.erase(out.begin(), out.end() - 1);
  return out;
}

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kEndOfTime = std::numeric_limits<std::int64_t>::max();

}  // namespace

bool Store::settleSamples() {
  Impl& im = *impl_;
  // In rowid order: every row of samples_recent is newer than every row of
  // samples, so samples' b-tree is appended to, and one index page per
  // signal is rewritten for ~1,000 samples instead of for each commit.
  if (im.db.exec("INSERT INTO samples(rowid, signal, ts, num, text) "
                 "SELECT rowid, signal, ts, num, text FROM samples_recent ORDER BY rowid; "
                 "DELETE FROM samples_recent") != SQLITE_OK) {
    return false;
  }
  im.recent_rows = 0;
  im.recent_from_ms = kEndOfTime;
  return true;
}

void Store::reloadRecent() {
  Impl& im = *impl_;
  if (im.recent_stats.step() == SQLITE_ROW) {
    im.recent_rows = im.recent_stats.i64(0);
    im.recent_from_ms = im.recent_stats.isNull(1) ? kEndOfTime : im.recent_stats.i64(1);
  } else {
    // Unknown: readers look at the table every time, and the next sample
    // moves it.
    im.recent_rows = kRecentRowsMax;
    im.recent_from_ms = kNoTime;
  }
  im.recent_stats.reset();
}

bool writeRollup(Stmt& st, std::int64_t db_id, const Rollup& r) {
  st.bind(1, db_id)
      .bind(2, r.bucket_ms)
      .bind(3, r.count)
      .bind(4, r.min)
      .bind(5, r.max)
      .bind(6, r.sum)
      .bind(7, r.first)
      .bind(8, r.last)
      .bind(9, r.first_ts)
      .bind(10, r.last_ts);
  return st.run() == SQLITE_DONE;
}

Result<bool, StoreError> Store::addSample(const vehicle::Sample& sample) {
  if (auto st = begin(); !st) return st.error();
  Impl& im = *impl_;
  SignalState& ss = im.signals[sample.signal];
  const auto& info = vehicle::signalInfo(sample.signal);

  // Personal signals (locations) are not rolled up: a day's first and last
  // position is where the car slept, and roll-ups are kept for the car's
  // life. Their raw samples stay within the raw window (docs/privacy.md).
  if (auto v = numeric(sample.value); v && !info.personal) {
    // A bucket that ends is written at once (readers of the closed day find
    // it in the file) and kept until its batch commits; the open one stays
    // in memory until a checkpoint (StoreOptions::rollup_checkpoint_ms).
    auto close = [&](Bucket& b, bool daily) {
      if (!b.dirty) return true;
      if (!writeRollup(daily ? im.upsert_daily : im.upsert_hourly, ss.db_id, b.r)) return false;
      im.unflushed.push_back(ClosedBucket{daily, ss.db_id, b.r});
      b.dirty = false;
      return true;
    };
    const std::int64_t hour = sample.ts_ms - (sample.ts_ms % kHour + kHour) % kHour;
    if (ss.hour.valid && ss.hour.r.bucket_ms != hour && !close(ss.hour, false)) {
      return writeFailed("hourly roll-up");
    }
    accumulate(ss.hour, sample.signal, hour, sample.ts_ms, *v);
    const std::int64_t day = dayStart(sample.ts_ms);
    if (ss.day.valid && ss.day.r.bucket_ms != day && !close(ss.day, true)) {
      return writeFailed("daily roll-up");
    }
    accumulate(ss.day, sample.signal, day, sample.ts_ms, *v);
  }
  im.newest_sample_ms = std::max(im.newest_sample_ms, sample.ts_ms);

  if (ss.has_last && sample.ts_ms - ss.last_ts < info.heartbeat_s * 1000LL &&
      unchanged(info, ss.last_value, sample.value)) {
    ++im.samples_reduced;
    return false;
  }
  // The newest samples go to samples_recent, which has no index to rewrite
  // (schema v7); see kRecentRowsMax for a burst.
  if (!im.burst && im.recent_rows >= kRecentRowsMax) {
    if (!settleSamples()) return writeFailed("move recent samples");
    im.burst = true;
  }
  const bool recent = !im.burst;
  Stmt& ins = recent ? im.insert_sample : im.insert_settled;
  ins.bind(1, ss.db_id).bind(2, sample.ts_ms);
  if (const auto* d = std::get_if<double>(&sample.value)) {
    ins.bind(3, *d).bindNull(4);
  } else if (const auto* b = std::get_if<bool>(&sample.value)) {
    ins.bind(3, static_cast<std::int64_t>(*b)).bindNull(4);
  } else if (const auto* s = std::get_if<std::string>(&sample.value)) {
    ins.bindNull(3).bind(4, *s);
  } else {
    // String arrays (the DTC list) are stored as one comma-joined text:
    // DTC codes never contain commas.
    std::string joined;
    for (const auto& item : std::get<std::vector<std::string>>(sample.value)) {
      if (!joined.empty()) joined += ',';
      joined += item;
    }
    ins.bindNull(3).bind(4, joined);
  }
  ins.bind(5, im.next_sample_id);
  if (ins.run() != SQLITE_DONE) return writeFailed("insert sample");
  ++im.next_sample_id;
  if (recent) {
    ++im.recent_rows;
    im.recent_from_ms = std::min(im.recent_from_ms, sample.ts_ms);
  }
  ss.has_last = true;
  ss.last_ts = sample.ts_ms;
  ss.last_value = sample.value;
  return true;
}

Status<StoreError> Store::flushRollups() {
  Impl& im = *impl_;
  // Dirty flags are cleared by the commit that makes these rows durable.
  for (auto& ss : im.signals) {
    if ((ss.hour.dirty && !writeRollup(im.upsert_hourly, ss.db_id, ss.hour.r)) ||
        (ss.day.dirty && !writeRollup(im.upsert_daily, ss.db_id, ss.day.r))) {
      return fail(StoreError::kIo, "roll-ups: " + im.db.lastError());
    }
  }
  return {};
}

void Store::loadSignalState() {
  Impl& im = *impl_;
  reloadRecent();
  im.next_sample_id = 1 + im.db
                              .queryInt(
                                  "SELECT max(coalesce((SELECT max(rowid) FROM samples), 0), "
                                  "coalesce((SELECT max(rowid) FROM samples_recent), 0))")
                              .value_or(0);
  Stmt hour(im.db.handle(),
            "SELECT bucket,n,min,max,sum,first,last,first_ts,last_ts FROM rollup_hourly "
            "WHERE signal = ? ORDER BY bucket DESC LIMIT 1");
  Stmt day(im.db.handle(),
           "SELECT bucket,n,min,max,sum,first,last,first_ts,last_ts FROM rollup_daily "
           "WHERE signal = ? ORDER BY bucket DESC LIMIT 1");
  for (std::size_t i = 0; i < im.signals.size(); ++i) {
    SignalState& ss = im.signals[i];
    const auto id = static_cast<vehicle::SignalId>(i);
    const auto type = vehicle::signalInfo(id).type;
    const auto last = sampleRows(im.db, &im.read_error, ss.db_id, kNoTime, kEndOfTime, Pick::kLast,
                                 im.recent_rows > 0);
    if (!last.empty()) {
      const StoredSample& l = last.front().sample;
      ss.has_last = true;
      ss.last_ts = l.ts_ms;
      if (type == vehicle::ValueType::kBool) {
        ss.last_value = l.number != 0;
      } else if (type == vehicle::ValueType::kString) {
        ss.last_value = l.text;
      } else if (type == vehicle::ValueType::kStringArray) {
        std::vector<std::string> items;
        const std::string& joined = l.text;
        for (std::size_t start = 0; start < joined.size();) {
          auto comma = joined.find(',', start);
          if (comma == std::string::npos) comma = joined.size();
          items.push_back(joined.substr(start, comma - start));
          start = comma + 1;
        }
        ss.last_value = std::move(items);
      } else {
        ss.last_value = l.number;
      }
      im.newest_sample_ms = std::max(im.newest_sample_ms, ss.last_ts);
    }
    // An older agent rolled personal signals up; those rows are left for the
    // erase, not continued.
    if (vehicle::signalInfo(id).personal) continue;
    hour.bind(1, ss.db_id);
    if (hour.step() == SQLITE_ROW) ss.hour = Bucket{readRollup(hour, id), true, false};
    hour.reset();
    day.bind(1, ss.db_id);
    if (day.step() == SQLITE_ROW) {
      ss.day = Bucket{readRollup(day, id), true, false};
      im.newest_sample_ms = std::max(im.newest_sample_ms, ss.day.r.last_ts);
    }
    day.reset();
  }
}

std::vector<Rollup> Store::dailyRollups(std::int64_t day_start_ms) const {
  const Impl& im = *impl_;
  std::vector<Rollup> out;
  std::vector<bool> have(im.signals.size(), false);
  // Staged (uncommitted) buckets are the freshest truth for today.
  for (std::size_t i = 0; i < im.signals.size(); ++i) {
    if (im.signals[i].day.valid && im.signals[i].day.r.bucket_ms == day_start_ms) {
      out.push_back(im.signals[i].day.r);
      have[i] = true;
    }
  }
  // One indexed read for all signals of the day: reports walk days, and 40
  // point queries per day made their cost grow with the car's age.
  Stmt s = im.query(
      "SELECT bucket,n,min,max,sum,first,last,first_ts,last_ts,signal FROM rollup_daily "
      "WHERE bucket = ?");
  s.bind(1, day_start_ms);
  while (s.step() == SQLITE_ROW) {
    const auto id = im.catalogueId(s.i64(9));
    if (!id || have[*id]) continue;
    out.push_back(readRollup(s, *id));
  }
  std::sort(out.begin(), out.end(),
            [](const Rollup& a, const Rollup& b) { return a.signal < b.signal; });
  return out;
}

std::vector<Rollup> Store::dailyRollups(vehicle::SignalId signal, std::int64_t from_ms,
                                        std::int64_t to_ms) const {
  const Impl& im = *impl_;
  std::vector<Rollup> out;
  if (signal >= im.signals.size()) return out;
  const SignalState& ss = im.signals[signal];
  Stmt s = im.query(
      "SELECT bucket,n,min,max,sum,first,last,first_ts,last_ts FROM rollup_daily "
      "WHERE signal = ? AND bucket >= ? AND bucket < ? ORDER BY bucket");
  s.bind(1, ss.db_id);
  s.bind(2, from_ms);
  s.bind(3, to_ms);
  while (s.step() == SQLITE_ROW) out.push_back(readRollup(s, signal));
  // The staged bucket of the current day replaces its committed copy.
  if (ss.day.valid && ss.day.r.bucket_ms >= from_ms && ss.day.r.bucket_ms < to_ms) {
    if (!out.empty() && out.back().bucket_ms == ss.day.r.bucket_ms) out.pop_back();
    out.push_back(ss.day.r);
  }
  return out;
}

std::optional<std::int64_t> Store::firstDay() const {
  const Impl& im = *impl_;
  std::optional<std::int64_t> first;
  Stmt s = im.query("SELECT MIN(bucket) FROM rollup_daily");
  if (s.step() == SQLITE_ROW && !s.isNull(0)) first = s.i64(0);
  for (const auto& ss : im.signals) {
    if (ss.day.valid) first = std::min(first.value_or(ss.day.r.bucket_ms), ss.day.r.bucket_ms);
  }
  return first;
}

std::vector<LastValue> Store::lastValues() const {
  std::vector<LastValue> out;
  for (std::size_t i = 0; i < impl_->signals.size(); ++i) {
    const SignalState& ss = impl_->signals[i];
    if (!ss.has_last && !ss.day.valid) continue;
    LastValue lv;
    lv.signal = static_cast<vehicle::SignalId>(i);
    // The day roll-up has seen every accepted sample, reduced or not.
    if (ss.day.valid) {
      lv.ts_ms = ss.day.r.last_ts;
      lv.number = ss.day.r.last;
    } else {
      lv.ts_ms = ss.last_ts;
      if (const auto* d = std::get_if<double>(&ss.last_value)) lv.number = *d;
    }
    out.push_back(lv);
  }
  return out;
}

std::vector<StoredSample> Store::samples(vehicle::SignalId signal, std::int64_t from_ms,
                                         std::int64_t to_ms) const {
  const Impl& im = *impl_;
  std::vector<StoredSample> out;
  for (auto& f :
       sampleRows(im.db, &im.read_error, im.signals[signal].db_id, std::max(from_ms, rawHorizon()),
                  to_ms, Pick::kAll, to_ms > im.recent_from_ms)) {
    out.push_back(std::move(f.sample));
  }
  return out;
}

std::optional<StoredSample> Store::sampleBefore(vehicle::SignalId signal,
                                                std::int64_t ts_ms) const {
  const Impl& im = *impl_;
  auto found = sampleRows(im.db, &im.read_error, im.signals[signal].db_id, rawHorizon(), ts_ms,
                          Pick::kLast, ts_ms > im.recent_from_ms);
  if (found.empty()) return std::nullopt;
  return std::move(found.front().sample);
}

std::optional<StoredSample> Store::firstSample(vehicle::SignalId signal, std::int64_t from_ms,
                                               std::int64_t to_ms) const {
  const Impl& im = *impl_;
  auto found =
      sampleRows(im.db, &im.read_error, im.signals[signal].db_id, std::max(from_ms, rawHorizon()),
                 to_ms, Pick::kFirst, to_ms > im.recent_from_ms);
  if (found.empty()) return std::nullopt;
  return std::move(found.front().sample);
}

std::int64_t Store::rawHorizon() const {
  if (impl_->newest_sample_ms < 0) return std::numeric_limits<std::int64_t>::min();
  return dayStart(impl_->newest_sample_ms) -
         static_cast<std::int64_t>(options_.raw_retention_days) * civil::kMsPerDay;
}

std::optional<std::int64_t> Store::newestSampleMs() const {
  if (impl_->newest_sample_ms < 0) return std::nullopt;
  return impl_->newest_sample_ms;
}

}  // namespace crm::store
