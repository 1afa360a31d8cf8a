// What the IP-feed detectors share: which sign-ins they judge and the feed entry that matched.
#pragma once

#include <optional>
#include <string>

#include "idguard/detect/detector.h"
#include "idguard/enrich/threat_feeds.h"

namespace idguard {

struct FeedMatch {
  std::string address;  // the sign-in's address
  std::string entry;    // the listed address or block that holds it
};

// The entry of `kind` that lists the sign-in's address. Only user sign-ins with valid credentials
// from a public address are judged: a wrong password from a listed address compromises no one
// (password spray and malicious-IP detection look at those), and internal addresses are the
// organisation's own. Counts the sign-ins it judged; without a feed of the kind it judges none.
inline std::optional<FeedMatch> MatchSignInAddress(const DetectionContext& context, IpFeedKind kind,
                                                   DetectorCounters& counters) {
  const SignIn& sign_in = context.signIn;
  if (context.config.feeds == nullptr || context.config.feeds->Entries(kind) == 0 ||
      sign_in.IsServicePrincipal() || !CredentialsWereValid(sign_in.status.errorCode) ||
      sign_in.network.isInternal) {
    return std::nullopt;
  }
  const auto& address = context.features.address;
  if (!address) return std::nullopt;
  ++counters.evaluated;
  auto entry = context.config.feeds->Match(kind, *address);
  if (!entry) return std::nullopt;
  return FeedMatch{sign_in.ipAddress, std::move(*entry)};
}

}  // namespace idguard
