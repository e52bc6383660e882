// Thin RAII over the SQLite C API: a connection and prepared statements.
// Private to the store. Threading: one thread per connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::store {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, std::string_view sql);  // sets ok() false on a prepare error
  ~Stmt();
  Stmt(Stmt&& o) noexcept : s_(o.s_), sink_(o.sink_), prepare_error_(std::move(o.prepare_error_)) {
    o.s_ = nullptr;
  }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return s_ != nullptr; }
  // Where a failed step() (anything but a row or the end) writes what went
  // wrong, if nothing is written there yet: reads report failures this way
  // instead of ending early as if there were no more rows.
  Stmt& reportTo(std::string* sink) {
    sink_ = sink;
    return *this;
  }
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bindNull(int i);
  // Returns SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // Steps to completion and resets; returns SQLITE_DONE or an error code.
  int run();
  void reset();
  std::int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  double f64(int col) const { return sqlite3_column_double(s_, col); }
  bool isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string text(int col) const;

 private:
  sqlite3_stmt* s_ = nullptr;
  std::string* sink_ = nullptr;
  std::string prepare_error_;
};

class Db {
 public:
  Db() = default;
  ~Db();
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&&) = delete;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Opens (creating) the file; returns the SQLite error code.
  int open(const std::string& path);
  void close();
  sqlite3* handle() const { return db_; }
  // Runs statements without results; returns the SQLite error code.
  int exec(std::string_view sql);
  // First column of the first row as an integer, or nullopt on error/no row.
  std::optional<std::int64_t> queryInt(std::string_view sql);
  std::string lastError() const;
  // The primary result code of the last failure (SQLITE_FULL, SQLITE_BUSY, ...).
  int lastCode() const { return db_ != nullptr ? sqlite3_errcode(db_) & 0xff : SQLITE_MISUSE; }
  // First column of the first row as text, or nullopt on error/no row.
  std::optional<std::string> queryText(std::string_view sql);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace crm::store
