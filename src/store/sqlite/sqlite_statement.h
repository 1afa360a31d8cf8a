// SqliteStatement and SqliteDatabase: thin RAII owners over the SQLite C API.
//
// SqliteDatabase owns one sqlite3 connection and closes it on destruction. SqliteStatement owns
// one prepared statement; it is reset and its bindings cleared after every use, so a cached
// statement can be reused for the next row without re-preparing. Errors come back as Status
// values carrying SQLite's own message (sqlite3_errmsg), mapped to a StatusCode by result code.
// Neither type is thread-safe; both belong to the single thread that uses the store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "idguard/core/status.h"

namespace idguard::sqlite {

// Builds a Status from an SQLite result code and the connection's latest message.
Status StatusFromSqlite(sqlite3* db, int code, std::string_view context);

// sqlite3_open_v2 after the process-wide settings idguard wants, applied before the first
// connection of the process: no allocation statistics (SQLite otherwise counts every allocation
// under a global mutex, and idguard never reads the counts). Sets `db` even when opening fails,
// for its message; the caller owns it.
int OpenConnection(const std::string& path, int flags, sqlite3** db);

class SqliteDatabase {
 public:
  SqliteDatabase() = default;
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase();
  SqliteDatabase(SqliteDatabase&& other) noexcept : db_(other.release()) {}
  SqliteDatabase& operator=(SqliteDatabase&& other) noexcept;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  sqlite3* get() const { return db_; }
  sqlite3* release() {
    sqlite3* db = db_;
    db_ = nullptr;
    return db;
  }

  // Runs SQL that takes no parameters and returns no rows of interest (DDL, pragmas,
  // BEGIN/COMMIT). Only for fixed text written in this folder, never for values.
  Status Exec(const char* sql) const;

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) {
    other.stmt_ = nullptr;
  }
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Prepares `sql` for repeated use (SQLITE_PREPARE_PERSISTENT hints the statement is cached).
  static Result<SqliteStatement> Prepare(sqlite3* db, std::string_view sql);

  // Parameters are 1-based, as in SQLite. Text is NOT copied (SQLITE_STATIC): the bytes must stay
  // valid until Run() or Reset(), which is how the store uses it — bind a record's fields, run,
  // move on. Skipping the copy matters for the ~1 KB JSON column on the bulk path.
  void BindText(int index, std::string_view value);
  void BindInt(int index, std::int64_t value);
  void BindNull(int index);

  // Steps once. Returns true when a row is available, false when done; an error Status otherwise.
  Result<bool> Step();
  // Steps until done; for INSERT/UPDATE/DELETE. Resets the statement afterwards.
  Status Run();
  // Makes the statement ready for new bindings; always safe to call.
  void Reset();

  std::int64_t ColumnInt(int index) const;
  std::string_view ColumnText(int index) const;
  // The column's bytes as stored (no text conversion); empty for NULL.
  std::string_view ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// Steps `statement` to the end, calling `row` (returning a Status) for each row; stops at the first
// error, and resets the statement on every path.
template <typename Row>
Status ForEachRow(SqliteStatement& statement, Row row) {
  for (;;) {
    auto stepped = statement.Step();
    if (!stepped.ok()) {
      statement.Reset();
      return stepped.status();
    }
    if (!*stepped) break;
    if (Status visited = row(); !visited.ok()) {
      statement.Reset();
      return visited;
    }
  }
  statement.Reset();
  return Status::Ok();
}

}  // namespace idguard::sqlite
