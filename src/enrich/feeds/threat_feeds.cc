#include "idguard/enrich/threat_feeds.h"

namespace idguard {

std::string_view ToString(IpFeedKind kind) {
  switch (kind) {
    case IpFeedKind::anonymizer:
      return "anonymizer";
    case IpFeedKind::maliciousIp:
      return "malicious-ip";
    case IpFeedKind::threatActor:
      return "threat-actor";
  }
  return "anonymizer";
}

std::optional<IpFeedKind> ParseIpFeedKind(std::string_view text) {
  for (IpFeedKind kind :
       {IpFeedKind::anonymizer, IpFeedKind::maliciousIp, IpFeedKind::threatActor}) {
    if (text == ToString(kind)) return kind;
  }
  return std::nullopt;
}

void ThreatFeeds::AddFile(IpFeedKind kind, std::string path) {
  files_[Index(kind)].push_back(std::move(path));
}

Status ThreatFeeds::Reload() {
  std::array<std::shared_ptr<const IpFeed>, kIpFeedKinds> loaded;
  for (std::size_t kind = 0; kind < kIpFeedKinds; ++kind) {
    if (files_[kind].empty()) continue;
    std::vector<IpFeed> parts;
    for (const std::string& path : files_[kind]) {
      auto feed = IpFeed::LoadFile(path);
      if (!feed.ok()) {
        return feed.status().WithContext(std::string("--feed ") +
                                         std::string(ToString(static_cast<IpFeedKind>(kind))));
      }
      parts.push_back(std::move(feed).value());
    }
    loaded[kind] = std::make_shared<const IpFeed>(IpFeed::Merge(parts));
  }
  for (std::size_t kind = 0; kind < kIpFeedKinds; ++kind) {
    if (loaded[kind] != nullptr) feeds_[kind].store(loaded[kind]);
  }
  return Status::Ok();
}

void ThreatFeeds::Replace(IpFeedKind kind, IpFeed feed) {
  feeds_[Index(kind)].store(std::make_shared<const IpFeed>(std::move(feed)));
}

std::optional<std::string> ThreatFeeds::Match(IpFeedKind kind, const IpAddress& address) const {
  const std::shared_ptr<const IpFeed> feed = feeds_[Index(kind)].load();
  if (feed == nullptr) return std::nullopt;
  auto entry = feed->Match(address);
  if (!entry) return std::nullopt;
  return std::string(*entry);
}

std::size_t ThreatFeeds::Entries(IpFeedKind kind) const {
  const std::shared_ptr<const IpFeed> feed = feeds_[Index(kind)].load();
  return feed == nullptr ? 0 : feed->entriesRead();
}

}  // namespace idguard
