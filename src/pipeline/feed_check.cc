#include "pipeline/feed_check.h"

#include <fstream>
#include <ostream>

namespace idguard {
namespace {

constexpr std::string_view kLeakedCredentials = "leaked-credentials";

// Kinds that are accepted and checked but that no detector of this version reads.
bool Unconsumed(std::string_view kind) {
  return kind == kLeakedCredentials || kind == ToString(IpFeedKind::maliciousIp);
}

}  // namespace

Status LoadFeeds(const std::vector<std::pair<std::string, std::string>>& feeds,
                 ThreatFeeds& ip_feeds, std::ostream& log) {
  for (const auto& [kind, path] : feeds) {
    if (auto ip_kind = ParseIpFeedKind(kind)) {
      ip_feeds.AddFile(*ip_kind, path);
      continue;
    }
    if (kind != kLeakedCredentials) {
      std::string message = "--feed ";
      message.append(kind).append("=").append(path).append(
          ": unknown feed kind (expected anonymizer, malicious-ip, threat-actor or "
          "leaked-credentials)");
      return Status::InvalidInput(message);
    }
    std::ifstream file(path);
    if (!file) {
      std::string message = "--feed ";
      message.append(kind).append(": cannot read ").append(path);
      return Status::IoError(message);
    }
    std::size_t entries = 0;
    std::string line;
    while (std::getline(file, line)) {
      if (!line.empty() && line.front() != '#') ++entries;
    }
    log << "feed " << kind << ": " << entries << " entries from " << path << "\n";
  }
  if (Status s = ip_feeds.Reload(); !s.ok()) return s;
  for (IpFeedKind kind :
       {IpFeedKind::anonymizer, IpFeedKind::maliciousIp, IpFeedKind::threatActor}) {
    if (ip_feeds.Entries(kind) > 0) {
      log << "feed " << ToString(kind) << ": " << ip_feeds.Entries(kind) << " entries\n";
    }
  }
  for (const auto& [kind, path] : feeds) {
    if (Unconsumed(kind)) {
      log << "feed " << kind << ": no detector of this version consumes " << kind << " feeds\n";
    }
  }
  return Status::Ok();
}

}  // namespace idguard
