// Imported risk detections (`idguard replay --detections FILE`): detections another
// identity-protection system already made, read, validated and ordered by detection time so the
// replay can let each count toward its user's risk at the moment it was detected.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "idguard/core/risk_records.h"
#include "idguard/core/status.h"
#include "pipeline/output_file.h"

namespace idguard {

struct ImportedDetections {
  std::vector<RiskDetection> detections;  // by detectedDateTime, ties in input order
  std::uint64_t records = 0;
  std::uint64_t rejected = 0;
  std::uint64_t duplicates = 0;    // an id seen before in these files
  std::uint64_t unrecognized = 0;  // types outside the catalog, kept as given
};

// Reads every file (NDJSON, JSON array, Graph page or diagnostic-settings records). A malformed
// record stops the load with file, line and reason, or, when `rejects` is given, is written there
// and counted.
Result<ImportedDetections> LoadImportedDetections(const std::vector<std::string>& paths,
                                                  OutputFile* rejects, std::ostream& log);

}  // namespace idguard
