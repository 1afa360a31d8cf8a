#include "pipeline/feed_check.h"

#include <ostream>

namespace idguard {
namespace {

constexpr std::string_view kLeakedCredentials = "leaked-credentials";

}  // namespace

Status LoadFeeds(const std::vector<std::pair<std::string, std::string>>& feeds,
                 ThreatFeeds& ip_feeds, LeakedCredentialFeed& leaks, std::ostream& log) {
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
    auto leak_feed = LeakedCredentialFeed::LoadFile(path);
    if (!leak_feed.ok()) return leak_feed.status();
    log << "feed " << kind << ": " << leak_feed->entries().size() << " credential pairs from "
        << path << "\n";
    leaks.Append(leak_feed.value());
  }
  if (Status s = ip_feeds.Reload(); !s.ok()) return s;
  for (IpFeedKind kind :
       {IpFeedKind::anonymizer, IpFeedKind::maliciousIp, IpFeedKind::threatActor}) {
    if (ip_feeds.Entries(kind) > 0) {
      log << "feed " << ToString(kind) << ": " << ip_feeds.Entries(kind) << " entries\n";
    }
  }
  return Status::Ok();
}

}  // namespace idguard
