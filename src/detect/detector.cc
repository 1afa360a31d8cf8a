#include "idguard/detect/detector.h"

namespace idguard {

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
