#include "sqlite.h"

namespace crm::store {

Stmt::Stmt(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &s_, nullptr) != SQLITE_OK) {
    prepare_error_ = sqlite3_errmsg(db);
    sqlite3_finalize(s_);
    s_ = nullptr;
  }
}

Stmt::~Stmt() {
  sqlite3_finalize(s_);
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    sink_ = o.sink_;
    prepare_error_ = std::move(o.prepare_error_);
    o.s_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

int Stmt::step() {
  if (s_ == nullptr) {
    if (sink_ != nullptr && sink_->empty()) *sink_ = "prepare: " + prepare_error_;
    return SQLITE_MISUSE;
  }
  const int rc = sqlite3_step(s_);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE && sink_ != nullptr && sink_->empty()) {
    *sink_ = sqlite3_errmsg(sqlite3_db_handle(s_));
  }
  return rc;
}

int Stmt::run() {
  int rc = sqlite3_step(s_);
  while (rc == SQLITE_ROW) rc = sqlite3_step(s_);
  sqlite3_reset(s_);
  return rc;
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}

Db::~Db() {
  close();
}

int Db::open(const std::string& path) {
  close();
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) sqlite3_extended_result_codes(db_, 1);
  return rc;
}

void Db::close() {
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

int Db::exec(std::string_view sql) {
  return sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
}

std::optional<std::int64_t> Db::queryInt(std::string_view sql) {
  Stmt s(db_, sql);
  if (!s.ok() || s.step() != SQLITE_ROW) return std::nullopt;
  return s.i64(0);
}

std::optional<std::string> Db::queryText(std::string_view sql) {
  Stmt s(db_, sql);
  if (!s.ok() || s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

std::string Db::lastError() const {
  return db_ != nullptr ? sqlite3_errmsg(db_) : "no database";
}

}  // namespace crm::store
