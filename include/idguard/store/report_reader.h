// ReportReader: the read side of the store that the API serves reports from.
//
// A reader owns its own read-only connection, so each server thread reads in parallel with the
// single writer (SQLite WAL: readers see the last committed batch and never block it). Listing is
// keyset paging: rows come in (order column, rowid) order and a page continues after the last
// row's key, so paging to the end reads each row once and pages stay right while new rows arrive.
// Conditions come from the OData compiler (or fixed text in the API layer) with every value bound
// as a parameter; table and column names come only from idguard's own resource descriptions.
// Not thread-safe: one reader per thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/store/risk_store.h"

namespace idguard {

using SqlValue = std::variant<std::int64_t, double, std::string>;

// Which stored collection a listing reads and what it returns per row.
enum class ReportTable : std::uint8_t {
  riskyUsers,               // risky_users.json
  detections,               // detections.json
  history,                  // risky_user_history.json
  signIns,                  // the sign-in's compact document (sign_in_document.h)
  auditLog,                 // audit_log.json
  riskyServicePrincipals,   // risky_service_principals.json
  servicePrincipalHistory,  // risky_service_principal_history.json
};

// Where a page starts: after the row with this order value and rowid.
struct KeysetPosition {
  SqlValue orderValue;
  std::int64_t rowid = 0;
};

struct ListRequest {
  ReportTable table = ReportTable::riskyUsers;
  std::string condition;  // SQL with `?` placeholders; empty: every row
  std::vector<SqlValue> parameters;
  std::string orderColumn;  // a column of the table, from idguard's own resource description
  bool descending = true;
  std::size_t limit = 20;
  std::optional<KeysetPosition> after;
  // Sign-ins only: the condition pins user_id or ip_address, whose indices lead with created_day;
  // the query then names every stored day so those indices apply (schema version 2).
  bool overStoredDays = false;
};

struct ListedRow {
  std::string payload;  // Graph JSON, or the compact document for sign-ins
  KeysetPosition position;
};

// Risk counted by level (none is not counted).
struct LevelCounts {
  std::int64_t high = 0;
  std::int64_t medium = 0;
  std::int64_t low = 0;
};

// Where risky sign-ins came from: detections linked to a sign-in, grouped by coordinates rounded
// to a tenth of a degree (about 11 km).
struct RiskyPlace {
  double latitude = 0;
  double longitude = 0;
  std::string city;
  std::string countryOrRegion;
  std::int64_t signIns = 0;  // distinct risky sign-ins
  RiskLevel highestLevel = RiskLevel::none;
};

// The portal's overview of a period [from, to).
struct ReportOverview {
  LevelCounts riskyUsers;    // users at risk or confirmed compromised now, by level
  LevelCounts riskySignIns;  // sign-ins in the period by riskLevelAggregated
  LevelCounts detections;    // detections in the period by riskLevel
  struct Day {
    std::int64_t day = 0;  // days since the epoch (UTC)
    LevelCounts detections;
  };
  std::vector<Day> days;  // only days with detections, in order
  std::vector<std::pair<std::string, std::int64_t>> topDetectionTypes;  // at most 10, most first
  std::vector<RiskyPlace> places;  // at most 500, most sign-ins first
};

// A stored sign-in's filter columns as the store holds them, for scans over a period (the impact
// preview, the weekly digest). The views end when the visitor returns: a scan of a million
// sign-ins copies only what it keeps.
struct SignInColumnsView {
  std::string_view id;
  EventTime createdDateTime = 0;
  std::string_view userId;
  std::string_view userPrincipalName;
  std::string_view appId;
  std::string_view appDisplayName;
  std::string_view ipAddress;
  std::string_view countryOrRegion;
  RiskLevel riskLevelDuringSignIn = RiskLevel::none;
  bool isInteractive = true;
  std::int32_t errorCode = 0;
  std::string_view clientAppUsed;
  std::string_view resourceId;
  std::optional<bool> deviceIsCompliant;
  std::string_view deviceTrustType;
};

// Part `index` of `count` about equal parts of the stored sign-ins (by storage order).
struct ScanSlice {
  int index = 0;
  int count = 1;
};

class ReportReader {
 public:
  virtual ~ReportReader() = default;

  virtual Result<std::vector<ListedRow>> List(const ListRequest& request) = 0;
  // How many rows match `condition` (the same text and parameters a ListRequest carries).
  virtual Result<std::int64_t> Count(ReportTable table, const std::string& condition,
                                     const std::vector<SqlValue>& parameters,
                                     bool over_stored_days = false) = 0;
  // The payload of the row with this id (for history: the item id), or nullopt.
  virtual Result<std::optional<std::string>> Get(ReportTable table, std::string_view id) = 0;
  // The token whose SHA-256 (hex) is `token_sha256`, or nullopt.
  virtual Result<std::optional<ApiTokenRecord>> FindToken(std::string_view token_sha256) = 0;
  // Every API token, oldest first (for `idguard token list`).
  virtual Result<std::vector<ApiTokenRecord>> ListTokens() = 0;
  // Sign-ins created in [from, to), as their stored columns, in the store's order: all of them,
  // or one of `slice.count` parts that other connections can scan at the same time.
  virtual Status ForEachSignInBetween(
      EventTime from, EventTime to, ScanSlice slice,
      const std::function<Status(const SignInColumnsView& row)>& visit) = 0;
  // Every recorded change of a user's risk (the risk history), in (user, time) order.
  virtual Status ForEachUserRiskChange(
      const std::function<Status(std::string_view user_id, EventTime time, RiskLevel level,
                                 RiskState state)>& visit) = 0;
  // The counts, trend, detection types and places of the portal's overview.
  virtual Result<ReportOverview> Overview(EventTime from, EventTime to) = 0;
  // A configuration document's JSON (kind and id as stored), or nullopt.
  virtual Result<std::optional<std::string>> FindConfigDocument(std::string_view kind,
                                                                std::string_view id) = 0;
  // Detections by riskEventType, for the metrics endpoint.
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> CountDetectionsByType() = 0;
};

// Opens a read-only connection to an existing store (created by replay, serve or token create).
Result<std::unique_ptr<ReportReader>> OpenSqliteReportReader(const std::string& path);

}  // namespace idguard
