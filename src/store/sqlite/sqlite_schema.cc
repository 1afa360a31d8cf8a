#include "store/sqlite/sqlite_schema.h"

#include <array>
#include <string>

#include "idguard/store/sign_in_document.h"

namespace idguard::sqlite {
namespace {

// Version 1. Ids must be non-empty: an empty id would make idempotent re-ingestion collapse
// unrelated records, so it is refused as a constraint violation (which also rolls the batch back).
// The signins table keeps its implicit rowid, so rows are appended in arrival order and only the
// id uniqueness index takes random-key inserts.
constexpr const char* kCreateV1 = R"sql(
CREATE TABLE signins (
  id TEXT NOT NULL CONSTRAINT signin_id_present CHECK (id <> ''),
  created_us INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  user_principal_name TEXT NOT NULL,
  app_id TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  ip_address TEXT NOT NULL,
  country TEXT NOT NULL,
  risk_level_during TEXT NOT NULL,
  risk_level_aggregated TEXT NOT NULL,
  risk_state TEXT NOT NULL,
  risk_detail TEXT NOT NULL,
  is_interactive INTEGER NOT NULL,
  error_code INTEGER NOT NULL,
  risk_event_types TEXT NOT NULL,
  CONSTRAINT signin_id_unique UNIQUE (id)
);
-- The whole sign-in (its compact document, sign_in_document.h) lives apart from the filter columns
-- so that index builds and filtered scans read a narrow table; a document shares its sign-in's
-- rowid.
CREATE TABLE signin_documents (
  signin_rowid INTEGER PRIMARY KEY,
  document BLOB NOT NULL
);
CREATE TRIGGER signins_delete_document AFTER DELETE ON signins BEGIN
  DELETE FROM signin_documents WHERE signin_rowid = old.rowid;
END;
CREATE TABLE detections (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT detection_id_present CHECK (id <> ''),
  risk_event_type TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  risk_state TEXT NOT NULL,
  risk_detail TEXT NOT NULL,
  timing TEXT NOT NULL,
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  ip_address TEXT NOT NULL,
  activity_us INTEGER NOT NULL,
  detected_us INTEGER NOT NULL,
  last_updated_us INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX detections_detected ON detections (detected_us);
CREATE INDEX detections_user_time ON detections (user_id, detected_us);
CREATE INDEX detections_type_time ON detections (risk_event_type, detected_us);
CREATE INDEX detections_level ON detections (risk_level);
CREATE INDEX detections_state ON detections (risk_state);
CREATE TABLE risky_users (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT risky_user_id_present CHECK (id <> ''),
  risk_level TEXT NOT NULL,
  risk_state TEXT NOT NULL,
  risk_detail TEXT NOT NULL,
  last_updated_us INTEGER NOT NULL,
  user_principal_name TEXT NOT NULL,
  user_display_name TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX risky_users_level ON risky_users (risk_level);
CREATE INDEX risky_users_state ON risky_users (risk_state);
CREATE INDEX risky_users_updated ON risky_users (last_updated_us);
CREATE TABLE risky_user_history (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT history_id_present CHECK (id <> ''),
  user_id TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX history_user_time ON risky_user_history (user_id, time_us);
-- Profiles and state are looked up only by key, so the key is the table's b-tree (one write per
-- upsert instead of a rowid table plus a key index).
CREATE TABLE profiles (
  user_id TEXT NOT NULL PRIMARY KEY CONSTRAINT profile_user_present CHECK (user_id <> ''),
  blob BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE engine_state (
  key TEXT NOT NULL PRIMARY KEY CONSTRAINT state_key_present CHECK (key <> ''),
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2. Sign-ins get created_day (created_us / kMicrosPerDay), and the indices on random keys
// (id, user, address) lead with it. New sign-ins are recent, so a batch inserts into the last
// days' part of each index instead of into pages all over the file; without it every batch
// rewrote (and journaled) most of those indices, a cost that grew with the store. The id is unique
// per day: a sign-in's createdDateTime never changes, and lookups by id alone walk the days the
// store holds (a few dozen index seeks for the default retention). The unique constraint moves
// from the table to an index, which needs a rebuild; rowids are kept, so documents stay linked.
//
// Profiles are no longer checkpointed with every batch; the rowid of the last sign-in whose
// learning the stored profiles include is kept under kProfileCheckpointKey. Stores written by
// version 1 checkpointed every batch, so their mark is their last sign-in.
constexpr const char* kMigrateV2 = R"sql(
CREATE TABLE signins_v2 (
  id TEXT NOT NULL CONSTRAINT signin_id_present CHECK (id <> ''),
  created_us INTEGER NOT NULL,
  created_day INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  user_principal_name TEXT NOT NULL,
  app_id TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  ip_address TEXT NOT NULL,
  country TEXT NOT NULL,
  risk_level_during TEXT NOT NULL,
  risk_level_aggregated TEXT NOT NULL,
  risk_state TEXT NOT NULL,
  risk_detail TEXT NOT NULL,
  is_interactive INTEGER NOT NULL,
  error_code INTEGER NOT NULL,
  risk_event_types TEXT NOT NULL
);
INSERT INTO signins_v2 (rowid, id, created_us, created_day, user_id, user_principal_name, app_id,
  app_display_name, ip_address, country, risk_level_during, risk_level_aggregated, risk_state,
  risk_detail, is_interactive, error_code, risk_event_types)
SELECT rowid, id, created_us, created_us / 86400000000, user_id, user_principal_name, app_id,
  app_display_name, ip_address, country, risk_level_during, risk_level_aggregated, risk_state,
  risk_detail, is_interactive, error_code, risk_event_types
FROM signins ORDER BY rowid;
DROP TABLE signins;
ALTER TABLE signins_v2 RENAME TO signins;
CREATE TRIGGER signins_delete_document AFTER DELETE ON signins BEGIN
  DELETE FROM signin_documents WHERE signin_rowid = old.rowid;
END;
CREATE UNIQUE INDEX signins_day_id ON signins (created_day, id);
INSERT INTO engine_state (key, value)
SELECT 'store.profileCheckpointRowid', coalesce(max(rowid), 0) FROM signins;
)sql";

// Version 3: what the API server keeps. API tokens are stored as the SHA-256 of the token (the
// token itself is shown once, when created); temporary passwords as scrypt hashes. The audit log is
// append-only: nothing in idguard updates or deletes its rows, and the triggers refuse it for
// anyone else writing to the file.
constexpr const char* kMigrateV3 = R"sql(
CREATE TABLE api_tokens (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT token_id_present CHECK (id <> ''),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_sha256 TEXT NOT NULL CONSTRAINT token_hash_unique UNIQUE,
  created_us INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit_log (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT audit_id_present CHECK (id <> ''),
  time_us INTEGER NOT NULL,
  category TEXT NOT NULL,
  activity TEXT NOT NULL,
  actor TEXT NOT NULL,
  result TEXT NOT NULL,
  request_id TEXT NOT NULL,
  targets TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time_us);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- The built-in local directory's account state (what admins changed: sign-in blocked, password
-- reset, sessions revoked); the directory snapshot itself is a file.
CREATE TABLE directory_accounts (
  user_id TEXT NOT NULL PRIMARY KEY CONSTRAINT account_user_present CHECK (user_id <> ''),
  account_enabled INTEGER NOT NULL,
  must_change_password INTEGER NOT NULL,
  temporary_password_hash TEXT NOT NULL,
  password_reset_us INTEGER NOT NULL,
  sessions_revoked_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL
) WITHOUT ROWID;
-- Workload identities: risky service principals and their history, scored like users from
-- service-principal detections. user_principal_name holds the application (client) id.
CREATE TABLE risky_service_principals (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT risky_sp_id_present CHECK (id <> ''),
  risk_level TEXT NOT NULL,
  risk_state TEXT NOT NULL,
  risk_detail TEXT NOT NULL,
  last_updated_us INTEGER NOT NULL,
  user_principal_name TEXT NOT NULL,
  user_display_name TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX risky_sps_updated ON risky_service_principals (last_updated_us);
CREATE TABLE risky_service_principal_history (
  id TEXT NOT NULL PRIMARY KEY CONSTRAINT sp_history_id_present CHECK (id <> ''),
  user_id TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX sp_history_sp_time ON risky_service_principal_history (user_id, time_us);
CREATE INDEX risky_users_level_updated ON risky_users (risk_level, last_updated_us);
-- Name searches (startsWith, case-insensitive) are ranges on lower(name).
CREATE INDEX risky_users_upn_lower ON risky_users (lower(user_principal_name));
CREATE INDEX risky_users_name_lower ON risky_users (lower(user_display_name));
CREATE INDEX detections_user_request ON detections (request_id);
)sql";

// Version 4: real-time evaluation. Configuration documents (conditional access policies, named
// locations, settings) as Graph JSON, and what evaluate answered per sign-in, kept as long as the
// sign-ins.
constexpr const char* kMigrateV4 = R"sql(
CREATE TABLE config_documents (
  kind TEXT NOT NULL,
  id TEXT NOT NULL CONSTRAINT config_id_present CHECK (id <> ''),
  modified_us INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE evaluations (
  signin_id TEXT NOT NULL PRIMARY KEY CONSTRAINT evaluation_id_present CHECK (signin_id <> ''),
  created_us INTEGER NOT NULL,
  decision TEXT NOT NULL,
  by_signin_risk_policy INTEGER NOT NULL,
  by_user_risk_policy INTEGER NOT NULL,
  outcomes TEXT NOT NULL,
  answer TEXT NOT NULL
);
CREATE INDEX evaluations_created ON evaluations (created_us);
)sql";

// Version 5: notifications and the impact preview. An API token may carry its holder's email
// address (the holders of the administrator roles receive the risk notifications). Sign-ins get
// their client app as a column, so a preview of a client-app policy reads no documents; stored
// sign-ins take it from their documents (idguard_client_app_used, RegisterDocumentFunctions).
constexpr const char* kMigrateV5 = R"sql(
ALTER TABLE api_tokens ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE signins ADD COLUMN client_app_used TEXT NOT NULL DEFAULT '';
UPDATE signins SET client_app_used = coalesce((SELECT idguard_client_app_used(d.document)
  FROM signin_documents d WHERE d.signin_rowid = signins.rowid), '');
)sql";

// Version 6: the admin portal. A portal session is an API token that expires (expires_us, in
// microseconds since the epoch; 0 never expires); portal accounts are configuration documents.
constexpr const char* kMigrateV6 = R"sql(
ALTER TABLE api_tokens ADD COLUMN expires_us INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 7: the rest of what conditional access reads becomes columns, so that no impact preview
// decodes documents: the resource (applications condition) and the device's compliance (NULL when
// the log did not say) and trust type (device grant controls). Stored sign-ins take them from
// their documents.
constexpr const char* kMigrateV7 = R"sql(
ALTER TABLE signins ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
ALTER TABLE signins ADD COLUMN device_is_compliant INTEGER;
ALTER TABLE signins ADD COLUMN device_trust_type TEXT NOT NULL DEFAULT '';
UPDATE signins SET (resource_id, device_is_compliant, device_trust_type) = (
  SELECT idguard_document_field(d.document, 'resourceId'),
         idguard_document_field(d.document, 'deviceDetail.isCompliant'),
         idguard_document_field(d.document, 'deviceDetail.trustType')
  FROM signin_documents d WHERE d.signin_rowid = signins.rowid)
WHERE EXISTS (SELECT 1 FROM signin_documents d WHERE d.signin_rowid = signins.rowid);
)sql";

// Version 8: the webhook outbox. Events are written with the change they report and removed once
// delivered or given up, so waiting events survive a stop or a crash (docs/NOTIFICATIONS.md).
constexpr const char* kMigrateV8 = R"sql(
CREATE TABLE notification_outbox (
  sequence INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  event_id TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX notification_outbox_channel ON notification_outbox (channel, sequence);
)sql";

// Migration i takes the schema from version i to version i + 1.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    kCreateV1, kMigrateV2, kMigrateV3, kMigrateV4, kMigrateV5, kMigrateV6, kMigrateV7, kMigrateV8};

struct IndexDefinition {
  const char* name;
  const char* create;
  const char* drop;
};

// The indices report filters use: by time, by user over time, by aggregated level and by state
// over time, and the pivots (address, application, country). The user and address indices lead
// with created_day (see version 2): a query by user or address states the days it covers, as a
// range (`created_day BETWEEN ?1 AND ?2`) or as the days the store holds (kStoredDays). The level
// and state indices are partial: they hold only risky sign-ins (a small share of all), so a query
// that uses them states `risk_level_aggregated <> 'none'` or `risk_state <> 'none'`, as the risky
// sign-ins report does.
constexpr std::array<IndexDefinition, 7> kSignInIndices = {{
    {"signins_created", "CREATE INDEX IF NOT EXISTS signins_created ON signins (created_us)",
     "DROP INDEX IF EXISTS signins_created"},
    {"signins_user_time",
     "CREATE INDEX IF NOT EXISTS signins_user_time ON signins (created_day, user_id, created_us)",
     "DROP INDEX IF EXISTS signins_user_time"},
    {"signins_level_time",
     "CREATE INDEX IF NOT EXISTS signins_level_time ON signins (risk_level_aggregated, created_us) "
     "WHERE risk_level_aggregated <> 'none'",
     "DROP INDEX IF EXISTS signins_level_time"},
    {"signins_state_time",
     "CREATE INDEX IF NOT EXISTS signins_state_time ON signins (risk_state, created_us) "
     "WHERE risk_state <> 'none'",
     "DROP INDEX IF EXISTS signins_state_time"},
    {"signins_ip", "CREATE INDEX IF NOT EXISTS signins_ip ON signins (created_day, ip_address)",
     "DROP INDEX IF EXISTS signins_ip"},
    {"signins_app", "CREATE INDEX IF NOT EXISTS signins_app ON signins (app_id)",
     "DROP INDEX IF EXISTS signins_app"},
    {"signins_country", "CREATE INDEX IF NOT EXISTS signins_country ON signins (country)",
     "DROP INDEX IF EXISTS signins_country"},
}};

Result<std::int64_t> ReadPragma(const SqliteDatabase& db, const char* sql) {
  auto statement = SqliteStatement::Prepare(db.get(), sql);
  if (!statement.ok()) return statement.status();
  auto row = statement->Step();
  if (!row.ok()) return row.status();
  const std::int64_t value = *row ? statement->ColumnInt(0) : 0;
  statement->Reset();
  return value;
}

// Runs `apply` inside one transaction, rolling back when it fails.
template <typename Apply>
Status InTransaction(const SqliteDatabase& db, Apply apply) {
  if (Status begun = db.Exec("BEGIN IMMEDIATE"); !begun.ok()) return begun;
  Status status = apply();
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok() && sqlite3_get_autocommit(db.get()) == 0) db.Exec("ROLLBACK");
  return status;
}

}  // namespace

Result<int> CheckSchema(const SqliteDatabase& db) {
  // The first read of the file is where SQLite notices a file that is not a database at all.
  auto version = ReadPragma(db, "PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto application = ReadPragma(db, "PRAGMA application_id");
  if (!application.ok()) return application.status();
  auto objects = ReadPragma(db, "SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) return objects.status();

  if (*application != kApplicationId && (*application != 0 || *version != 0 || *objects != 0)) {
    return Status::InvalidInput("the database was not created by idguard (application_id " +
                                std::to_string(*application) + ", " + std::to_string(*objects) +
                                " schema objects)");
  }
  if (*version > kSchemaVersion) {
    return Status::InvalidInput("the database has schema version " + std::to_string(*version) +
                                ", newer than this build understands (" +
                                std::to_string(kSchemaVersion) + ")");
  }
  return static_cast<int>(*version);
}

Status RequireCurrentSchema(const SqliteDatabase& db, const std::string& path) {
  auto version = CheckSchema(db);
  if (!version.ok()) return version.status().WithContext(path);
  if (*version != kSchemaVersion) {
    return Status::InvalidInput(path + ": the store has schema version " +
                                std::to_string(*version) + "; open it once with this build's " +
                                "replay, serve or token command to upgrade it");
  }
  return Status::Ok();
}

namespace {

// The sign-in in a stored document. The migrations ask for several fields of each row in turn, so
// the last document decoded is kept (per connection, compared by content).
class DocumentFields {
 public:
  // Null when the document cannot be decoded: the columns are for filtering, and a damaged
  // document fails where it is read.
  const SignIn* Decode(std::string_view document) {
    if (document != document_) {
      document_.assign(document);
      auto decoded = DecodeSignInDocument(document);
      valid_ = decoded.ok();
      if (valid_) sign_in_ = std::move(decoded).value();
    }
    return valid_ ? &sign_in_ : nullptr;
  }

 private:
  std::string document_;
  SignIn sign_in_;
  bool valid_ = false;
};

std::string_view BlobArgument(sqlite3_value* value) {
  const auto* data = static_cast<const char*>(sqlite3_value_blob(value));
  const int size = sqlite3_value_bytes(value);
  return {data == nullptr ? "" : data, static_cast<std::size_t>(size)};
}

void ResultText(sqlite3_context* context, std::string_view text) {
  sqlite3_result_text(context, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// idguard_client_app_used(document): the clientAppUsed of a stored sign-in document ('' when it
// cannot be decoded).
void ClientAppUsedOfDocument(sqlite3_context* context, int, sqlite3_value** arguments) {
  auto* fields = static_cast<DocumentFields*>(sqlite3_user_data(context));
  const SignIn* sign_in = fields->Decode(BlobArgument(arguments[0]));
  ResultText(context, sign_in != nullptr ? std::string_view(sign_in->clientAppUsed) : "");
}

// idguard_document_field(document, name): one field of a stored sign-in document: 'resourceId'
// and 'deviceDetail.trustType' as text ('' when absent or undecodable),
// 'deviceDetail.isCompliant' as 0, 1 or NULL.
void FieldOfDocument(sqlite3_context* context, int, sqlite3_value** arguments) {
  auto* fields = static_cast<DocumentFields*>(sqlite3_user_data(context));
  const SignIn* sign_in = fields->Decode(BlobArgument(arguments[0]));
  const std::string_view name = BlobArgument(arguments[1]);
  if (name == "resourceId") {
    ResultText(context, sign_in != nullptr ? std::string_view(sign_in->resourceId) : "");
  } else if (name == "deviceDetail.trustType") {
    ResultText(context,
               sign_in != nullptr ? std::string_view(sign_in->deviceDetail.trustType) : "");
  } else if (name == "deviceDetail.isCompliant") {
    if (sign_in == nullptr || !sign_in->deviceDetail.isCompliant.has_value()) {
      sqlite3_result_null(context);
    } else {
      sqlite3_result_int(context, *sign_in->deviceDetail.isCompliant ? 1 : 0);
    }
  } else {
    sqlite3_result_error(context, "idguard_document_field: unknown field", -1);
  }
}

void DeleteDocumentFields(void* fields) { delete static_cast<DocumentFields*>(fields); }

}  // namespace

Status RegisterDocumentFunctions(const SqliteDatabase& db) {
  // Each function owns its cache; SQLite deletes it with the connection.
  struct Function {
    const char* name;
    int arguments;
    void (*call)(sqlite3_context*, int, sqlite3_value**);
  };
  for (const Function& function : {Function{"idguard_client_app_used", 1, ClientAppUsedOfDocument},
                                   Function{"idguard_document_field", 2, FieldOfDocument}}) {
    const int rc = sqlite3_create_function_v2(
        db.get(), function.name, function.arguments, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
        new DocumentFields(), function.call, nullptr, nullptr, DeleteDocumentFields);
    if (rc != SQLITE_OK) return Status::Internal(std::string("registering ") + function.name);
  }
  return Status::Ok();
}

Status MigrateSchema(const SqliteDatabase& db, int from_version, int to_version) {
  if (to_version > kSchemaVersion) {
    return Status::Internal("no migration to schema version " + std::to_string(to_version));
  }
  if (from_version >= to_version) return Status::Ok();
  return InTransaction(db, [&]() -> Status {
    for (int version = from_version; version < to_version; ++version) {
      if (Status step = db.Exec(kMigrations[version]); !step.ok()) {
        return step.WithContext("migrating schema to version " + std::to_string(version + 1));
      }
    }
    // Pragmas take no bound parameters; the values are compile-time constants.
    const std::string stamp = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                              "; PRAGMA user_version = " + std::to_string(to_version);
    return db.Exec(stamp.c_str());
  });
}

Status CreateSignInIndices(const SqliteDatabase& db) {
  return InTransaction(db, [&]() -> Status {
    for (const IndexDefinition& index : kSignInIndices) {
      if (Status created = db.Exec(index.create); !created.ok()) return created;
    }
    return Status::Ok();
  });
}

Status RefreshStatistics(const SqliteDatabase& db) {
  auto stat_table =
      ReadPragma(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'");
  if (!stat_table.ok()) return stat_table.status();
  std::int64_t sign_in_stats = 0;
  if (*stat_table > 0) {
    auto rows = ReadPragma(db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'signins'");
    if (!rows.ok()) return rows.status();
    sign_in_stats = *rows;
  }
  if (sign_in_stats == 0) {
    auto sign_ins = ReadPragma(db, "SELECT EXISTS (SELECT 1 FROM signins)");
    if (!sign_ins.ok()) return sign_ins.status();
    // A full pass: sampled statistics misjudge the low-cardinality columns (country) that
    // matter most here. About 1.4 s per million sign-ins, once per store.
    if (*sign_ins != 0) return db.Exec("PRAGMA analysis_limit = 0; ANALYZE");
  }
  return db.Exec("PRAGMA optimize");
}

std::vector<std::string> SignInIndexNames() {
  std::vector<std::string> names;
  names.reserve(kSignInIndices.size());
  for (const IndexDefinition& index : kSignInIndices) names.emplace_back(index.name);
  return names;
}

}  // namespace idguard::sqlite
