// ThreatFeeds: the IP feeds detectors consult, by kind, each kind loaded from one or more netset
// files (`--feed anonymizer=FILE`, `--feed threat-actor=FILE`, ...) and reloadable while running.
//
// Reload reads every file again and swaps all kinds in at once, only when every file parsed;
// otherwise the feeds in use stay and the error says which file and line failed. Lookups may run
// on other threads during a reload: each takes a reference to the feed it reads, so a swap never
// frees a feed under a reader.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/ip_address.h"
#include "idguard/enrich/ip_feed.h"

namespace idguard {

enum class IpFeedKind { anonymizer, maliciousIp, threatActor };
inline constexpr std::size_t kIpFeedKinds = 3;
std::string_view ToString(IpFeedKind kind);  // "anonymizer", "malicious-ip", "threat-actor"
std::optional<IpFeedKind> ParseIpFeedKind(std::string_view text);

class ThreatFeeds {
 public:
  // Registers a file for a kind; call Reload to read it.
  void AddFile(IpFeedKind kind, std::string path);
  // Reads every registered file again; kinds without files keep what they have.
  Status Reload();
  // Installs a feed that does not come from files (scenario tests, an API).
  void Replace(IpFeedKind kind, IpFeed feed);

  // The listed entry of `kind` that holds `address`, or nullopt (also when no file was given).
  std::optional<std::string> Match(IpFeedKind kind, const IpAddress& address) const;
  // Entries read for `kind` by the last successful Reload.
  std::size_t Entries(IpFeedKind kind) const;

 private:
  static std::size_t Index(IpFeedKind kind) { return static_cast<std::size_t>(kind); }

  std::array<std::vector<std::string>, kIpFeedKinds> files_;
  std::array<std::atomic<std::shared_ptr<const IpFeed>>, kIpFeedKinds> feeds_;
};

}  // namespace idguard
