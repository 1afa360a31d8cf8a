// Loads the --feed KIND=FILE arguments of a replay. IP feeds (anonymizer, malicious-ip,
// threat-actor) are parsed into `ip_feeds`, leaked-credentials feeds into `leaks`, with file and
// line on a bad entry; the kind must be one idguard knows and the file must be readable. Logs
// what each feed holds.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/leaked_credentials.h"
#include "idguard/enrich/threat_feeds.h"

namespace idguard {

Status LoadFeeds(const std::vector<std::pair<std::string, std::string>>& feeds,
                 ThreatFeeds& ip_feeds, LeakedCredentialFeed& leaks, std::ostream& log);

}  // namespace idguard
