// LogAnalyticsJsonParser: one JSON object of a Log Analytics export (PascalCase keys) → SignIn.
//
// Keys match case-insensitively with the same names and variants as the CSV header. A dynamic
// column arrives either nested (`"LocationDetails": {...}`) or as JSON text
// (`"LocationDetails": "{\"city\":...}"`), depending on the exporter; both are read. Scalar
// columns accept strings, numbers and booleans (ResultType is a number in some exports, a string
// in others); null counts as absent.
#include <array>
#include <charconv>
#include <string>
#include <string_view>

#include "idguard/ingest/loganalytics_parser.h"
#include "ingest/loganalytics/loganalytics_columns.h"
#include "ingest/loganalytics/loganalytics_record_builder.h"
#include "ingest/loganalytics/padded_json.h"

namespace idguard {
namespace {

using Column = LogAnalyticsColumn;
using simdjson::dom::element;
using simdjson::dom::object;

// The value chosen for one column: the best-ranked key that is present and not null.
struct ColumnValue {
  element value;
  std::string_view key;
  std::uint8_t rank = kLogAnalyticsRankCount;
};

class LogAnalyticsJsonParser final : public RecordParser {
 public:
  Result<SignIn> Parse(std::string_view record) override;

 private:
  Status AddScalar(Column column, const ColumnValue& chosen);

  PaddedJsonParser json_;
  std::array<ColumnValue, kLogAnalyticsColumnCount> chosen_;
  LogAnalyticsRecordBuilder builder_;
};

bool IsEmpty(element value) {
  std::string_view text;
  return value.is_null() || (value.get_string().get(text) == simdjson::SUCCESS && text.empty());
}

Result<SignIn> LogAnalyticsJsonParser::Parse(std::string_view record) {
  element root;
  if (const auto error = json_.Parse(record).get(root); error != simdjson::SUCCESS) {
    return Status::InvalidInput(std::string("record is not valid JSON (") +
                                simdjson::error_message(error) + ")");
  }
  object members;
  if (root.get_object().get(members) != simdjson::SUCCESS) {
    return Status::InvalidInput("record is not a JSON object");
  }

  for (ColumnValue& chosen : chosen_) {
    chosen.rank = kLogAnalyticsRankCount;
  }
  for (const simdjson::dom::key_value_pair member : members) {
    const std::optional<LogAnalyticsColumnMatch> match = MatchLogAnalyticsColumn(member.key);
    if (!match || IsEmpty(member.value)) {
      continue;
    }
    ColumnValue& chosen = chosen_[static_cast<std::size_t>(match->column)];
    if (match->rank < chosen.rank) {
      chosen = ColumnValue{member.value, member.key, match->rank};
    }
  }

  builder_.Reset();
  for (std::size_t index = 0; index < kLogAnalyticsColumnCount; ++index) {
    const ColumnValue& chosen = chosen_[index];
    if (chosen.rank == kLogAnalyticsRankCount) {
      continue;
    }
    const auto column = static_cast<Column>(index);
    Status status;
    if (!IsDynamicColumn(column)) {
      status = AddScalar(column, chosen);
    } else if (std::string_view text; chosen.value.get_string().get(text) == simdjson::SUCCESS) {
      status = builder_.AddText(column, chosen.key, text);
    } else {
      status = builder_.AddJson(column, chosen.key, chosen.value);
    }
    if (!status.ok()) {
      return status;
    }
  }
  return builder_.Finish();
}

Status LogAnalyticsJsonParser::AddScalar(Column column, const ColumnValue& chosen) {
  const element value = chosen.value;
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    return builder_.AddText(column, chosen.key, text);
  }
  if (bool flag = false; value.get_bool().get(flag) == simdjson::SUCCESS) {
    return builder_.AddText(column, chosen.key, flag ? "true" : "false");
  }
  // Large enough for any int64, uint64 or shortest round-trip double.
  std::array<char, 32> buffer{};
  char* const first = buffer.data();
  char* const last = buffer.data() + buffer.size();
  std::to_chars_result written{first, std::errc::invalid_argument};
  std::int64_t signed_number = 0;
  std::uint64_t unsigned_number = 0;
  double real_number = 0;
  // Integers first: get_double accepts them too but loses digits beyond 2^53.
  if (value.get_int64().get(signed_number) == simdjson::SUCCESS) {
    written = std::to_chars(first, last, signed_number);
  } else if (value.get_uint64().get(unsigned_number) == simdjson::SUCCESS) {
    written = std::to_chars(first, last, unsigned_number);
  } else if (value.get_double().get(real_number) == simdjson::SUCCESS) {
    written = std::to_chars(first, last, real_number);
  } else {
    return Status::InvalidInput(std::string(chosen.key) +
                                ": expected a string, number or boolean, not a JSON " +
                                (value.is_array() ? "array" : "object"));
  }
  if (written.ec != std::errc()) {
    return Status::InvalidInput(std::string(chosen.key) + ": number cannot be formatted");
  }
  return builder_.AddText(column, chosen.key,
                          std::string_view(first, static_cast<std::size_t>(written.ptr - first)));
}

}  // namespace

std::unique_ptr<RecordParser> MakeLogAnalyticsJsonParser() {
  return std::make_unique<LogAnalyticsJsonParser>();
}

}  // namespace idguard
