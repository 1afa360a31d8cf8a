// UserAgentParser: browser, OS and device family from a User-Agent string, using the uap-core
// regexes (Debian package uap-core: /usr/share/uap-core/regexes.yaml) compiled into RE2::Set,
// with first-match semantics per section, and a bounded cache in front.
//
// Thread-safe: Parse may be called from many threads; the cache is sharded and locked.
// User agents are attacker-controlled: RE2 guarantees linear time, and inputs longer than
// kMaxUserAgentLength are truncated before matching.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

// What a loaded parser compiled and how its cache is doing. Counts of patterns cover all three
// uap-core sections; a pattern RE2 cannot compile is skipped (and counted) rather than failing
// the load, so the count tells whether skipping has started to cost detection quality.
struct UserAgentParserStats {
  std::size_t compiledPatterns = 0;
  std::size_t rejectedPatterns = 0;
  std::uint64_t cacheHits = 0;
  std::uint64_t cacheMisses = 0;
};

class UserAgentParser {
 public:
  static constexpr std::size_t kMaxUserAgentLength = 2048;
  // Default: 20,000 cached user agents. A capacity of 0 disables the cache.
  static Result<std::unique_ptr<UserAgentParser>> Load(const std::string& regexes_yaml_path,
                                                       std::size_t cache_capacity = 20000);
  virtual ~UserAgentParser() = default;
  // Families are "Other" when nothing matches, as uap-core specifies.
  virtual ClientEnrichment Parse(std::string_view user_agent) const = 0;
  virtual UserAgentParserStats Stats() const = 0;
};

}  // namespace idguard
