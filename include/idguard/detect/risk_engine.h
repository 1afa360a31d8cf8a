// RiskEngine: the detect and score stages for a stream of enriched sign-ins in event-time order.
//
// For each sign-in it runs every detector against the user's profile as it was before the
// sign-in, turns findings into riskDetection records, fills the sign-in's risk fields
// (riskLevelDuringSignIn from real-time findings only, riskLevelAggregated from all), updates the
// user's risk (UserRiskAggregator) and finally teaches the profiles. It owns all per-user and
// organisation state and tracks which profiles changed since the last persistence checkpoint.
// Deterministic: the same sign-ins in the same order give the same outcome. Not synchronised.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "idguard/core/risk_records.h"
#include "idguard/core/sign_in.h"
#include "idguard/detect/detector.h"
#include "idguard/detect/organization_profile.h"
#include "idguard/detect/user_profile.h"
#include "idguard/score/user_risk_aggregator.h"

namespace idguard {

struct EngineOutcome {
  std::vector<RiskDetection> detections;
  std::vector<RiskyUserHistoryItem> history;
  std::vector<RiskyUserHistoryItem> servicePrincipalHistory;
  void clear() {
    detections.clear();
    history.clear();
    servicePrincipalHistory.clear();
  }
};

class RiskEngine {
 public:
  explicit RiskEngine(DetectorConfig config = {});

  // Processes one enriched sign-in; fills its risk fields and appends what changed to `outcome`.
  void Process(SignIn& sign_in, EngineOutcome& outcome);

  // Shows a sign-in processed earlier again with what happened at its second factor (the
  // identity provider's outcome: MFA passed, denied, timed out, reported as fraud). Only the
  // detectors that judge second factors see it, and nothing is learned again. New findings about
  // the sign-in are added to its risk fields; its riskState, riskDetail and earlier
  // riskEventTypes_v2 stay as they are.
  void ObserveSecondFactor(SignIn& sign_in, EngineOutcome& outcome);

  // Learns from a sign-in that was already judged (its risk fields and detections are stored)
  // without judging it again: a resumed run brings the profiles up to date with the sign-ins
  // stored after the last profile checkpoint. Learning is the same as in Process, so re-learning
  // the stored sign-ins in their original order restores exactly the state the crashed run had.
  void Relearn(const SignIn& sign_in);

  // Teaches the subject's profile and the organisation profile a sign-in that was judged high risk
  // (and so taught nothing) once an admin confirmed it safe, so the user's next sign-in from the
  // same network, place and client is familiar. The detectors saw it when it was judged; their
  // state is left alone. The caller has lowered the sign-in's aggregated risk.
  void LearnConfirmedSafe(const SignIn& sign_in);

  // Ages out low user risk at `now` (end of a replay, or periodically).
  void AgeOut(EventTime now, EngineOutcome& outcome);

  // Persistence support.
  std::vector<std::string> TakeDirtyProfiles();
  const UserProfile* FindProfile(const std::string& subject_id) const;
  Status RestoreProfile(const std::string& subject_id, std::string_view blob);
  Status RestoreOrganization(std::string_view blob);
  // The state of every detector that keeps some, keyed "detector.<riskEventType>", for a profile
  // checkpoint; and back, reading each key through `load` (an empty blob: nothing saved).
  std::vector<std::pair<std::string, std::string>> SaveDetectorStates() const;
  Status RestoreDetectorStates(
      const std::function<Result<std::string>(std::string_view key)>& load);
  const OrganizationProfile& organization() const { return organization_; }
  UserRiskAggregator& userRisk() { return user_risk_; }
  // Workload identities are scored like users, from service-principal detections.
  UserRiskAggregator& servicePrincipalRisk() { return service_principal_risk_; }
  const std::vector<std::unique_ptr<Detector>>& detectors() const { return detectors_; }

 private:
  RiskDetection MakeDetection(const PastSignIn& sign_in, EventTime detected,
                              Finding&& finding) const;
  // Turns findings_ into detections and the sign-in's risk fields, and raises the user's risk.
  void ApplyFindings(SignIn& sign_in, EngineOutcome& outcome);
  // A finding about an earlier sign-in: its own detection and user risk update.
  void AddEarlierDetection(Finding&& finding, EventTime now, EngineOutcome& outcome);
  // Teaches the subject's profile and the organisation profile; the learning half of Process.
  struct TrackedProfile {
    UserProfile profile;
    bool dirty = false;  // changed since the last TakeDirtyProfiles
  };
  using ProfileMap = std::unordered_map<std::string, TrackedProfile>;
  void Learn(const SignIn& sign_in, const FeatureValues& features, ProfileMap::iterator profile_it,
             bool new_subject);

  DetectorConfig config_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  ProfileMap profiles_;
  // Subjects whose profile changed since the last TakeDirtyProfiles; map keys never move.
  std::vector<const std::string*> dirty_profiles_;
  OrganizationProfile organization_;
  UserRiskAggregator user_risk_;
  UserRiskAggregator service_principal_risk_;
  std::vector<Finding> findings_;  // scratch, reused
};

}  // namespace idguard
