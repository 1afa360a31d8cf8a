#include "enrich/useragent/uap_rule_section.h"

#include <algorithm>
#include <utility>

namespace idguard {
namespace {

// uap-core writes $1..$9 only, so ten slots (the whole match plus nine groups) are enough.
constexpr int kMaxCaptureGroups = 9;

std::string_view TrimWhitespace(std::string_view value) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  const auto first = value.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = value.find_last_not_of(kWhitespace);
  return value.substr(first, last - first + 1);
}

// uap-core replacement semantics: each "$N" becomes capture group N, or nothing when the rule has
// no such group or the group did not take part in the match; the result is trimmed, and an empty
// result means the value is not defined.
std::string ExpandReplacement(std::string_view replacement,
                              std::span<const re2::StringPiece> captures) {
  std::string expanded;
  expanded.reserve(replacement.size());
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    const bool is_group_reference = c == '$' && i + 1 < replacement.size() &&
                                    replacement[i + 1] >= '1' &&
                                    replacement[i + 1] <= '0' + kMaxCaptureGroups;
    if (!is_group_reference) {
      expanded.push_back(c);
      continue;
    }
    const auto group = static_cast<std::size_t>(replacement[i + 1] - '0');
    if (group < captures.size() && !captures[group].empty()) {
      expanded.append(captures[group].data(), captures[group].size());
    }
    ++i;
  }
  return std::string(TrimWhitespace(expanded));
}

// yaml-cpp throws when asked the type of a key that is absent, so ask whether it exists first.
std::optional<std::string> ScalarAt(const YAML::Node& map, const std::string& key) {
  const YAML::Node value = map[key];
  if (!value.IsDefined() || !value.IsScalar()) return std::nullopt;
  return value.Scalar();
}

RE2::Options QuietOptions() {
  RE2::Options options;
  // A rejected pattern is counted and reported through stats; RE2's own logging would write to
  // stderr of whatever process embeds the engine.
  options.set_log_errors(false);
  return options;
}

RE2::Options SetOptions(std::int64_t max_mem) {
  RE2::Options options = QuietOptions();
  options.set_max_mem(max_mem);
  return options;
}

}  // namespace

UapRuleSection::UapRuleSection(std::span<const UapFieldSpec> fields, std::int64_t set_max_mem)
    : field_count_(fields.size()), set_(SetOptions(set_max_mem), RE2::UNANCHORED) {
  for (std::size_t i = 0; i < fields.size(); ++i) default_groups_[i] = fields[i].default_group;
}

Result<std::unique_ptr<UapRuleSection>> UapRuleSection::Compile(
    const YAML::Node& rules, std::span<const UapFieldSpec> fields, std::int64_t set_max_mem) {
  if (fields.empty() || fields.size() > kMaxFields) {
    return Status::Internal("a uap-core section needs between 1 and 3 fields");
  }
  if (!rules.IsSequence()) return Status::InvalidInput("expected a sequence of rules");

  std::unique_ptr<UapRuleSection> section(new UapRuleSection(fields, set_max_mem));
  for (std::size_t index = 0; index < rules.size(); ++index) {
    const YAML::Node rule_node = rules[index];
    auto pattern = rule_node.IsMap() ? ScalarAt(rule_node, "regex") : std::nullopt;
    if (!pattern) {
      return Status::InvalidInput("rule " + std::to_string(index) + " has no 'regex' string");
    }
    if (ScalarAt(rule_node, "regex_flag") == "i") pattern->insert(0, "(?i)");

    Rule rule;
    for (std::size_t field = 0; field < fields.size(); ++field) {
      rule.replacements[field] = ScalarAt(rule_node, std::string(fields[field].replacement_key));
    }
    rule.regex = std::make_unique<RE2>(*pattern, QuietOptions());
    // The set must hold exactly the rules kept, in file order, so that set index == rule index.
    if (!rule.regex->ok() || section->set_.Add(*pattern, nullptr) < 0) {
      ++section->rejected_rules_;
      continue;
    }
    section->rules_.push_back(std::move(rule));
  }
  if (!section->set_.Compile()) {
    return Status::Unavailable("RE2::Set for " + std::to_string(section->rules_.size()) +
                               " rules does not fit in max_mem " + std::to_string(set_max_mem));
  }
  return section;
}

std::optional<UapRuleSection::Fields> UapRuleSection::Match(std::string_view text) const {
  const auto rule_index = FirstMatchingRule(text);
  if (!rule_index) return std::nullopt;
  return Extract(rules_[*rule_index], text);
}

std::optional<std::size_t> UapRuleSection::FirstMatchingRule(std::string_view text) const {
  std::vector<int> matching;
  RE2::Set::ErrorInfo error{};
  if (set_.Match(text, &matching, &error)) {
    return static_cast<std::size_t>(*std::min_element(matching.begin(), matching.end()));
  }
  if (error.kind != RE2::Set::kOutOfMemory) return std::nullopt;
  // The DFA ran out of its budget on this input: still answer, rule by rule, rather than report
  // "Other" for a user agent that a rule does describe.
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (RE2::PartialMatch(text, *rules_[i].regex)) return i;
  }
  return std::nullopt;
}

UapRuleSection::Fields UapRuleSection::Extract(const Rule& rule, std::string_view text) const {
  const int group_count = std::min(rule.regex->NumberOfCapturingGroups(), kMaxCaptureGroups);
  std::array<re2::StringPiece, kMaxCaptureGroups + 1> captures;
  Fields fields;
  if (!rule.regex->Match(text, 0, text.size(), RE2::UNANCHORED, captures.data(), group_count + 1)) {
    return fields;  // unreachable while the set and the rule agree; all fields stay undefined
  }
  const std::span<const re2::StringPiece> groups(captures.data(), group_count + 1);
  for (std::size_t field = 0; field < field_count_; ++field) {
    if (rule.replacements[field]) {
      fields[field] = ExpandReplacement(*rule.replacements[field], groups);
      continue;
    }
    const int group = default_groups_[field];
    if (group > 0 && group <= group_count) {
      const re2::StringPiece capture = captures[group];
      fields[field] = std::string(TrimWhitespace(std::string_view(capture.data(), capture.size())));
    }
  }
  return fields;
}

}  // namespace idguard
