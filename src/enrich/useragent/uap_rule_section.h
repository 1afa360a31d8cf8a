// UapRuleSection: one section of uap-core's regexes.yaml (user_agent_parsers, os_parsers or
// device_parsers) compiled for first-match lookup.
//
// uap-core says the first rule in file order that matches anywhere in the user agent wins. Running
// hundreds of regexes one after another costs ~100 µs per user agent, so every pattern also goes
// into one RE2::Set: a single DFA pass reports all matching rules, the lowest index is the first
// match, and only that rule's own RE2 runs again to extract capture groups.
//
// Patterns RE2 cannot compile are skipped and counted instead of failing the load: one missing
// rule degrades a few user agents, while refusing to start would lose all of them.
//
// Thread-safe after Compile: Match is const, and RE2 and RE2::Set are safe for concurrent matching.
#pragma once

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"

namespace idguard {

// One value a section produces, e.g. a browser family: built from the rule's `replacement_key`
// template when the rule has one, otherwise taken from capture group `default_group` (0 means no
// default, as for a device brand). The key is only read during Compile.
struct UapFieldSpec {
  std::string_view replacement_key;
  int default_group = 0;
};

class UapRuleSection {
 public:
  static constexpr std::size_t kMaxFields = 3;
  // Values in the order of the specs passed to Compile; an empty string means "not defined".
  using Fields = std::array<std::string, kMaxFields>;

  // `rules` is the YAML sequence of one section; `set_max_mem` bounds the RE2::Set (program and
  // DFA cache together). Fails on a malformed section, or if the set as a whole cannot be built.
  static Result<std::unique_ptr<UapRuleSection>> Compile(const YAML::Node& rules,
                                                         std::span<const UapFieldSpec> fields,
                                                         std::int64_t set_max_mem);

  // The fields of the first matching rule, or nullopt when no rule matches.
  std::optional<Fields> Match(std::string_view text) const;

  std::size_t compiled_rules() const { return rules_.size(); }
  std::size_t rejected_rules() const { return rejected_rules_; }

 private:
  struct Rule {
    std::unique_ptr<RE2> regex;
    // Per field: the replacement template, or nullopt to use the default capture group.
    std::array<std::optional<std::string>, kMaxFields> replacements;
  };

  UapRuleSection(std::span<const UapFieldSpec> fields, std::int64_t set_max_mem);
  std::optional<std::size_t> FirstMatchingRule(std::string_view text) const;
  Fields Extract(const Rule& rule, std::string_view text) const;

  std::size_t field_count_ = 0;
  std::array<int, kMaxFields> default_groups_{};
  std::vector<Rule> rules_;  // index i is pattern i of set_
  RE2::Set set_;
  std::size_t rejected_rules_ = 0;
};

}  // namespace idguard
