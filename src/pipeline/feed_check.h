// Checks the --feed KIND=FILE arguments of a replay: the kind must be one idguard knows and the
// file must be readable. Counts each feed's entries for the summary.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "idguard/core/status.h"

namespace idguard {

Status CheckFeeds(const std::vector<std::pair<std::string, std::string>>& feeds, std::ostream& log);

}  // namespace idguard
