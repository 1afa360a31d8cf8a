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

inline constexpr int kSchemaVersion = 1;
// "IDGD" in ASCII: marks files this store created.
inline constexpr int kApplicationId = 0x49444744;

// Reads user_version and application_id and refuses databases that are not idguard stores or that
// a newer build wrote. Returns the current schema version (0 for a new, empty file).
Result<int> CheckSchema(const SqliteDatabase& db);

// Runs every pending migration in one transaction. Requires a writable connection.
Status MigrateSchema(const SqliteDatabase& db, int from_version);

// Creates the secondary indices on signins that are missing; idempotent.
Status CreateSignInIndices(const SqliteDatabase& db);
// Names of the secondary indices on signins, for tests and diagnostics.
std::vector<std::string> SignInIndexNames();

}  // namespace idguard::sqlite
