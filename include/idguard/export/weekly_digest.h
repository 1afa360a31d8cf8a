// The weekly digest email (spec §5): the period's new risky users and new real-time risky
// sign-ins, with links to the reports.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/risk_enums.h"
#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/export/mail.h"
#include "idguard/store/report_reader.h"

namespace idguard {

struct DigestUser {
  std::string id;
  std::string userPrincipalName;
  RiskLevel riskLevel = RiskLevel::none;  // the highest level the user reached in the period
  RiskState riskState = RiskState::none;  // the user's state now
};

struct WeeklyDigest {
  EventTime from = 0;  // the period [from, to)
  EventTime to = 0;
  // Users who became risky (atRisk or confirmedCompromised after not being so) in the period.
  std::int64_t newRiskyUsers = 0;
  std::array<std::int64_t, 3> newRiskyUsersByLevel{};  // low, medium, high
  std::vector<DigestUser> topUsers;                    // up to kDigestListedUsers, highest first
  // Sign-ins of the period with a real-time risk (riskLevelDuringSignIn low or above).
  std::int64_t realTimeRiskySignIns = 0;
  std::array<std::int64_t, 3> realTimeRiskySignInsByLevel{};  // low, medium, high
  std::int64_t usersWithRealTimeRiskySignIns = 0;
};

inline constexpr std::size_t kDigestListedUsers = 20;

// Reads the risk history and the sign-ins of [from, to).
Result<WeeklyDigest> BuildWeeklyDigest(ReportReader& reader, EventTime from, EventTime to);

// The email: subject "Weekly digest: identity risk" and a plain-text body; `base_url` is the
// server's address, for the links (e.g. "https://idguard.example.com").
MailMessage FormatWeeklyDigestMail(const WeeklyDigest& digest, std::string_view base_url);

// When the digest after `now` is due: Mondays at 08:00 UTC.
EventTime NextWeeklyDigestTime(EventTime now);

}  // namespace idguard
