// Fuzzes the imported-detection path: container splitting, then the riskDetection parser on every
// record found. Any bytes must give an error, or a detection with an id, a user, a type name and
// a detection time, serialisable back to Graph JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "idguard/export/graph_json.h"
#include "idguard/ingest/json_records.h"
#include "idguard/ingest/risk_detection_parser.h"

namespace {

void Check(idguard::RiskDetectionParser& parser, std::string_view record) {
  auto parsed = parser.Parse(record);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) __builtin_trap();
    return;
  }
  const idguard::RiskDetection& d = parsed->detection;
  if (d.id.empty() || d.userId.empty() || d.riskEventType.empty()) __builtin_trap();
  if (d.riskEventType.size() > 128) __builtin_trap();
  std::string json;
  idguard::AppendRiskDetectionJson(json, d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto parser = idguard::MakeRiskDetectionParser();
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  std::vector<idguard::RecordSpan> records;
  (void)idguard::SplitJsonRecords(document, records);
  for (const auto& span : records) {
    if (span.offset + span.length > document.size()) __builtin_trap();
    Check(*parser, document.substr(span.offset, span.length));
  }
  Check(*parser, document);  // the whole input as one record, as the splitter would not
  return 0;
}
