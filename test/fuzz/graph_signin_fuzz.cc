// Fuzzes the JSON input path: container splitting, then the Graph and diagnostic record parsers
// on every record found. Any input must give records or errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/ingest/json_records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto graph = idguard::MakeGraphSignInParser();
  static auto diagnostic = idguard::MakeDiagnosticRecordParser();
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  bool is_csv = false;
  (void)idguard::DetectInputFormat(document, is_csv);
  std::vector<idguard::RecordSpan> records;
  (void)idguard::SplitJsonRecords(document, records);
  for (const auto& span : records) {
    if (span.offset + span.length > document.size()) __builtin_trap();
    const auto record = document.substr(span.offset, span.length);
    auto parsed = graph->Parse(record);
    if (parsed.ok()) {
      std::string json;
      idguard::AppendSignInJson(json, parsed.value());
    }
    (void)diagnostic->Parse(record);
  }
  // The whole input as one record too, so parsers see inputs the splitter would reject.
  (void)graph->Parse(document);
  (void)diagnostic->Parse(document);
  return 0;
}
