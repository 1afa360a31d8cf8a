#include "idguard/detect/risk_engine.h"

#include <algorithm>

#include "idguard/core/digest.h"

namespace idguard {

RiskEngine::RiskEngine(DetectorConfig config)
    : config_(config), detectors_(CreateDetectors(config_)) {}

RiskDetection RiskEngine::MakeDetection(const PastSignIn& sign_in, EventTime detected,
                                        Finding&& finding) const {
  RiskDetection detection;
  // The same finding on the same sign-in always gets the same id, so re-ingesting is idempotent.
  detection.id = Sha256Hex(finding.riskEventType + "|" + sign_in.id + "|" + sign_in.subjectId);
  detection.activity = finding.activity;
  detection.activityDateTime = sign_in.createdDateTime;
  detection.detectedDateTime = detected;
  detection.lastUpdatedDateTime = detected;
  detection.additionalInfo = std::move(finding.additionalInfo);
  detection.correlationId = sign_in.correlationId;
  detection.requestId = sign_in.id;
  detection.detectionTimingType = finding.timing;
  detection.ipAddress = sign_in.ipAddress;
  detection.location = sign_in.location;
  detection.riskEventType = std::move(finding.riskEventType);
  detection.riskLevel = finding.level;
  detection.riskState = RiskState::atRisk;
  detection.riskDetail = RiskDetail::none;
  detection.source = "idguard";
  if (!sign_in.tokenIssuerType.empty()) detection.tokenIssuerType = sign_in.tokenIssuerType;
  detection.userId = sign_in.subjectId;
  detection.userDisplayName = sign_in.userDisplayName;
  detection.userPrincipalName = sign_in.userPrincipalName;
  return detection;
}

void RiskEngine::Process(SignIn& sign_in, EngineOutcome& outcome) {
  const std::string& subject = sign_in.SubjectId();
  const FeatureValues features = FeatureValues::Of(sign_in);
  auto [profile_it, new_subject] = profiles_.try_emplace(subject);
  UserProfile& profile = profile_it->second.profile;

  findings_.clear();
  const DetectionContext context{sign_in,       features, profile,
                                 organization_, config_,  sign_in.createdDateTime};
  for (auto& detector : detectors_) detector->Inspect(context, findings_);

  sign_in.riskLevelDuringSignIn = RiskLevel::none;
  sign_in.riskLevelAggregated = RiskLevel::none;
  sign_in.riskState = RiskState::none;
  sign_in.riskDetail = RiskDetail::none;
  sign_in.riskEventTypes_v2.clear();
  ApplyFindings(sign_in, outcome);
  Learn(sign_in, features, profile_it, new_subject);  // after detecting
}

void RiskEngine::ObserveSecondFactor(SignIn& sign_in, EngineOutcome& outcome) {
  const FeatureValues features = FeatureValues::Of(sign_in);
  auto [profile_it, new_subject] = profiles_.try_emplace(sign_in.SubjectId());
  (void)new_subject;
  findings_.clear();
  const DetectionContext context{sign_in,       features, profile_it->second.profile,
                                 organization_, config_,  sign_in.createdDateTime};
  for (auto& detector : detectors_) {
    if (detector->observesSecondFactor()) detector->Inspect(context, findings_);
  }
  if (!findings_.empty()) ApplyFindings(sign_in, outcome);
}

void RiskEngine::ApplyFindings(SignIn& sign_in, EngineOutcome& outcome) {
  const std::size_t first_new = outcome.detections.size();
  const PastSignIn current = findings_.empty() ? PastSignIn{} : PastSignIn::Of(sign_in);
  std::size_t about_current = 0;
  for (auto& finding : findings_) {
    if (finding.earlier) {
      AddEarlierDetection(std::move(finding), sign_in.createdDateTime, outcome);
      continue;
    }
    ++about_current;
    if (finding.timing == DetectionTimingType::realtime) {
      sign_in.riskLevelDuringSignIn = MaxLevel(sign_in.riskLevelDuringSignIn, finding.level);
    }
    sign_in.riskLevelAggregated = MaxLevel(sign_in.riskLevelAggregated, finding.level);
    sign_in.riskEventTypes_v2.push_back(finding.riskEventType);
    outcome.detections.push_back(
        MakeDetection(current, sign_in.createdDateTime, std::move(finding)));
  }
  if (about_current > 0) {
    // A second-factor finding reopens a sign-in that was closed; an admin's confirmation stays.
    if (sign_in.riskState != RiskState::confirmedCompromised) {
      sign_in.riskState = RiskState::atRisk;
      sign_in.riskDetail = RiskDetail::none;
    }
    std::sort(sign_in.riskEventTypes_v2.begin(), sign_in.riskEventTypes_v2.end());
    sign_in.riskEventTypes_v2.erase(
        std::unique(sign_in.riskEventTypes_v2.begin(), sign_in.riskEventTypes_v2.end()),
        sign_in.riskEventTypes_v2.end());
    // User risk: only user sign-ins raise a riskyUser (service principals are scored later).
    if (!sign_in.IsServicePrincipal()) {
      std::vector<RiskDetection> mine;
      for (auto it = outcome.detections.begin() + static_cast<std::ptrdiff_t>(first_new);
           it != outcome.detections.end(); ++it) {
        if (it->requestId == sign_in.id) mine.push_back(*it);
      }
      if (auto item = user_risk_.AddDetections(mine, sign_in.createdDateTime)) {
        outcome.history.push_back(std::move(*item));
      }
    }
  }
}

void RiskEngine::AddEarlierDetection(Finding&& finding, EventTime now, EngineOutcome& outcome) {
  const PastSignIn earlier = std::move(*finding.earlier);
  outcome.detections.push_back(MakeDetection(earlier, now, std::move(finding)));
  if (auto item = user_risk_.AddDetections({outcome.detections.back()}, now)) {
    outcome.history.push_back(std::move(*item));
  }
}

void RiskEngine::Relearn(const SignIn& sign_in) {
  auto [profile_it, new_subject] = profiles_.try_emplace(sign_in.SubjectId());
  const FeatureValues features = FeatureValues::Of(sign_in);
  const DetectionContext context{sign_in,       features, profile_it->second.profile,
                                 organization_, config_,  sign_in.createdDateTime};
  for (auto& detector : detectors_) detector->Relearn(context);
  Learn(sign_in, features, profile_it, new_subject);
}

void RiskEngine::LearnConfirmedSafe(const SignIn& sign_in) {
  auto [profile_it, new_subject] = profiles_.try_emplace(sign_in.SubjectId());
  Learn(sign_in, FeatureValues::Of(sign_in), profile_it, new_subject);
}

namespace {

std::string StateKey(const Detector& detector) {
  return "detector." + std::string(detector.riskEventType());
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RiskEngine::SaveDetectorStates() const {
  std::vector<std::pair<std::string, std::string>> states;
  for (const auto& detector : detectors_) {
    if (auto state = detector->SaveState()) {
      states.emplace_back(StateKey(*detector), std::move(*state));
    }
  }
  return states;
}

Status RiskEngine::RestoreDetectorStates(
    const std::function<Result<std::string>(std::string_view key)>& load) {
  for (auto& detector : detectors_) {
    const std::string key = StateKey(*detector);
    auto blob = load(key);
    if (!blob.ok()) return blob.status();
    if (blob->empty()) continue;
    if (Status restored = detector->RestoreState(*blob); !restored.ok()) {
      return restored.WithContext(key);
    }
  }
  return Status::Ok();
}

void RiskEngine::Learn(const SignIn& sign_in, const FeatureValues& features,
                       ProfileMap::iterator profile_it, bool new_subject) {
  // Only sign-ins whose credentials were valid teach: an attacker's failed guesses must not make
  // their network familiar. Nor do sign-ins judged high risk: until someone confirms them safe,
  // their properties are more likely the attacker's than the user's, and learning them would
  // hide the attacker's next sign-ins. Medium and low ones teach, so a trip or a habitual VPN
  // becomes familiar. (Relearn sees the stored risk, so a resumed run agrees.)
  if (!CredentialsWereValid(sign_in.status.errorCode) ||
      sign_in.riskLevelAggregated == RiskLevel::high) {
    if (new_subject) profiles_.erase(profile_it);  // never keep empty profiles for failed guesses
    return;
  }
  UserProfile& profile = profile_it->second.profile;
  if (profile.empty()) organization_.AddUser();
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const auto& key = features.keys[i];
    if (key && profile.feature(static_cast<Feature>(i)).Find(*key) == nullptr) {
      organization_.AddUserValue(static_cast<Feature>(i), *key);
    }
  }
  profile.Learn(sign_in, features, config_.profile);
  if (!profile_it->second.dirty) {
    profile_it->second.dirty = true;
    dirty_profiles_.push_back(&profile_it->first);
  }
}

void RiskEngine::AgeOut(EventTime now, EngineOutcome& outcome) {
  for (auto& item : user_risk_.AgeOut(now)) outcome.history.push_back(std::move(item));
}

std::vector<std::string> RiskEngine::TakeDirtyProfiles() {
  std::vector<std::string> dirty;
  dirty.reserve(dirty_profiles_.size());
  for (const std::string* subject : dirty_profiles_) {
    profiles_.find(*subject)->second.dirty = false;
    dirty.push_back(*subject);
  }
  dirty_profiles_.clear();
  std::sort(dirty.begin(), dirty.end());
  return dirty;
}

const UserProfile* RiskEngine::FindProfile(const std::string& subject_id) const {
  auto it = profiles_.find(subject_id);
  return it == profiles_.end() ? nullptr : &it->second.profile;
}

Status RiskEngine::RestoreProfile(const std::string& subject_id, std::string_view blob) {
  auto profile = UserProfile::Parse(blob);
  if (!profile.ok()) return profile.status().WithContext("profile of " + subject_id);
  profiles_[subject_id].profile = std::move(profile.value());
  return Status::Ok();
}

Status RiskEngine::RestoreOrganization(std::string_view blob) {
  auto organization = OrganizationProfile::Parse(blob);
  if (!organization.ok()) return organization.status();
  organization_ = std::move(organization.value());
  return Status::Ok();
}

}  // namespace idguard
