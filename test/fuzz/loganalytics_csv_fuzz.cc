// libFuzzer target for the Log Analytics CSV path: split the input into rows, take the first row
// as the header and parse every other row. Any outcome is fine except a crash, a hang or a
// sanitizer report. The first input byte picks the parser's mode so that the fuzzer also reaches
// row parsing without first having to discover a valid header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/ingest/loganalytics_parser.h"

namespace {

// A header the fuzzer does not have to guess; rows are then checked against real columns.
constexpr std::string_view kKnownHeader =
    "Id,CreatedDateTime [UTC],UserId,ServicePrincipalId,ResultType,Category,IsInteractive,"
    "LocationDetails_dynamic,LocationDetails_string,Status,DeviceDetail,MfaDetail,"
    "ConditionalAccessPolicies,IPAddress";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const bool use_known_header = (data[0] & 1) != 0;
  const std::string_view document(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<idguard::RecordSpan> rows;
  if (!idguard::SplitCsvRecords(document, rows).ok()) {
    return 0;
  }

  auto parser = idguard::MakeLogAnalyticsCsvParser();
  std::size_t first_row = 0;
  if (use_known_header) {
    if (!parser->SetHeader(kKnownHeader).ok()) {
      __builtin_trap();
    }
  } else {
    if (rows.empty()) {
      return 0;
    }
    (void)parser->SetHeader(document.substr(rows[0].offset, rows[0].length));
    first_row = 1;
  }
  for (std::size_t i = first_row; i < rows.size(); ++i) {
    const std::string_view row = document.substr(rows[i].offset, rows[i].length);
    (void)parser->Parse(row);
    // A row the splitter produced must also split into fields.
    std::vector<std::string> fields;
    if (!idguard::SplitCsvFields(row, fields).ok()) {
      __builtin_trap();
    }
  }

  // The same bytes as one JSON record exercise the JSON parser and its dynamic-column paths.
  auto json_parser = idguard::MakeLogAnalyticsJsonParser();
  (void)json_parser->Parse(document);
  return 0;
}
