// LogAnalyticsRecordBuilder: assembles a SignIn from Log Analytics column values.
//
// The CSV and JSON parsers differ only in how they find a record's columns; both hand each column
// value to this builder, which owns the mapping onto Graph's signIn fields, the parsing of the
// dynamic JSON columns and the checks a usable sign-in must pass. Call Reset, then Add* at most
// once per column (in any order), then Finish. Every error names the column as the input spelt
// it, so the caller only adds the file and line. Holds a simdjson parser: one per thread.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"
#include "ingest/loganalytics/loganalytics_columns.h"
#include "ingest/loganalytics/padded_json.h"

namespace idguard {

class LogAnalyticsRecordBuilder {
 public:
  void Reset();

  // A column's value as text. Dynamic columns hold JSON text here. `name` is the column name as
  // the input spelt it, for error messages. Empty values are ignored.
  Status AddText(LogAnalyticsColumn column, std::string_view name, std::string_view value);

  // A dynamic column whose value is already parsed JSON (nested in a JSON record).
  Status AddJson(LogAnalyticsColumn column, std::string_view name, simdjson::dom::element value);

  // Checks the required fields and returns the sign-in; the builder must be Reset before reuse.
  Result<SignIn> Finish();

 private:
  SignIn sign_in_;
  std::string original_request_id_;
  std::optional<EventTime> created_;
  std::optional<EventTime> generated_;
  std::optional<std::int32_t> result_type_;
  std::optional<std::int32_t> status_error_code_;
  std::string result_description_;
  std::string status_failure_reason_;
  std::optional<SignInKind> category_kind_;
  std::optional<SignInKind> type_kind_;
  std::optional<bool> is_interactive_;
  std::string resource_id_;
  std::string resource_identity_;
  std::string location_country_;
  PaddedJsonParser json_;
};

}  // namespace idguard
