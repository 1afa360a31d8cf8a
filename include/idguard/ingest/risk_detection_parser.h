// Reading risk detections that another identity-protection system produced, so that they count
// toward user risk next to idguard's own: Graph `riskDetection` and
// `servicePrincipalRiskDetection` objects (NDJSON, a JSON array or a Graph page, as
// /identityProtection/riskDetections returns them) and Azure diagnostic-settings records of the
// `UserRiskEvents` and `ServicePrincipalRiskEvents` categories (`properties` holds the detection).
//
// Every riskEventType string is accepted (risk_event_types.h): catalog names, the legacy
// `riskType` enum by name or number, and unknown well-formed names, which are kept as given and
// flagged. Errors name the field and why; the caller adds file and line.
#pragma once

#include <memory>
#include <string_view>

#include "idguard/core/risk_records.h"
#include "idguard/core/status.h"

namespace idguard {

struct ImportedDetection {
  RiskDetection detection;
  bool recognizedType = true;  // false: the type is not in idguard's catalog (kept as given)
};

class RiskDetectionParser {
 public:
  virtual ~RiskDetectionParser() = default;
  virtual Result<ImportedDetection> Parse(std::string_view record) = 0;
};

std::unique_ptr<RiskDetectionParser> MakeRiskDetectionParser();

}  // namespace idguard
