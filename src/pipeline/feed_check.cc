#include "pipeline/feed_check.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <ostream>

namespace idguard {

Status CheckFeeds(const std::vector<std::pair<std::string, std::string>>& feeds,
                  std::ostream& log) {
  static constexpr std::array<std::string_view, 4> kKinds = {"anonymizer", "malicious-ip",
                                                             "threat-actor", "leaked-credentials"};
  for (const auto& [kind, path] : feeds) {
    if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end()) {
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
    log << "feed " << kind << ": " << entries << " entries from " << path
        << " (no detector of this version consumes " << kind << " feeds)\n";
  }
  return Status::Ok();
}

}  // namespace idguard
