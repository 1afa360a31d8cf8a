#include "idguard/enrich/user_agent_parser.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "enrich/useragent/uap_rule_section.h"
#include "enrich/useragent/user_agent_cache.h"

namespace idguard {
namespace {

constexpr std::string_view kOther = "Other";

// Cap per RE2::Set (compiled program plus DFA state cache); memory is only taken as distinct user
// agents build DFA states. At 64 MB the user-agent and device sets already thrash their state cache
// on uap-core's ~1,400 test user agents, and a repeated match costs ~400 µs instead of ~8 µs.
// A set that runs out of budget on one input still answers, via the rule-by-rule fallback in
// UapRuleSection.
constexpr std::int64_t kSetMaxMem = std::int64_t{128} << 20;

// Field order inside UapRuleSection::Fields for each section.
enum VersionedField : std::size_t { kFamily = 0, kMajor = 1, kMinor = 2 };
constexpr std::array<UapFieldSpec, 3> kUserAgentFields = {{
    {"family_replacement", 1},
    {"v1_replacement", 2},
    {"v2_replacement", 3},
}};
constexpr std::array<UapFieldSpec, 3> kOsFields = {{
    {"os_replacement", 1},
    {"os_v1_replacement", 2},
    {"os_v2_replacement", 3},
}};
// Brand and model have no place in ClientEnrichment, so only the device family is extracted.
constexpr std::array<UapFieldSpec, 1> kDeviceFields = {{{"device_replacement", 1}}};

std::string FamilyOrOther(const std::optional<UapRuleSection::Fields>& fields) {
  if (!fields || (*fields)[kFamily].empty()) return std::string(kOther);
  return (*fields)[kFamily];
}

// "major.minor", "major" when there is no minor, empty when there is no major.
std::string MajorMinor(const std::optional<UapRuleSection::Fields>& fields) {
  if (!fields || (*fields)[kFamily].empty() || (*fields)[kMajor].empty()) return {};
  if ((*fields)[kMinor].empty()) return (*fields)[kMajor];
  return (*fields)[kMajor] + "." + (*fields)[kMinor];
}

Result<std::unique_ptr<UapRuleSection>> CompileSection(const YAML::Node& root,
                                                       const std::string& name,
                                                       std::span<const UapFieldSpec> fields) {
  try {
    const YAML::Node rules = root[name];
    if (!rules) return Status::InvalidInput("missing section '" + name + "'");
    auto section = UapRuleSection::Compile(rules, fields, kSetMaxMem);
    if (!section.ok()) return section.status().WithContext(name);
    return section;
  } catch (const YAML::Exception& error) {
    return Status::InvalidInput(name + ": " + error.what());
  }
}

// The uap-core parser: three compiled sections and an optional cache. Immutable after Load except
// for the cache, which locks itself.
class UapUserAgentParser final : public UserAgentParser {
 public:
  UapUserAgentParser(std::unique_ptr<UapRuleSection> user_agents,
                     std::unique_ptr<UapRuleSection> operating_systems,
                     std::unique_ptr<UapRuleSection> devices, std::size_t cache_capacity)
      : user_agents_(std::move(user_agents)),
        operating_systems_(std::move(operating_systems)),
        devices_(std::move(devices)),
        cache_(cache_capacity > 0 ? std::make_unique<UserAgentCache>(cache_capacity) : nullptr) {}

  ClientEnrichment Parse(std::string_view user_agent) const override {
    user_agent = user_agent.substr(0, kMaxUserAgentLength);
    if (user_agent.empty()) return Unknown();
    if (!cache_) return ParseUncached(user_agent);
    if (auto cached = cache_->Find(user_agent)) return *std::move(cached);
    ClientEnrichment client = ParseUncached(user_agent);
    cache_->Insert(user_agent, client);
    return client;
  }

  UserAgentParserStats Stats() const override {
    UserAgentParserStats stats;
    for (const UapRuleSection* section :
         {user_agents_.get(), operating_systems_.get(), devices_.get()}) {
      stats.compiledPatterns += section->compiled_rules();
      stats.rejectedPatterns += section->rejected_rules();
    }
    if (cache_) {
      const UserAgentCache::Counters counters = cache_->counters();
      stats.cacheHits = counters.hits;
      stats.cacheMisses = counters.misses;
    }
    return stats;
  }

 private:
  static ClientEnrichment Unknown() {
    ClientEnrichment client;
    client.browserFamily = client.osFamily = client.deviceFamily = kOther;
    return client;
  }

  ClientEnrichment ParseUncached(std::string_view user_agent) const {
    ClientEnrichment client;
    const auto browser = user_agents_->Match(user_agent);
    client.browserFamily = FamilyOrOther(browser);
    client.browserVersion = MajorMinor(browser);
    const auto os = operating_systems_->Match(user_agent);
    client.osFamily = FamilyOrOther(os);
    client.osVersion = MajorMinor(os);
    client.deviceFamily = FamilyOrOther(devices_->Match(user_agent));
    return client;
  }

  std::unique_ptr<UapRuleSection> user_agents_;
  std::unique_ptr<UapRuleSection> operating_systems_;
  std::unique_ptr<UapRuleSection> devices_;
  // Mutable state behind a const Parse: the cache is a memo, not part of the parser's value.
  std::unique_ptr<UserAgentCache> cache_;
};

}  // namespace

Result<std::unique_ptr<UserAgentParser>> UserAgentParser::Load(const std::string& regexes_yaml_path,
                                                               std::size_t cache_capacity) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(regexes_yaml_path);
  } catch (const YAML::BadFile&) {
    return Status::NotFound("cannot open uap-core regexes " + regexes_yaml_path);
  } catch (const YAML::Exception& error) {
    return Status::InvalidInput(regexes_yaml_path + ": " + error.what());
  }
  if (!root.IsMap()) return Status::InvalidInput(regexes_yaml_path + ": not a YAML mapping");

  auto user_agents = CompileSection(root, "user_agent_parsers", kUserAgentFields);
  if (!user_agents.ok()) return user_agents.status().WithContext(regexes_yaml_path);
  auto operating_systems = CompileSection(root, "os_parsers", kOsFields);
  if (!operating_systems.ok()) return operating_systems.status().WithContext(regexes_yaml_path);
  auto devices = CompileSection(root, "device_parsers", kDeviceFields);
  if (!devices.ok()) return devices.status().WithContext(regexes_yaml_path);

  return std::unique_ptr<UserAgentParser>(std::make_unique<UapUserAgentParser>(
      std::move(user_agents).value(), std::move(operating_systems).value(),
      std::move(devices).value(), cache_capacity));
}

}  // namespace idguard
