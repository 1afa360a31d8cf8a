// Detection quality: how many labelled attacks a replay caught and how many benign sign-ins and
// users it bothered, from the labels `idguard simulate --attacks` writes and the files `idguard
// replay` writes (signIns.ndjson, riskDetections.ndjson, riskyUsers.ndjson).
//
// A sign-in's risk is the highest level of the detections about it (riskDetection.requestId),
// offline detections made later included. A user's risk is the riskyUser level at the end of the
// replay. Only successful user sign-ins are scored: a failed attempt compromises no one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "idguard/core/status.h"

namespace idguard {

// Sign-ins or users of one kind, and how many of them reached medium or high, and low or more.
struct QualityRow {
  std::string name;
  std::uint64_t total = 0;
  std::uint64_t atMedium = 0;  // medium or high
  std::uint64_t atLow = 0;     // low, medium or high
  double RateAtMedium() const;
  double RateAtLow() const;
};

struct QualityReport {
  std::vector<QualityRow> signInsByAttack;  // successful malicious sign-ins per attack type
  QualityRow maliciousSignIns;              // every attack type
  QualityRow maliciousSignInsScored;        // without the documented low-signal attack
  QualityRow benignSignIns;                 // successful user sign-ins without a label
  std::vector<QualityRow> usersByAttack;    // compromised users per attack type
  QualityRow compromisedUsers;              // every attack type
  QualityRow compromisedUsersScored;        // without the documented low-signal attack
  QualityRow benignUsers;                   // users with a successful sign-in, not compromised
};

// The attack type nothing in the logs can tell from the user (docs/DETECTION-QUALITY.md).
inline constexpr std::string_view kLowSignalAttack = "lowSignalTakeover";

// Errors name the file and line.
Result<QualityReport> ScoreDetections(const std::string& labels_path,
                                      const std::string& replay_out);

// The report as Markdown tables.
std::string FormatQualityReport(const QualityReport& report);

struct QualityTargets {
  double minRecall = 0.95;             // of malicious sign-ins at medium, low-signal excluded
  double minRecallPerAttack = 0.8;     // every attack type but the low-signal one
  double maxBenignSignInRate = 0.005;  // benign sign-ins at medium
  double maxBenignUserRate = 0.01;     // benign users at medium
};

// The targets the report misses, one line each; empty when it meets them all.
std::vector<std::string> MissedTargets(const QualityReport& report, const QualityTargets& targets);

}  // namespace idguard
