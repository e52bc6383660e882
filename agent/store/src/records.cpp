// Derived records: charging sessions, trips, capacity estimates, reports,
// service records; and the bookkeeping of commands.
#include <nlohmann/json.hpp>

#include "impl.h"

namespace crm::store {
namespace {

void bindOptional(Stmt& s, int i, const std::optional<double>& v) {
  if (v) {
    s.bind(i, *v);
  } else {
    s.bindNull(i);
  }
}

}  // namespace

Status<StoreError> Store::addChargingSession(const ChargingSession& c) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT INTO charging_sessions(start_ms,end_ms,start_soc,end_soc,energy_kwh,peak_kw,"
         "average_kw,dc,pack_temp_max_c,interrupted,inferred) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, c.start_ms)
      .bind(2, c.end_ms)
      .bind(3, c.start_soc)
      .bind(4, c.end_soc)
      .bind(5, c.energy_kwh)
      .bind(6, c.peak_kw)
      .bind(7, c.average_kw)
      .bind(8, static_cast<std::int64_t>(c.dc))
      .bind(10, static_cast<std::int64_t>(c.interrupted))
      .bind(11, static_cast<std::int64_t>(c.inferred));
  bindOptional(s, 9, c.pack_temp_max_c);
  if (s.run() != SQLITE_DONE) return writeFailed("charging session");
  return {};
}

Status<StoreError> Store::addTrip(const Trip& t) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT INTO trips(start_ms,end_ms,distance_km,energy_kwh,ambient_c) VALUES(?,?,?,?,?)");
  s.bind(1, t.start_ms).bind(2, t.end_ms).bind(3, t.distance_km).bind(4, t.energy_kwh);
  bindOptional(s, 5, t.ambient_c);
  if (s.run() != SQLITE_DONE) return writeFailed("trip");
  return {};
}

Status<StoreError> Store::addCapacityEstimate(const CapacityEstimate& e) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT INTO capacity_estimates(ts,capacity_kwh,soc_span,temperature_c) VALUES(?,?,?,?)");
  s.bind(1, e.ts_ms).bind(2, e.capacity_kwh).bind(3, e.soc_span);
  bindOptional(s, 4, e.temperature_c);
  if (s.run() != SQLITE_DONE) return writeFailed("capacity");
  return {};
}

Result<std::int64_t, StoreError> Store::addReport(const StoredReport& r) {
  if (auto st = begin(); !st) return st.error();
  Stmt s(impl_->db.handle(),
         "INSERT INTO reports(period_from,period_to,generated_ms,json,on_request) "
         "VALUES(?,?,?,?,?)");
  s.bind(1, r.period_from)
      .bind(2, r.period_to)
      .bind(3, r.generated_ms)
      .bind(4, r.json)
      .bind(5, static_cast<std::int64_t>(r.on_request));
  if (s.run() != SQLITE_DONE) return writeFailed("report");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db.handle()));
}

std::vector<ChargingSession> Store::chargingSessions(std::int64_t from_ms,
                                                     std::int64_t to_ms) const {
  std::vector<ChargingSession> out;
  Stmt s = impl_->query(
      "SELECT start_ms,end_ms,start_soc,end_soc,energy_kwh,peak_kw,average_kw,dc,"
      "pack_temp_max_c,interrupted,inferred FROM charging_sessions "
      "WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms");
  s.bind(1, from_ms).bind(2, to_ms);
  while (s.step() == SQLITE_ROW) {
    ChargingSession c{s.i64(0), s.i64(1),      s.f64(2),     s.f64(3),      s.f64(4),      s.f64(5),
                      s.f64(6), s.i64(7) != 0, std::nullopt, s.i64(9) != 0, s.i64(10) != 0};
    if (!s.isNull(8)) c.pack_temp_max_c = s.f64(8);
    out.push_back(c);
  }
  return out;
}

std::vector<Trip> Store::trips(std::int64_t from_ms, std::int64_t to_ms) const {
  std::vector<Trip> out;
  Stmt s = impl_->query(
      "SELECT start_ms,end_ms,distance_km,energy_kwh,ambient_c FROM trips "
      "WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms");
  s.bind(1, from_ms).bind(2, to_ms);
  while (s.step() == SQLITE_ROW) {
    Trip t{s.i64(0), s.i64(1), s.f64(2), s.f64(3), std::nullopt};
    if (!s.isNull(4)) t.ambient_c = s.f64(4);
    out.push_back(t);
  }
  return out;
}

std::vector<CapacityEstimate> Store::capacityEstimates(std::int64_t from_ms,
                                                       std::int64_t to_ms) const {
  std::vector<CapacityEstimate> out;
  Stmt s = impl_->query(
      "SELECT ts,capacity_kwh,soc_span,temperature_c FROM capacity_estimates "
      "WHERE ts >= ? AND ts < ? ORDER BY ts");
  s.bind(1, from_ms).bind(2, to_ms);
  while (s.step() == SQLITE_ROW) {
    CapacityEstimate e{s.i64(0), s.f64(1), s.f64(2), std::nullopt};
    if (!s.isNull(3)) e.temperature_c = s.f64(3);
    out.push_back(e);
  }
  return out;
}

namespace {

std::optional<StoredReport> oneReport(Stmt s) {
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return StoredReport{s.i64(0), s.i64(1), s.i64(2), s.i64(3), s.text(4), s.i64(5) != 0};
}

}  // namespace

std::optional<StoredReport> Store::latestReport() const {
  return oneReport(
      impl_->query("SELECT id,period_from,period_to,generated_ms,json,on_request FROM reports "
                   "ORDER BY id DESC LIMIT 1"));
}

std::optional<StoredReport> Store::latestPeriodicReport() const {
  return oneReport(
      impl_->query("SELECT id,period_from,period_to,generated_ms,json,on_request FROM reports "
                   "WHERE on_request = 0 ORDER BY id DESC LIMIT 1"));
}

Status<StoreError> Store::addServiceRecord(const ServiceRecord& r) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT INTO service_records(command_id,visit_date,odometer_km,items,dealer_id,"
         "received_ms) VALUES(?,?,?,?,?,?)");
  s.bind(1, r.command_id)
      .bind(2, r.visit_date)
      .bind(3, r.odometer_km)
      .bind(4, nlohmann::json(r.items).dump())
      .bind(5, r.dealer_id)
      .bind(6, r.received_ms);
  if (s.run() != SQLITE_DONE) return writeFailed("service record");
  return {};
}

std::vector<ServiceRecord> Store::serviceRecords() const {
  std::vector<ServiceRecord> out;
  // ISO dates sort as text.
  Stmt s = impl_->query(
      "SELECT command_id,visit_date,odometer_km,items,dealer_id,received_ms "
      "FROM service_records ORDER BY visit_date, id");
  while (s.step() == SQLITE_ROW) {
    ServiceRecord r{s.text(0), s.text(1), s.f64(2), {}, s.text(4), s.i64(5)};
    // Written by addServiceRecord only; a row that does not parse keeps the
    // visit and loses its items rather than the whole history.
    const auto items = nlohmann::json::parse(s.text(3), nullptr, false);
    if (items.is_array()) {
      for (const auto& i : items) {
        if (i.is_string()) r.items.push_back(i.get<std::string>());
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<bool, StoreError> Store::commandSeen(std::string_view id) const {
  Stmt s(impl_->db.handle(), "SELECT 1 FROM commands_seen WHERE id = ?");
  s.bind(1, id);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(StoreError::kIo, "command ledger: " + impl_->db.lastError());
}

Status<StoreError> Store::markCommandSeen(std::string_view id, std::string_view command,
                                          std::int64_t received_ms) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(), "INSERT INTO commands_seen(id,received_ms,command) VALUES(?,?,?)");
  s.bind(1, id).bind(2, received_ms).bind(3, command);
  if (s.run() != SQLITE_DONE) return writeFailed("command id");
  return {};
}

Status<StoreError> Store::beginUnit() {
  if (auto st = begin(); !st) return st;
  if (impl_->db.exec("SAVEPOINT unit") != SQLITE_OK)
    return fail(StoreError::kIo, "savepoint: " + impl_->db.lastError());
  return {};
}

Status<StoreError> Store::endUnit(bool keep) {
  const char* sql = keep ? "RELEASE unit" : "ROLLBACK TO unit; RELEASE unit";
  if (impl_->db.exec(sql) != SQLITE_OK) {
    std::string err = impl_->db.lastError();
    // After a disk-full or I/O error SQLite may have rolled the whole batch
    // back itself: then there is no transaction left to stage into.
    if (sqlite3_get_autocommit(impl_->db.handle()) != 0) in_txn_ = false;
    reloadRecent();
    return fail(StoreError::kIo, "savepoint: " + err);
  }
  if (!keep) reloadRecent();
  return {};
}

}  // namespace crm::store
