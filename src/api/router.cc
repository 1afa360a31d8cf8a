#include "api/router.h"

#include "api/query_string.h"

namespace idguard::api {

void Router::Add(Route route) {
  std::vector<std::string> segments;
  std::string_view rest = route.pattern;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (!segment.empty()) segments.emplace_back(segment);
  }
  patterns_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method,
                           const std::vector<std::string>& segments) const {
  Match match;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = patterns_[i];
    if (pattern.size() != segments.size()) continue;
    std::vector<std::string> parameters;
    bool same = true;
    for (std::size_t s = 0; s < pattern.size() && same; ++s) {
      if (pattern[s].front() == '{') {
        parameters.push_back(segments[s]);
      } else {
        same = pattern[s] == segments[s];
      }
    }
    if (!same) continue;
    if (routes_[i].method != method) {
      match.pathExists = true;
      continue;
    }
    // A literal segment beats a parameter: ".../riskyUsers/dismiss" is the action, not a user.
    if (match.route == nullptr || parameters.size() < match.parameters.size()) {
      match.route = &routes_[i];
      match.parameters = std::move(parameters);
      match.pathExists = true;
    }
  }
  return match;
}

}  // namespace idguard::api
