// Log Analytics `SigninLogs` exports (and the AADNonInteractiveUserSignInLogs /
// AADServicePrincipalSignInLogs tables) as JSON objects or CSV rows with PascalCase columns.
//
// CSV: RFC 4180 quoting, optional UTF-8 BOM, CRLF or LF, quoted fields may span lines; dynamic
// columns (LocationDetails, DeviceDetail, Status, MfaDetail, ConditionalAccessPolicies) hold JSON
// text, either as `X` or as `X_dynamic`/`X_string` variants. Timestamps come as TimeGenerated,
// CreatedDateTime or "CreatedDateTime [UTC]" in ISO or US portal format.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "idguard/ingest/record_parser.h"

namespace idguard {

// Splits a CSV document into rows (the first row is the header). Handles a leading BOM, quoted
// fields with embedded commas, quotes and newlines. Fails on an unterminated quote, naming the
// line it started on.
Status SplitCsvRecords(std::string_view document, std::vector<RecordSpan>& rows,
                       const ScanProgress& progress = {});

// Splits one CSV row into unquoted fields.
Status SplitCsvFields(std::string_view row, std::vector<std::string>& fields);

// Factories; the concrete classes live in src/ingest/loganalytics/.
std::unique_ptr<RecordParser> MakeLogAnalyticsJsonParser();

class LogAnalyticsCsvParser : public RecordParser {
 public:
  // Reads the header row; must be called before Parse. Fails when no timestamp column or no
  // user/service-principal id column exists. The failure names every missing column at once, so
  // an export without timestamps (the lab's disable_accounts.csv) or an analytic's aggregate
  // output is refused up front rather than row by row; Parse then refuses every row.
  virtual Status SetHeader(std::string_view header_row) = 0;
};
std::unique_ptr<LogAnalyticsCsvParser> MakeLogAnalyticsCsvParser();

}  // namespace idguard
