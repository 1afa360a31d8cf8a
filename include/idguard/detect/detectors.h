// Factories of the built-in detectors; each is defined in src/detect/detectors/<type>.cc and
// documented in docs/detectors/<type>.md.
#pragma once

#include <memory>

#include "idguard/detect/detector.h"

namespace idguard {

std::unique_ptr<Detector> MakeUnfamiliarFeaturesDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeAnonymizedIpAddressDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeNationStateIpDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeNewCountryDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeBruteForceDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeUnlikelyTravelDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakePasswordSprayDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeMaliciousIpAddressDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeMfaFatigueDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeAnomalousTokenDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeSuspiciousBrowserDetector(const DetectorConfig& config);
std::unique_ptr<Detector> MakeUserReportedSuspiciousActivityDetector(const DetectorConfig& config);

}  // namespace idguard
