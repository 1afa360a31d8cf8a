// LogAnalyticsCsvParser: one CSV row of a Log Analytics sign-in export → SignIn.
//
// SetHeader resolves every known column to the field indexes that can supply it, best variant
// first (`X_dynamic`, `X`, `X_string`); Parse takes, per column, the first of those fields that
// is not empty, so an export that fills `_string` only for some rows still reads them. The field
// vector is kept between rows so steady-state parsing allocates only the SignIn's own strings.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/ingest/loganalytics_parser.h"
#include "ingest/loganalytics/loganalytics_columns.h"
#include "ingest/loganalytics/loganalytics_record_builder.h"

namespace idguard {
namespace {

using Column = LogAnalyticsColumn;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr int kNoField = -1;

class LogAnalyticsCsvParserImpl final : public LogAnalyticsCsvParser {
 public:
  Status SetHeader(std::string_view header_row) override;
  Result<SignIn> Parse(std::string_view record) override;

 private:
  bool HasColumn(Column column) const {
    for (const int index : sources_[static_cast<std::size_t>(column)]) {
      if (index != kNoField) {
        return true;
      }
    }
    return false;
  }

  // Per column and rank, the index of the field that supplies it, or kNoField.
  using Sources = std::array<int, kLogAnalyticsRankCount>;
  std::array<Sources, kLogAnalyticsColumnCount> sources_{};
  std::vector<std::string> header_;
  bool has_header_ = false;
  std::vector<std::string> fields_;
  LogAnalyticsRecordBuilder builder_;
};

Status LogAnalyticsCsvParserImpl::SetHeader(std::string_view header_row) {
  has_header_ = false;
  if (header_row.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    header_row.remove_prefix(kUtf8Bom.size());
  }
  if (Status status = SplitCsvFields(header_row, header_); !status.ok()) {
    return status.WithContext("header");
  }

  for (Sources& sources : sources_) {
    sources.fill(kNoField);
  }
  for (std::size_t index = 0; index < header_.size(); ++index) {
    const std::optional<LogAnalyticsColumnMatch> match = MatchLogAnalyticsColumn(header_[index]);
    if (!match) {
      continue;
    }
    int& slot = sources_[static_cast<std::size_t>(match->column)][match->rank];
    // A repeated name keeps its first occurrence.
    if (slot == kNoField) {
      slot = static_cast<int>(index);
    }
  }

  std::string missing;
  auto require = [&](bool present, std::string_view what) {
    if (present) {
      return;
    }
    if (!missing.empty()) {
      missing.append("; ");
    }
    missing.append(what);
  };
  require(HasColumn(Column::kId) || HasColumn(Column::kOriginalRequestId),
          "no Id (or OriginalRequestId) column");
  require(HasColumn(Column::kUserId) || HasColumn(Column::kServicePrincipalId),
          "no UserId (or ServicePrincipalId) column");
  // Rows without a time cannot be replayed by event time; failing here names the problem once
  // instead of once per row.
  require(HasColumn(Column::kCreatedDateTime) || HasColumn(Column::kTimeGenerated),
          "no timestamp column (CreatedDateTime, \"CreatedDateTime [UTC]\" or TimeGenerated)");
  if (!missing.empty()) {
    return Status::InvalidInput("header is not a Log Analytics sign-in export: " + missing);
  }
  has_header_ = true;
  return Status::Ok();
}

Result<SignIn> LogAnalyticsCsvParserImpl::Parse(std::string_view record) {
  if (!has_header_) {
    return Status::InvalidInput("no valid header row was set before this row");
  }
  if (Status status = SplitCsvFields(record, fields_); !status.ok()) {
    return status;
  }
  if (fields_.size() != header_.size()) {
    return Status::InvalidInput("row has " + std::to_string(fields_.size()) +
                                " fields but the header has " + std::to_string(header_.size()));
  }
  builder_.Reset();
  for (std::size_t column = 0; column < kLogAnalyticsColumnCount; ++column) {
    for (const int index : sources_[column]) {
      if (index == kNoField) {
        continue;
      }
      const std::string& value = fields_[static_cast<std::size_t>(index)];
      if (value.empty()) {
        continue;
      }
      if (Status status = builder_.AddText(static_cast<Column>(column),
                                           header_[static_cast<std::size_t>(index)], value);
          !status.ok()) {
        return status;
      }
      break;
    }
  }
  return builder_.Finish();
}

}  // namespace

std::unique_ptr<LogAnalyticsCsvParser> MakeLogAnalyticsCsvParser() {
  return std::make_unique<LogAnalyticsCsvParserImpl>();
}

}  // namespace idguard
