#include "store/sqlite/sqlite_statement.h"

#include <mutex>
#include <string>
#include <string_view>

namespace idguard::sqlite {

int OpenConnection(const std::string& path, int flags, sqlite3** db) {
  static std::once_flag configured;
  std::call_once(configured, [] {
    // Refused (SQLITE_MISUSE) when something else in the process opened SQLite first: the
    // statistics then stay on, which costs speed only.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
  return sqlite3_open_v2(path.c_str(), db, flags, nullptr);
}

Status StatusFromSqlite(sqlite3* db, int code, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_NOTADB:
    case SQLITE_RANGE:
      return Status::InvalidInput(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::IoError(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

SqliteDatabase::~SqliteDatabase() {
  // sqlite3_close_v2 defers the close until every statement is finalized, so the order in which
  // an owner destroys its cached statements and its connection does not matter.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = other.release();
  }
  return *this;
}

Status SqliteDatabase::Exec(const char* sql) const {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return StatusFromSqlite(db_, rc, sql);
  return Status::Ok();
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return StatusFromSqlite(db, rc, "preparing \"" + std::string(sql) + "\"");
  }
  return SqliteStatement(stmt, db);
}

void SqliteStatement::BindText(int index, std::string_view value) {
  // A default-constructed view has a null data pointer, which SQLite would store as NULL; an
  // empty string must stay an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void SqliteStatement::BindInt(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

namespace {

// The start of a statement's text on one line, enough to tell which statement failed: whole
// statements run to dozens of lines, and their text reaches error answers and logs.
std::string StatementHead(std::string_view sql) {
  constexpr std::size_t kHeadLength = 48;
  std::string head;
  bool space = false;
  for (const char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !head.empty();
      continue;
    }
    if (head.size() >= kHeadLength) return head + "...";
    if (space) head += ' ';
    space = false;
    head += c;
  }
  return head;
}

}  // namespace

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status status = StatusFromSqlite(db_, rc, "executing " + StatementHead(sqlite3_sql(stmt_)));
  Reset();
  return status;
}

Status SqliteStatement::Run() {
  Result<bool> stepped = Step();
  while (stepped.ok() && *stepped) stepped = Step();
  Reset();
  return stepped.status();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string_view SqliteStatement::ColumnText(int index) const {
  // sqlite3_column_text first, then _bytes: that order is the one SQLite documents as safe.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  const int size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(size)};
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::string_view SqliteStatement::ColumnBlob(int index) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  const int size = sqlite3_column_bytes(stmt_, index);
  if (bytes == nullptr) return {};
  return {bytes, static_cast<std::size_t>(size)};
}

}  // namespace idguard::sqlite
