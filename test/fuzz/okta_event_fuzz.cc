// Fuzzes the Okta System Log path: format detection, container splitting, then the Okta event
// parser on every record found. Any bytes must give a sign-in with an id and a subject, a "not a
// sign-in" answer, or an error with a reason; never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/json_records.h"
#include "idguard/ingest/okta_event_parser.h"

namespace {

void Check(idguard::RecordParser& parser, std::string_view record) {
  auto parsed = parser.Parse(record);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) __builtin_trap();
    return;
  }
  const idguard::SignIn& sign_in = parsed.value();
  if (sign_in.id.empty() || sign_in.SubjectId().empty()) __builtin_trap();
  std::string json;
  idguard::AppendSignInJson(json, sign_in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto parser = idguard::MakeOktaEventParser();
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  bool is_csv = false;
  (void)idguard::DetectInputFormat(document, is_csv);
  std::vector<idguard::RecordSpan> records;
  (void)idguard::SplitJsonRecords(document, records);
  for (const auto& span : records) {
    if (span.offset + span.length > document.size()) __builtin_trap();
    Check(*parser, document.substr(span.offset, span.length));
  }
  Check(*parser, document);
  return 0;
}
