#include "idguard/score/detection_quality.h"

#include <simdjson.h>

#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "idguard/core/mapped_file.h"
#include "idguard/core/text_lines.h"
#include "idguard/enrich/directory.h"

namespace idguard {
namespace {

int LevelRank(std::string_view level) {
  if (level == "high") return 3;
  if (level == "medium") return 2;
  if (level == "low") return 1;
  return 0;
}

void Count(QualityRow& row, int rank) {
  ++row.total;
  if (rank >= 2) ++row.atMedium;
  if (rank >= 1) ++row.atLow;
}

// Calls `each` with every line of an NDJSON file parsed as an object.
Status ForEachObject(const std::string& path,
                     const std::function<Status(simdjson::dom::object)>& each) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  simdjson::dom::parser parser;
  return ForEachNonBlankLine(file->data(), [&](std::uint64_t line, std::string_view text) {
    simdjson::dom::object object;
    if (auto error = parser.parse(text.data(), text.size()).get_object().get(object)) {
      return Status::InvalidInput(path + ":" + std::to_string(line) + ": not a JSON object (" +
                                  simdjson::error_message(error) + ")");
    }
    Status status = each(object);
    return status.ok() ? status : status.WithContext(path + ":" + std::to_string(line));
  });
}

std::string_view StringOr(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  return object[key].get_string().get(value) == simdjson::SUCCESS ? value : std::string_view();
}

std::string Percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %%", rate * 100);
  return text;
}

std::string Ratio(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", rate);
  return text;
}

}  // namespace

double QualityRow::RateAtMedium() const {
  return total == 0 ? 0 : static_cast<double>(atMedium) / static_cast<double>(total);
}
double QualityRow::RateAtLow() const {
  return total == 0 ? 0 : static_cast<double>(atLow) / static_cast<double>(total);
}

Result<QualityReport> ScoreDetections(const std::string& labels_path,
                                      const std::string& replay_out) {
  auto labels_text = ReadWholeFile(labels_path);
  if (!labels_text.ok()) return labels_text.status();
  simdjson::dom::parser parser;
  simdjson::dom::object labels;
  if (auto error = parser.parse(*labels_text).get_object().get(labels)) {
    return Status::InvalidInput(labels_path + ": not a JSON object (" +
                                simdjson::error_message(error) + ")");
  }
  std::unordered_map<std::string, std::string> attack_of_sign_in;  // successful ones
  std::map<std::string, std::string> attack_of_user;
  simdjson::dom::array list;
  if (labels["maliciousSignIns"].get_array().get(list) != simdjson::SUCCESS) {
    return Status::InvalidInput(labels_path + ": maliciousSignIns (an array) is missing");
  }
  for (simdjson::dom::element item : list) {
    std::string_view id, type;
    bool successful = false;
    if (item["id"].get_string().get(id) != simdjson::SUCCESS ||
        item["attackType"].get_string().get(type) != simdjson::SUCCESS ||
        item["successful"].get_bool().get(successful) != simdjson::SUCCESS) {
      return Status::InvalidInput(
          labels_path + ": every maliciousSignIns entry needs id, attackType, successful");
    }
    if (successful) attack_of_sign_in.emplace(id, type);
  }
  if (labels["compromisedUsers"].get_array().get(list) != simdjson::SUCCESS) {
    return Status::InvalidInput(labels_path + ": compromisedUsers (an array) is missing");
  }
  for (simdjson::dom::element item : list) {
    std::string_view user, type;
    if (item["userId"].get_string().get(user) != simdjson::SUCCESS ||
        item["attackType"].get_string().get(type) != simdjson::SUCCESS) {
      return Status::InvalidInput(labels_path +
                                  ": every compromisedUsers entry needs userId and attackType");
    }
    attack_of_user.emplace(user, type);
  }

  std::unordered_map<std::string, int> sign_in_rank;
  Status status = ForEachObject(replay_out + "/riskDetections.ndjson", [&](auto detection) {
    const std::string_view request = StringOr(detection, "requestId");
    if (request.empty()) return Status::Ok();
    int& rank = sign_in_rank[std::string(request)];
    rank = std::max(rank, LevelRank(StringOr(detection, "riskLevel")));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  std::unordered_map<std::string, int> user_rank;
  status = ForEachObject(replay_out + "/riskyUsers.ndjson", [&](auto user) {
    user_rank[std::string(StringOr(user, "id"))] = LevelRank(StringOr(user, "riskLevel"));
    return Status::Ok();
  });
  if (!status.ok()) return status;

  QualityReport report;
  report.maliciousSignIns.name = "all attacks";
  report.maliciousSignInsScored.name = "all attacks but the low-signal one";
  report.benignSignIns.name = "benign";
  report.compromisedUsers.name = "all attacks";
  report.compromisedUsersScored.name = "all attacks but the low-signal one";
  report.benignUsers.name = "benign";
  std::map<std::string, QualityRow> by_attack;
  std::set<std::string> active_users;
  status = ForEachObject(replay_out + "/signIns.ndjson", [&](auto sign_in) {
    const std::string_view user = StringOr(sign_in, "userId");
    std::int64_t code = -1;
    if (sign_in["status"]["errorCode"].get_int64().get(code) != simdjson::SUCCESS) code = -1;
    if (user.empty() || code != 0) return Status::Ok();
    active_users.emplace(user);
    const std::string id(StringOr(sign_in, "id"));
    const auto rank_it = sign_in_rank.find(id);
    const int rank = rank_it == sign_in_rank.end() ? 0 : rank_it->second;
    const auto attack = attack_of_sign_in.find(id);
    if (attack == attack_of_sign_in.end()) {
      Count(report.benignSignIns, rank);
      return Status::Ok();
    }
    QualityRow& row = by_attack[attack->second];
    row.name = attack->second;
    Count(row, rank);
    Count(report.maliciousSignIns, rank);
    if (attack->second != kLowSignalAttack) Count(report.maliciousSignInsScored, rank);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  for (auto& [name, row] : by_attack) report.signInsByAttack.push_back(row);

  std::map<std::string, QualityRow> users_by_attack;
  for (const auto& [user, attack] : attack_of_user) {
    const auto it = user_rank.find(user);
    const int rank = it == user_rank.end() ? 0 : it->second;
    QualityRow& row = users_by_attack[attack];
    row.name = attack;
    Count(row, rank);
    Count(report.compromisedUsers, rank);
    if (attack != kLowSignalAttack) Count(report.compromisedUsersScored, rank);
  }
  for (auto& [name, row] : users_by_attack) report.usersByAttack.push_back(row);
  for (const std::string& user : active_users) {
    if (attack_of_user.contains(user)) continue;
    const auto it = user_rank.find(user);
    Count(report.benignUsers, it == user_rank.end() ? 0 : it->second);
  }
  return report;
}

std::string FormatQualityReport(const QualityReport& report) {
  std::string out;
  auto recall_row = [&](const QualityRow& row) {
    out += "| " + row.name + " | " + std::to_string(row.total) + " | " + Ratio(row.RateAtMedium()) +
           " | " + Ratio(row.RateAtLow()) + " |\n";
  };
  auto rate_row = [&](const QualityRow& row) {
    out += "| " + row.name + " | " + std::to_string(row.total) + " | " +
           std::to_string(row.atMedium) + " (" + Percent(row.RateAtMedium()) + ") | " +
           std::to_string(row.atLow) + " (" + Percent(row.RateAtLow()) + ") |\n";
  };
  out += "Successful malicious sign-ins: recall\n\n";
  out += "| attack | sign-ins | recall at >= medium | recall at >= low |\n|---|---|---|---|\n";
  for (const QualityRow& row : report.signInsByAttack) recall_row(row);
  recall_row(report.maliciousSignInsScored);
  recall_row(report.maliciousSignIns);
  out += "\nSuccessful benign sign-ins: false positives\n\n";
  out += "| | sign-ins | at >= medium | at >= low |\n|---|---|---|---|\n";
  rate_row(report.benignSignIns);
  out += "\nCompromised users: recall (user risk at the end of the replay)\n\n";
  out += "| attack | users | recall at >= medium | recall at >= low |\n|---|---|---|---|\n";
  for (const QualityRow& row : report.usersByAttack) recall_row(row);
  recall_row(report.compromisedUsersScored);
  recall_row(report.compromisedUsers);
  out += "\nBenign users (with a successful sign-in): false positives\n\n";
  out += "| | users | at >= medium | at >= low |\n|---|---|---|---|\n";
  rate_row(report.benignUsers);
  return out;
}

std::vector<std::string> MissedTargets(const QualityReport& report, const QualityTargets& targets) {
  std::vector<std::string> missed;
  if (report.maliciousSignInsScored.RateAtMedium() < targets.minRecall) {
    missed.push_back("recall of malicious sign-ins at >= medium is " +
                     Ratio(report.maliciousSignInsScored.RateAtMedium()) + ", below " +
                     Ratio(targets.minRecall));
  }
  for (const QualityRow& row : report.signInsByAttack) {
    if (row.name != kLowSignalAttack && row.RateAtMedium() < targets.minRecallPerAttack) {
      missed.push_back("recall of " + row.name + " at >= medium is " + Ratio(row.RateAtMedium()) +
                       ", below " + Ratio(targets.minRecallPerAttack));
    }
  }
  if (report.benignSignIns.RateAtMedium() > targets.maxBenignSignInRate) {
    missed.push_back("benign sign-ins at >= medium are " +
                     Percent(report.benignSignIns.RateAtMedium()) + ", above " +
                     Percent(targets.maxBenignSignInRate));
  }
  if (report.benignUsers.RateAtMedium() > targets.maxBenignUserRate) {
    missed.push_back("benign users at >= medium are " + Percent(report.benignUsers.RateAtMedium()) +
                     ", above " + Percent(targets.maxBenignUserRate));
  }
  return missed;
}

}  // namespace idguard
