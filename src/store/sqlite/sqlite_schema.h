// The SQLite store's schema: tables, indices and the migrations that create them.
//
// The schema version lives in PRAGMA user_version and the file is tagged with an application_id,
// so a database written by something else is refused instead of being modified. Migrations are an
// ordered list of steps; step i takes the schema from version i to i + 1 and all pending steps run
// in one transaction, so a file is never left between two versions.
//
// Enum columns hold the Graph spellings ("high", "atRisk", ...) rather than small integers, so
// report queries read as the API reads (WHERE risk_level_aggregated = 'high'). They are short
// strings and the JSON column dominates the row size, so the cost is small.
//
// The secondary indices on signins are kept apart from the migrations because bulk loads drop
// them and every open recreates whatever is missing. Free functions over a borrowed connection;
// the caller owns the connection and its thread.
#pragma once

#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "store/sqlite/sqlite_statement.h"

namespace idguard::sqlite {

inline constexpr int kSchemaVersion = 8;
// engine_state key of the profile checkpoint: the rowid of the last sign-in the stored profiles
// have learned from.
inline constexpr const char* kProfileCheckpointKey = "store.profileCheckpointRowid";
// A common table expression `stored_days(day)` listing the distinct created_day values of the
// signins table, one index seek per day, for queries by id, user or address over all days.
inline constexpr const char* kStoredDays = R"sql(
WITH RECURSIVE stored_days(day) AS (
  SELECT min(created_day) FROM signins
  UNION ALL
  SELECT (SELECT min(created_day) FROM signins WHERE created_day > stored_days.day)
  FROM stored_days WHERE stored_days.day IS NOT NULL
)
)sql";
// "IDGD" in ASCII: marks files this store created.
inline constexpr int kApplicationId = 0x49444744;

// Reads user_version and application_id and refuses databases that are not idguard stores or that
// a newer build wrote. Returns the current schema version (0 for a new, empty file).
Result<int> CheckSchema(const SqliteDatabase& db);

// CheckSchema, for a connection that does not migrate (readers, the webhook outbox): also refuses
// an older schema, naming `path` and the commands that upgrade it.
Status RequireCurrentSchema(const SqliteDatabase& db, const std::string& path);

// Runs the migrations from `from_version` up to `to_version` in one transaction. Requires a
// writable connection. Tests stop at an older version to build a file an older build wrote.
// SQL functions the migrations call (idguard_client_app_used, idguard_document_field);
// registered on every writer.
Status RegisterDocumentFunctions(const SqliteDatabase& db);
Status MigrateSchema(const SqliteDatabase& db, int from_version, int to_version = kSchemaVersion);

// Creates the secondary indices on signins that are missing; idempotent.
Status CreateSignInIndices(const SqliteDatabase& db);
// Index statistics (sqlite_stat1) let the query planner choose between indices for the API's
// filters: without them an equality on a column with two values beats a selective time range.
// Gathers them with a full ANALYZE when the store has sign-ins but no statistics for them yet
// (the first open after a replay), and otherwise lets PRAGMA optimize keep them current.
Status RefreshStatistics(const SqliteDatabase& db);

// Names of the secondary indices on signins, for tests and diagnostics.
std::vector<std::string> SignInIndexNames();

}  // namespace idguard::sqlite
