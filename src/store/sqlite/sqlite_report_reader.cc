// SqliteReportReader: ReportReader over a read-only connection to the store file.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "idguard/store/report_reader.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_statement.h"

namespace idguard {
namespace {

using sqlite::OpenConnection;
using sqlite::SqliteDatabase;
using sqlite::SqliteStatement;
using sqlite::StatusFromSqlite;

// A reader waits this long for a writer that holds the file exclusively (schema changes only).
constexpr int kBusyTimeoutMs = 5000;
// Reports and previews scan large parts of the file. Mapped, those pages are read where the OS
// page cache holds them instead of being copied into each connection's cache; they are shared by
// every reader and the kernel can drop them at any time. (SQLite caps the size at its build's
// limit, 2 GiB in Debian's.)
constexpr std::int64_t kReaderMmapBytes = std::int64_t{16} << 30;
// Statements are cached by their text; filters give each distinct shape its own text, so the
// cache is bounded and simply cleared when full.
constexpr std::size_t kMaxCachedStatements = 256;

struct TableSource {
  const char* from;     // FROM clause
  const char* payload;  // what a row returns
  const char* rowid;    // the keyset tie-breaker
  const char* byId;     // full statement returning the payload of one id
};

TableSource SourceOf(ReportTable table) {
  static const std::string sign_in_by_id =
      std::string(sqlite::kStoredDays) +
      "SELECT d.document FROM signins s JOIN signin_documents d ON d.signin_rowid = s.rowid "
      "WHERE s.created_day IN (SELECT day FROM stored_days) AND s.id = ?1";
  switch (table) {
    case ReportTable::riskyUsers:
      return {"risky_users", "json", "rowid", "SELECT json FROM risky_users WHERE id = ?1"};
    case ReportTable::detections:
      return {"detections", "json", "rowid", "SELECT json FROM detections WHERE id = ?1"};
    case ReportTable::history:
      return {"risky_user_history", "json", "rowid",
              "SELECT json FROM risky_user_history WHERE id = ?1"};
    case ReportTable::signIns:
      return {"signins s JOIN signin_documents d ON d.signin_rowid = s.rowid", "d.document",
              "s.rowid", sign_in_by_id.c_str()};
    case ReportTable::auditLog:
      return {"audit_log", "json", "rowid", "SELECT json FROM audit_log WHERE id = ?1"};
    case ReportTable::riskyServicePrincipals:
      return {"risky_service_principals", "json", "rowid",
              "SELECT json FROM risky_service_principals WHERE id = ?1"};
    case ReportTable::servicePrincipalHistory:
      return {"risky_service_principal_history", "json", "rowid",
              "SELECT json FROM risky_service_principal_history WHERE id = ?1"};
  }
  return {"risky_users", "json", "rowid", "SELECT json FROM risky_users WHERE id = ?1"};
}

void Bind(SqliteStatement& statement, int index, const SqlValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    statement.BindInt(index, *integer);
  } else if (const auto* number = std::get_if<double>(&value)) {
    sqlite3_bind_double(statement.get(), index, *number);
  } else {
    statement.BindText(index, std::get<std::string>(value));
  }
}

SqlValue ReadValue(const SqliteStatement& statement, int column) {
  switch (sqlite3_column_type(statement.get(), column)) {
    case SQLITE_INTEGER:
      return statement.ColumnInt(column);
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement.get(), column);
    default:
      return std::string(statement.ColumnText(column));
  }
}

class SqliteReportReader final : public ReportReader {
 public:
  SqliteReportReader(SqliteDatabase db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Result<std::vector<ListedRow>> List(const ListRequest& request) override {
    const TableSource source = SourceOf(request.table);
    const char* direction = request.descending ? "DESC" : "ASC";
    std::string sql = request.overStoredDays ? std::string(sqlite::kStoredDays) : std::string();
    sql += "SELECT ";
    sql += source.payload;
    sql += ", " + request.orderColumn + ", " + source.rowid + " FROM " + source.from;
    std::string where = WithStoredDays(request.condition, request.overStoredDays);
    if (request.after) {
      if (!where.empty()) where = "(" + where + ") AND ";
      where += "(" + request.orderColumn + ", " + source.rowid + ") " +
               (request.descending ? "<" : ">") + " (?, ?)";
    }
    if (!where.empty()) sql += " WHERE " + where;
    sql += " ORDER BY " + request.orderColumn + " " + direction + ", " + source.rowid + " " +
           direction + " LIMIT ?";

    auto statement = Cached(sql);
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    int index = 1;
    for (const SqlValue& value : request.parameters) Bind(st, index++, value);
    if (request.after) {
      Bind(st, index++, request.after->orderValue);
      st.BindInt(index++, request.after->rowid);
    }
    st.BindInt(index, static_cast<std::int64_t>(request.limit));

    std::vector<ListedRow> rows;
    Status read = sqlite::ForEachRow(st, [&] {
      ListedRow row;
      row.payload = std::string(st.ColumnBlob(0));
      row.position.orderValue = ReadValue(st, 1);
      row.position.rowid = st.ColumnInt(2);
      rows.push_back(std::move(row));
      return Status::Ok();
    });
    if (!read.ok()) return read.WithContext(path_);
    return rows;
  }

  Result<std::int64_t> Count(ReportTable table, const std::string& condition,
                             const std::vector<SqlValue>& parameters,
                             bool over_stored_days) override {
    std::string sql = over_stored_days ? std::string(sqlite::kStoredDays) : std::string();
    sql += std::string("SELECT count(*) FROM ") + SourceOf(table).from;
    const std::string where = WithStoredDays(condition, over_stored_days);
    if (!where.empty()) sql += " WHERE " + where;
    auto statement = Cached(sql);
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    int index = 1;
    for (const SqlValue& value : parameters) Bind(st, index++, value);
    auto row = st.Step();
    const std::int64_t count = row.ok() && *row ? st.ColumnInt(0) : 0;
    st.Reset();
    if (!row.ok()) return row.status().WithContext(path_);
    return count;
  }

  Result<std::optional<std::string>> Get(ReportTable table, std::string_view id) override {
    auto statement = Cached(SourceOf(table).byId);
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindText(1, id);
    auto row = st.Step();
    std::optional<std::string> payload;
    if (row.ok() && *row) payload = std::string(st.ColumnBlob(0));
    st.Reset();
    if (!row.ok()) return row.status().WithContext(path_);
    return payload;
  }

  Result<std::optional<ApiTokenRecord>> FindToken(std::string_view token_sha256) override {
    auto statement = Cached(
        "SELECT id, name, role, created_us, revoked, email, expires_us FROM api_tokens "
        "WHERE token_sha256 = ?1");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindText(1, token_sha256);
    auto row = st.Step();
    std::optional<ApiTokenRecord> token;
    if (row.ok() && *row) {
      token = TokenAt(st);
    }
    st.Reset();
    if (!row.ok()) return row.status().WithContext(path_);
    return token;
  }

  Result<std::vector<ApiTokenRecord>> ListTokens() override {
    auto statement = Cached(
        "SELECT id, name, role, created_us, revoked, email, expires_us FROM api_tokens "
        "ORDER BY created_us, id");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    std::vector<ApiTokenRecord> tokens;
    Status read = sqlite::ForEachRow(st, [&] {
      tokens.push_back(TokenAt(st));
      return Status::Ok();
    });
    if (!read.ok()) return read.WithContext(path_);
    return tokens;
  }

  Result<std::vector<std::pair<std::string, std::int64_t>>> CountDetectionsByType() override {
    auto statement = Cached(
        "SELECT risk_event_type, count(*) FROM detections GROUP BY risk_event_type "
        "ORDER BY risk_event_type");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    std::vector<std::pair<std::string, std::int64_t>> counts;
    Status read = sqlite::ForEachRow(st, [&] {
      counts.emplace_back(std::string(st.ColumnText(0)), st.ColumnInt(1));
      return Status::Ok();
    });
    if (!read.ok()) return read.WithContext(path_);
    return counts;
  }

  Status ForEachSignInBetween(
      EventTime from, EventTime to, ScanSlice slice,
      const std::function<Status(const SignInColumnsView& row)>& visit) override {
    // A period that covers much of what is stored reads the table in order (measured 2.5x faster
    // than a million index lookups); a short one seeks the time index. A slice is a range of
    // rowids, so parallel scans of the table read disjoint pages.
    auto span =
        Cached("SELECT min(created_us), max(created_us), min(rowid), max(rowid) FROM signins");
    if (!span.ok()) return span.status();
    EventTime first = 0;
    EventTime last = 0;
    std::int64_t first_row = 0;
    std::int64_t last_row = -1;
    Status spanned = sqlite::ForEachRow(**span, [&] {
      first = (*span)->ColumnInt(0);
      last = (*span)->ColumnInt(1);
      first_row = (*span)->ColumnInt(2);
      last_row = (*span)->ColumnInt(3);
      return Status::Ok();
    });
    if (!spanned.ok()) return spanned.WithContext(path_);
    if (slice.count < 1 || slice.index < 0 || slice.index >= slice.count) {
      return Status::Internal("scan slice " + std::to_string(slice.index) + " of " +
                              std::to_string(slice.count));
    }
    const std::int64_t rows = last_row + 1 - first_row;
    const std::int64_t slice_first = first_row + rows * slice.index / slice.count;
    const std::int64_t slice_end = first_row + rows * (slice.index + 1) / slice.count;
    const EventTime covered = std::min(to, last + 1) - std::max(from, first);
    const bool scan_table = covered * 3 >= (last + 1 - first);
    auto statement = Cached(
        std::string("SELECT id, created_us, user_id, user_principal_name, app_id, "
                    "app_display_name, ip_address, country, risk_level_during, "
                    "is_interactive, error_code, client_app_used, resource_id, "
                    "device_is_compliant, device_trust_type") +
        (scan_table ? " FROM signins NOT INDEXED" : " FROM signins INDEXED BY signins_created") +
        " WHERE created_us >= ?1 AND created_us < ?2 AND rowid >= ?3 AND rowid < ?4");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindInt(1, from);
    st.BindInt(2, to);
    st.BindInt(3, slice_first);
    st.BindInt(4, slice_end);
    // Text is read as stored bytes: asking for text would make SQLite copy each value to end it
    // with a NUL (a third of the scan, measured).
    // Text is read as the stored bytes: asking for text would make SQLite copy each value only
    // to end it with a NUL.
    SignInColumnsView row;
    Status read = sqlite::ForEachRow(st, [&]() -> Status {
      row.id = st.ColumnBlob(0);
      row.createdDateTime = st.ColumnInt(1);
      row.userId = st.ColumnBlob(2);
      row.userPrincipalName = st.ColumnBlob(3);
      row.appId = st.ColumnBlob(4);
      row.appDisplayName = st.ColumnBlob(5);
      row.ipAddress = st.ColumnBlob(6);
      row.countryOrRegion = st.ColumnBlob(7);
      row.riskLevelDuringSignIn = ParseRiskLevel(st.ColumnBlob(8)).value_or(RiskLevel::none);
      row.isInteractive = st.ColumnInt(9) != 0;
      row.errorCode = static_cast<std::int32_t>(st.ColumnInt(10));
      row.clientAppUsed = st.ColumnBlob(11);
      row.resourceId = st.ColumnBlob(12);
      row.deviceIsCompliant =
          st.ColumnIsNull(13) ? std::nullopt : std::optional<bool>(st.ColumnInt(13) != 0);
      row.deviceTrustType = st.ColumnBlob(14);
      return visit(row);
    });
    return read.WithContext(path_);
  }

  Result<ReportOverview> Overview(EventTime from, EventTime to) override {
    ReportOverview overview;
    auto count_levels = [&](const char* sql, bool bound, LevelCounts& counts) -> Status {
      auto statement = Cached(sql);
      if (!statement.ok()) return statement.status();
      SqliteStatement& st = **statement;
      if (bound) {
        st.BindInt(1, from);
        st.BindInt(2, to);
      }
      return sqlite::ForEachRow(st, [&] {
        AddToLevel(counts, st.ColumnText(0), st.ColumnInt(1));
        return Status::Ok();
      });
    };
    Status read = count_levels(
        "SELECT risk_level, count(*) FROM risky_users "
        "WHERE risk_state IN ('atRisk', 'confirmedCompromised') GROUP BY risk_level",
        false, overview.riskyUsers);
    if (read.ok()) {
      read = count_levels(
          "SELECT risk_level_aggregated, count(*) FROM signins WHERE risk_level_aggregated <> "
          "'none' AND created_us >= ?1 AND created_us < ?2 GROUP BY risk_level_aggregated",
          true, overview.riskySignIns);
    }
    if (read.ok()) read = ReadDetectionDays(from, to, overview);
    if (read.ok()) read = ReadTopDetectionTypes(from, to, overview);
    if (read.ok()) read = ReadRiskyPlaces(from, to, overview);
    if (!read.ok()) return read.WithContext(path_);
    return overview;
  }

  Result<std::optional<std::string>> FindConfigDocument(std::string_view kind,
                                                        std::string_view id) override {
    auto statement = Cached("SELECT json FROM config_documents WHERE kind = ?1 AND id = ?2");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindText(1, kind);
    st.BindText(2, id);
    std::optional<std::string> json;
    Status read = sqlite::ForEachRow(st, [&] {
      json = std::string(st.ColumnText(0));
      return Status::Ok();
    });
    if (!read.ok()) return read.WithContext(path_);
    return json;
  }

  Status ForEachUserRiskChange(
      const std::function<Status(std::string_view user_id, EventTime time, RiskLevel level,
                                 RiskState state)>& visit) override {
    auto statement = Cached(
        "SELECT user_id, time_us, json_extract(json, '$.riskLevel'), "
        "json_extract(json, '$.riskState') FROM risky_user_history ORDER BY user_id, time_us");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    Status read = sqlite::ForEachRow(st, [&]() -> Status {
      return visit(st.ColumnText(0), st.ColumnInt(1),
                   ParseRiskLevel(st.ColumnText(2)).value_or(RiskLevel::none),
                   ParseRiskState(st.ColumnText(3)).value_or(RiskState::none));
    });
    return read.WithContext(path_);
  }

 private:
  static ApiTokenRecord TokenAt(const SqliteStatement& st) {
    ApiTokenRecord token;
    token.id = st.ColumnText(0);
    token.name = st.ColumnText(1);
    token.role = st.ColumnText(2);
    token.createdMicros = st.ColumnInt(3);
    token.revoked = st.ColumnInt(4) != 0;
    token.email = st.ColumnText(5);
    token.expiresMicros = st.ColumnInt(6);
    return token;
  }

  static void AddToLevel(LevelCounts& counts, std::string_view level, std::int64_t count) {
    if (level == "high") counts.high += count;
    if (level == "medium") counts.medium += count;
    if (level == "low") counts.low += count;
  }

  Status ReadDetectionDays(EventTime from, EventTime to, ReportOverview& overview) {
    auto statement = Cached(
        "SELECT detected_us / 86400000000, risk_level, count(*) FROM detections "
        "WHERE detected_us >= ?1 AND detected_us < ?2 GROUP BY 1, 2 ORDER BY 1");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindInt(1, from);
    st.BindInt(2, to);
    return sqlite::ForEachRow(st, [&] {
      const std::int64_t day = st.ColumnInt(0);
      if (overview.days.empty() || overview.days.back().day != day) {
        overview.days.push_back({day, {}});
      }
      AddToLevel(overview.days.back().detections, st.ColumnText(1), st.ColumnInt(2));
      AddToLevel(overview.detections, st.ColumnText(1), st.ColumnInt(2));
      return Status::Ok();
    });
  }

  Status ReadTopDetectionTypes(EventTime from, EventTime to, ReportOverview& overview) {
    auto statement = Cached(
        "SELECT risk_event_type, count(*) FROM detections WHERE detected_us >= ?1 AND "
        "detected_us < ?2 GROUP BY risk_event_type ORDER BY 2 DESC, 1 LIMIT 10");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindInt(1, from);
    st.BindInt(2, to);
    return sqlite::ForEachRow(st, [&] {
      overview.topDetectionTypes.emplace_back(std::string(st.ColumnText(0)), st.ColumnInt(1));
      return Status::Ok();
    });
  }

  Status ReadRiskyPlaces(EventTime from, EventTime to, ReportOverview& overview) {
    // Detections keep the sign-in's location; offline ones without a sign-in have none.
    auto statement = Cached(R"sql(
SELECT round(lat, 1), round(lon, 1), max(city), max(country), count(DISTINCT request_id),
  max(CASE risk_level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END)
FROM (SELECT json_extract(json, '$.location.geoCoordinates.latitude') AS lat,
        json_extract(json, '$.location.geoCoordinates.longitude') AS lon,
        json_extract(json, '$.location.city') AS city,
        json_extract(json, '$.location.countryOrRegion') AS country, request_id, risk_level
      FROM detections WHERE detected_us >= ?1 AND detected_us < ?2 AND request_id <> '')
WHERE lat IS NOT NULL AND lon IS NOT NULL
GROUP BY 1, 2 ORDER BY 5 DESC, 1, 2 LIMIT 500
)sql");
    if (!statement.ok()) return statement.status();
    SqliteStatement& st = **statement;
    st.BindInt(1, from);
    st.BindInt(2, to);
    static constexpr std::array<RiskLevel, 4> kLevels = {RiskLevel::none, RiskLevel::low,
                                                         RiskLevel::medium, RiskLevel::high};
    return sqlite::ForEachRow(st, [&] {
      RiskyPlace place;
      place.latitude = sqlite3_column_double(st.get(), 0);
      place.longitude = sqlite3_column_double(st.get(), 1);
      place.city = st.ColumnText(2);
      place.countryOrRegion = st.ColumnText(3);
      place.signIns = st.ColumnInt(4);
      place.highestLevel =
          kLevels[static_cast<std::size_t>(std::clamp<std::int64_t>(st.ColumnInt(5), 0, 3))];
      overview.places.push_back(std::move(place));
      return Status::Ok();
    });
  }

  static std::string WithStoredDays(const std::string& condition, bool over_stored_days) {
    if (!over_stored_days) return condition;
    const std::string days = "s.created_day IN (SELECT day FROM stored_days)";
    return condition.empty() ? days : "(" + condition + ") AND " + days;
  }

  Result<SqliteStatement*> Cached(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return &found->second;
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    auto prepared = SqliteStatement::Prepare(db_.get(), sql);
    if (!prepared.ok()) return prepared.status().WithContext(path_);
    auto [it, inserted] = statements_.emplace(sql, std::move(prepared).value());
    return &it->second;
  }

  // Declared first so it is destroyed last; statements finalize before the connection closes.
  SqliteDatabase db_;
  std::string path_;
  std::unordered_map<std::string, SqliteStatement> statements_;
};

}  // namespace

Result<std::unique_ptr<ReportReader>> OpenSqliteReportReader(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  const int rc = OpenConnection(path, flags, &raw);
  SqliteDatabase db(raw);
  if (rc != SQLITE_OK) return StatusFromSqlite(raw, rc, "opening " + path + " for reading");
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  const std::string mmap = "PRAGMA mmap_size = " + std::to_string(kReaderMmapBytes);
  if (Status mapped = db.Exec(mmap.c_str()); !mapped.ok()) return mapped.WithContext(path);
  if (Status current = sqlite::RequireCurrentSchema(db, path); !current.ok()) return current;
  return std::unique_ptr<ReportReader>(new SqliteReportReader(std::move(db), path));
}

}  // namespace idguard
