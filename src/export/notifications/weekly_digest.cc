#include "idguard/export/weekly_digest.h"

#include <simdjson.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace idguard {
namespace {

// 1970-01-01 was a Thursday; Monday is 4 days later in the 7-day cycle.
constexpr EventTime kDigestHour = 8 * kMicrosPerHour;
constexpr EventTime kMicrosPerWeek = 7 * kMicrosPerDay;
constexpr EventTime kFirstMonday = 4 * kMicrosPerDay;

bool IsAtRisk(RiskState state) {
  return state == RiskState::atRisk || state == RiskState::confirmedCompromised;
}

// low 0, medium 1, high 2; -1 for none and hidden.
int LevelIndex(RiskLevel level) { return Severity(level) - 1; }

std::string Pad(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "~";
  text.resize(width, ' ');
  return text;
}

std::string DateOf(EventTime time) { return FormatTimestamp(time).substr(0, 10); }

}  // namespace

Result<WeeklyDigest> BuildWeeklyDigest(ReportReader& reader, EventTime from, EventTime to) {
  WeeklyDigest digest;
  digest.from = from;
  digest.to = to;
  std::unordered_map<std::string, RiskLevel> reached;  // new risky users: highest level in period
  std::string current_user;
  bool was_at_risk = false;
  bool became_risky = false;
  RiskLevel highest = RiskLevel::none;
  auto finish_user = [&] {
    if (became_risky && LevelIndex(highest) >= 0) reached[current_user] = highest;
  };
  Status read = reader.ForEachUserRiskChange(
      [&](std::string_view user_id, EventTime time, RiskLevel level, RiskState state) {
        if (user_id != current_user) {
          finish_user();
          current_user.assign(user_id);
          was_at_risk = became_risky = false;
          highest = RiskLevel::none;
        }
        if (time >= from && time < to && IsAtRisk(state)) {
          if (!was_at_risk) became_risky = true;
          if (became_risky && LevelIndex(level) > LevelIndex(highest)) highest = level;
        }
        was_at_risk = IsAtRisk(state);
        return Status::Ok();
      });
  if (!read.ok()) return read;
  finish_user();
  for (const auto& [id, level] : reached) {
    ++digest.newRiskyUsers;
    ++digest.newRiskyUsersByLevel[LevelIndex(level)];
    digest.topUsers.push_back({id, "", level, RiskState::none});
  }
  std::sort(digest.topUsers.begin(), digest.topUsers.end(), [](const auto& a, const auto& b) {
    return LevelIndex(a.riskLevel) != LevelIndex(b.riskLevel)
               ? LevelIndex(a.riskLevel) > LevelIndex(b.riskLevel)
               : a.id < b.id;
  });
  if (digest.topUsers.size() > kDigestListedUsers) digest.topUsers.resize(kDigestListedUsers);
  simdjson::dom::parser parser;
  for (DigestUser& user : digest.topUsers) {
    auto json = reader.Get(ReportTable::riskyUsers, user.id);
    if (!json.ok()) return json.status();
    if (!json->has_value()) continue;
    simdjson::dom::element element;
    if (parser.parse(**json).get(element) != simdjson::SUCCESS) continue;
    std::string_view text;
    if (element["userPrincipalName"].get(text) == simdjson::SUCCESS) {
      user.userPrincipalName = text;
    }
    if (element["riskState"].get(text) == simdjson::SUCCESS) {
      user.riskState = ParseRiskState(text).value_or(RiskState::none);
    }
  }
  std::unordered_set<std::string> risky_sign_in_users;
  read = reader.ForEachSignInBetween(from, to, {}, [&](const SignInColumnsView& row) {
    const int index = LevelIndex(row.riskLevelDuringSignIn);
    if (index >= 0) {
      ++digest.realTimeRiskySignIns;
      ++digest.realTimeRiskySignInsByLevel[index];
      risky_sign_in_users.emplace(row.userId);
    }
    return Status::Ok();
  });
  if (!read.ok()) return read;
  digest.usersWithRealTimeRiskySignIns = static_cast<std::int64_t>(risky_sign_in_users.size());
  return digest;
}

MailMessage FormatWeeklyDigestMail(const WeeklyDigest& digest, std::string_view base_url) {
  MailMessage mail;
  mail.subject = "Weekly digest: identity risk";
  const std::string base(base_url);
  std::string& text = mail.text;
  text += "idguard weekly digest, " + DateOf(digest.from) + " to " + DateOf(digest.to - 1) +
          " (UTC)\n\n";
  text += "New risky users: " + std::to_string(digest.newRiskyUsers) + " (high " +
          std::to_string(digest.newRiskyUsersByLevel[2]) + ", medium " +
          std::to_string(digest.newRiskyUsersByLevel[1]) + ", low " +
          std::to_string(digest.newRiskyUsersByLevel[0]) + ")\n";
  text += "New real-time risky sign-ins: " + std::to_string(digest.realTimeRiskySignIns) +
          " (high " + std::to_string(digest.realTimeRiskySignInsByLevel[2]) + ", medium " +
          std::to_string(digest.realTimeRiskySignInsByLevel[1]) + ", low " +
          std::to_string(digest.realTimeRiskySignInsByLevel[0]) + ") by " +
          std::to_string(digest.usersWithRealTimeRiskySignIns) + " users\n";
  if (!digest.topUsers.empty()) {
    text += "\n" + Pad("User", 44) + Pad("Reached", 9) + "State now\n";
    for (const DigestUser& user : digest.topUsers) {
      text += Pad(user.userPrincipalName.empty() ? user.id : user.userPrincipalName, 44) +
              Pad(std::string(ToString(user.riskLevel)), 9) +
              std::string(ToString(user.riskState)) + "\n";
    }
    if (digest.newRiskyUsers > static_cast<std::int64_t>(digest.topUsers.size())) {
      text +=
          "... and " +
          std::to_string(digest.newRiskyUsers - static_cast<std::int64_t>(digest.topUsers.size())) +
          " more\n";
    }
  }
  const std::string from = FormatTimestamp(digest.from);
  text += "\nRisky users updated in the period:\n  " + base +
          "/v1.0/identityProtection/riskyUsers?$filter=riskLastUpdatedDateTime%20ge%20" + from +
          "\n";
  text += "Real-time risky sign-ins of the period:\n  " + base +
          "/v1.0/auditLogs/signIns?$filter=createdDateTime%20ge%20" + from +
          "%20and%20riskLevelDuringSignIn%20ne%20'none'\n";
  text += "\nYou receive this digest as a recipient in idguard's notification settings.\n";
  return mail;
}

EventTime NextWeeklyDigestTime(EventTime now) {
  const EventTime anchor = kFirstMonday + kDigestHour;  // Monday 1970-01-05 08:00 UTC
  if (now < anchor) return anchor;
  return anchor + ((now - anchor) / kMicrosPerWeek + 1) * kMicrosPerWeek;
}

}  // namespace idguard
