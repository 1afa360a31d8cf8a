// UserAgentParser: browser, OS and device family from a User-Agent string, using the uap-core
// regexes (Debian package uap-core: /usr/share/uap-core/regexes.yaml) compiled into RE2::Set,
// with first-match semantics per section, and a bounded cache in front.
//
// Thread-safe: Parse may be called from many threads; the cache is sharded and locked.
// User agents are attacker-controlled: RE2 guarantees linear time, and inputs longer than
// kMaxUserAgentLength are truncated before matching.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

class UserAgentParser {
 public:
  static constexpr std::size_t kMaxUserAgentLength = 2048;
  // Default: 20,000 cached user agents.
  static Result<std::unique_ptr<UserAgentParser>> Load(const std::string& regexes_yaml_path,
                                                       std::size_t cache_capacity = 20000);
  virtual ~UserAgentParser() = default;
  // Families are "Other" when nothing matches, as uap-core specifies.
  virtual ClientEnrichment Parse(std::string_view user_agent) const = 0;
};

}  // namespace idguard
