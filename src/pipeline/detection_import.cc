#include "pipeline/detection_import.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "idguard/core/mapped_file.h"
#include "idguard/ingest/json_records.h"
#include "idguard/ingest/risk_detection_parser.h"

namespace idguard {

Result<ImportedDetections> LoadImportedDetections(const std::vector<std::string>& paths,
                                                  OutputFile* rejects, std::ostream& log) {
  ImportedDetections imported;
  auto parser = MakeRiskDetectionParser();
  std::unordered_set<std::string> ids;
  std::map<std::string, std::uint64_t> unrecognized_types;
  for (const std::string& path : paths) {
    auto mapped = MappedFile::Open(path);
    if (!mapped.ok()) return mapped.status();
    const std::string_view document = mapped->data();
    std::vector<RecordSpan> records;
    if (Status s = SplitJsonRecords(document, records); !s.ok()) return s.WithContext(path);
    for (const RecordSpan& span : records) {
      ++imported.records;
      const std::string_view record = document.substr(span.offset, span.length);
      auto parsed = parser->Parse(record);
      if (!parsed.ok()) {
        const std::string where = path + ":" + std::to_string(span.line);
        if (rejects == nullptr) {
          return Status::InvalidInput(where + ": " + parsed.status().message() +
                                      " (use --skip-invalid to skip bad records)");
        }
        ++imported.rejected;
        WriteReject(*rejects, path, span.line, parsed.status().message(), record);
        continue;
      }
      if (!ids.insert(parsed->detection.id).second) {
        ++imported.duplicates;
        continue;
      }
      if (!parsed->recognizedType) {
        ++imported.unrecognized;
        ++unrecognized_types[parsed->detection.riskEventType];
      }
      imported.detections.push_back(std::move(parsed->detection));
    }
  }
  std::stable_sort(imported.detections.begin(), imported.detections.end(),
                   [](const RiskDetection& a, const RiskDetection& b) {
                     return a.detectedDateTime < b.detectedDateTime;
                   });
  if (!paths.empty()) {
    log << "imported detections: " << imported.detections.size() << " of " << imported.records
        << " records (" << imported.rejected << " rejected, " << imported.duplicates
        << " duplicates)\n";
  }
  for (const auto& [type, count] : unrecognized_types) {
    log << "  type " << type << " is not in idguard's catalog; kept as given (" << count << ")\n";
  }
  return imported;
}

}  // namespace idguard
