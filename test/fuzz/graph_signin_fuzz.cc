// Fuzzes the JSON input path: container splitting, then the Graph and diagnostic record parsers
// on every record found. Any input must give records or errors, never a crash. Every record is
// also parsed into a sign-in that already has every member set, as a reused one may: it must come
// out exactly as a fresh parse.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/ingest/json_records.h"
#include "unit/every_field_set.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto graph = idguard::MakeGraphSignInParser();
  static auto diagnostic = idguard::MakeDiagnosticRecordParser();
  static const idguard::SignIn kEveryMemberSet = idguard::test::EveryFieldSet();
  static idguard::SignIn reused;
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  bool is_csv = false;
  (void)idguard::DetectInputFormat(document, is_csv);
  std::vector<idguard::RecordSpan> records;
  (void)idguard::SplitJsonRecords(document, records);
  for (const auto& span : records) {
    if (span.offset + span.length > document.size()) __builtin_trap();
    const auto record = document.substr(span.offset, span.length);
    auto parsed = graph->Parse(record);
    reused = kEveryMemberSet;
    const bool reused_ok = graph->ParseInto(record, reused).ok();
    if (reused_ok != parsed.ok()) __builtin_trap();
    if (parsed.ok()) {
      if (!(reused == parsed.value())) __builtin_trap();
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
