#include "idguard/detect/detector.h"

namespace idguard {

PastSignIn PastSignIn::Of(const SignIn& sign_in) {
  return PastSignIn{sign_in.id,
                    sign_in.createdDateTime,
                    sign_in.SubjectId(),
                    sign_in.userPrincipalName,
                    sign_in.userDisplayName,
                    sign_in.ipAddress,
                    sign_in.correlationId,
                    sign_in.tokenIssuerType,
                    sign_in.location};
}

void Detector::Count(const Finding& finding) {
  ++counters_.fired;
  switch (finding.level) {
    case RiskLevel::low:
      ++counters_.firedLow;
      break;
    case RiskLevel::medium:
      ++counters_.firedMedium;
      break;
    case RiskLevel::high:
      ++counters_.firedHigh;
      break;
    default:
      break;
  }
}

}  // namespace idguard
