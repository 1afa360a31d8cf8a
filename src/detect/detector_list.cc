// The detector registry: one line per detector.
#include "idguard/detect/detector.h"
#include "idguard/detect/detectors.h"

namespace idguard {

std::vector<std::unique_ptr<Detector>> CreateDetectors(const DetectorConfig& config) {
  std::vector<std::unique_ptr<Detector>> detectors;
  detectors.push_back(MakeUnfamiliarFeaturesDetector(config));
  detectors.push_back(MakeAnonymizedIpAddressDetector(config));
  detectors.push_back(MakeNationStateIpDetector(config));
  detectors.push_back(MakeNewCountryDetector(config));
  detectors.push_back(MakeBruteForceDetector(config));
  detectors.push_back(MakeUnlikelyTravelDetector(config));
  detectors.push_back(MakePasswordSprayDetector(config));
  detectors.push_back(MakeMaliciousIpAddressDetector(config));
  detectors.push_back(MakeMfaFatigueDetector(config));
  detectors.push_back(MakeAnomalousTokenDetector(config));
  detectors.push_back(MakeSuspiciousBrowserDetector(config));
  detectors.push_back(MakeUserReportedSuspiciousActivityDetector(config));
  return detectors;
}

}  // namespace idguard
