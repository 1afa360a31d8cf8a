// Detector: one kind of risk detection (one Graph riskEventType).
//
// A detector sees each sign-in with the user's profile as it was before the sign-in, the
// organisation's profile and its configuration, and returns findings. It gets time only from the
// context (event time), never reads the wall clock, never touches storage and never knows about
// HTTP. A new detector is one file in src/detect/detectors/ plus one line in detector_list.cc.
// Detectors are called from one thread at a time; they may keep their own bounded state. A
// detector with state saves it with every profile checkpoint (SaveState), gets it back when a
// run resumes (RestoreState), and then sees the sign-ins stored after that checkpoint again
// through Relearn, so a resumed run ends in the state an uninterrupted one would have.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/risk_records.h"
#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"
#include "idguard/detect/organization_profile.h"
#include "idguard/detect/user_profile.h"

namespace idguard {

class ThreatFeeds;
class ByteWriter;
class ByteReader;

struct DetectorConfig {
  ProfileLimits profile;
  const ThreatFeeds* feeds = nullptr;  // IP feeds; none when null. Owned by the caller.
};

struct DetectionContext {
  const SignIn& signIn;
  const FeatureValues& features;
  const UserProfile& profile;  // before this sign-in; empty for a user seen for the first time
  const OrganizationProfile& organization;
  const DetectorConfig& config;
  EventTime now;  // event time of the sign-in
  // The user's profile entry for this sign-in's value of `feature`, or null when the value is
  // new to the user or the sign-in does not show it.
  const FeatureEntry* FamiliarEntry(Feature feature) const {
    const auto& key = features.keys[static_cast<std::size_t>(feature)];
    return key ? profile.feature(feature).Find(*key) : nullptr;
  }
};

// What a detection needs of a sign-in, kept by detectors that judge a sign-in later than it
// happened (a spray recognised only after the guess that succeeded).
struct PastSignIn {
  std::string id;
  EventTime createdDateTime = 0;
  std::string subjectId;
  std::string userPrincipalName;
  std::string userDisplayName;
  std::string ipAddress;
  std::string correlationId;
  std::string tokenIssuerType;
  SignInLocation location;
  static PastSignIn Of(const SignIn& sign_in);
  // For detector states that keep past sign-ins.
  void Save(ByteWriter& writer) const;
  static PastSignIn Restore(ByteReader& reader);
};

// What a detector found. The engine turns findings into riskDetection records.
struct Finding {
  std::string riskEventType;
  RiskLevel level = RiskLevel::low;
  DetectionTimingType timing = DetectionTimingType::realtime;
  ActivityType activity = ActivityType::signin;
  std::vector<InfoItem> additionalInfo;  // the reasons, readable by a human
  // Set when the finding is about an earlier sign-in (offline): the detection points at that
  // sign-in and raises its user's risk, and leaves the current sign-in's risk fields alone.
  std::optional<PastSignIn> earlier;
};

struct DetectorCounters {
  std::uint64_t evaluated = 0;
  std::uint64_t skippedLearning = 0;
  std::uint64_t fired = 0;
  std::uint64_t firedLow = 0;
  std::uint64_t firedMedium = 0;
  std::uint64_t firedHigh = 0;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view riskEventType() const = 0;
  virtual DetectionTimingType timing() const = 0;
  virtual void Inspect(const DetectionContext& context, std::vector<Finding>& findings) = 0;
  // True for detectors that judge what happened at the second factor (denied or ignored MFA
  // prompts, fraud reports). The real-time path learns that after it answered, from the
  // identity provider's outcome call, and shows them the sign-in again with its final status.
  virtual bool observesSecondFactor() const { return false; }
  // State across sign-ins, for detectors that keep some; nullopt (the default) for none.
  virtual std::optional<std::string> SaveState() const { return std::nullopt; }
  virtual Status RestoreState(std::string_view /*blob*/) { return Status::Ok(); }
  // Updates the state with a sign-in that was already judged; never finds anything.
  virtual void Relearn(const DetectionContext& /*context*/) {}
  // Records the detector keeps beyond detections (password-spray campaigns, ...), one JSON
  // object per line, each with a "recordType"; the replay writes them to detectorRecords.ndjson.
  virtual std::vector<std::string> Records() const { return {}; }
  const DetectorCounters& counters() const { return counters_; }

 protected:
  void Count(const Finding& finding);
  DetectorCounters counters_;
};

// A detector that keeps state across sign-ins: judging (Inspect) and re-learning (Relearn) are
// one pass, Observe, that records findings only when given somewhere to put them, so a resumed
// run's state matches an uninterrupted run's by construction. The saved state is a versioned blob;
// a wrong version, a corrupt or truncated state, or trailing bytes are refused and leave the
// detector as it was.
class StatefulDetector : public Detector {
 public:
  void Inspect(const DetectionContext& context, std::vector<Finding>& findings) final {
    Observe(context, &findings);
  }
  void Relearn(const DetectionContext& context) final { Observe(context, nullptr); }
  std::optional<std::string> SaveState() const final;
  Status RestoreState(std::string_view blob) final;

 protected:
  // `findings` is null when re-learning.
  virtual void Observe(const DetectionContext& context, std::vector<Finding>* findings) = 0;
  virtual std::uint64_t stateVersion() const = 0;
  virtual void SaveTo(ByteWriter& writer) const = 0;
  // Reads a whole state and swaps it in only when all of it parsed.
  virtual Status RestoreFrom(ByteReader& reader) = 0;
};

// Every registered detector, in registration order (which is the order findings are reported).
std::vector<std::unique_ptr<Detector>> CreateDetectors(const DetectorConfig& config);

}  // namespace idguard
