// Loads the --feed KIND=FILE arguments of a replay. IP feeds (anonymizer, malicious-ip,
// threat-actor) are parsed into `ip_feeds`, with file and line on a bad entry; the kind must be
// one idguard knows and the file must be readable. Logs what each feed holds and which kinds no
// detector of this version consumes yet.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/threat_feeds.h"

namespace idguard {

Status LoadFeeds(const std::vector<std::pair<std::string, std::string>>& feeds,
                 ThreatFeeds& ip_feeds, std::ostream& log);

}  // namespace idguard
