#include "idguard/enrich/user_agent_parser.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "enrich/useragent/uap_rule_section.h"
#include "enrich/useragent/user_agent_cache.h"

namespace idguard {
namespace {

// Debian package uap-core; the corpora next to it are the project's own expected results.
const std::string kUapCoreDir = "/usr/share/uap-core";
const std::string kRegexesPath = kUapCoreDir + "/regexes.yaml";

auto Fields(const ClientEnrichment& c) {
  return std::tie(c.browserFamily, c.browserVersion, c.osFamily, c.osVersion, c.deviceFamily);
}

std::string MajorMinor(const std::string& major, const std::string& minor) {
  if (major.empty()) return {};
  return minor.empty() ? major : major + "." + minor;
}

// A YAML value that may be written as an empty (null) field in the corpora.
std::string OptionalScalar(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
}

struct CorpusCase {
  std::string userAgent;
  std::string family;
  std::string major;
  std::string minor;
  std::string brand;
  std::string model;
};

// Under AddressSanitizer the DFA states of the large uap-core sets are each a fresh mapping of
// their own, and the full corpora take most of an hour: the sanitized build checks memory safety
// on every 16th case, the dev build agreement on all of them.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t kCorpusStride = 16;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr std::size_t kCorpusStride = 16;
#else
constexpr std::size_t kCorpusStride = 1;
#endif
#else
constexpr std::size_t kCorpusStride = 1;
#endif

std::vector<CorpusCase> LoadCorpus(const std::string& file_name) {
  std::vector<CorpusCase> cases;
  const YAML::Node root = YAML::LoadFile(kUapCoreDir + "/tests/" + file_name);
  std::size_t index = 0;
  for (const YAML::Node& entry : root["test_cases"]) {
    if (index++ % kCorpusStride != 0) continue;
    cases.push_back({OptionalScalar(entry["user_agent_string"]), OptionalScalar(entry["family"]),
                     OptionalScalar(entry["major"]), OptionalScalar(entry["minor"]),
                     OptionalScalar(entry["brand"]), OptionalScalar(entry["model"])});
  }
  return cases;
}

double Agreement(std::size_t mismatches, std::size_t total) {
  return total == 0 ? 0.0 : 1.0 - static_cast<double>(mismatches) / static_cast<double>(total);
}

class UserAgentParserTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kRegexesPath)) return;
    auto loaded = UserAgentParser::Load(kRegexesPath);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    parser_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete parser_;
    parser_ = nullptr;
  }
  void SetUp() override {
    if (parser_ == nullptr) GTEST_SKIP() << "uap-core not installed: " << kRegexesPath;
  }
  static const UserAgentParser& parser() { return *parser_; }

  static void ExpectParsesAs(std::string_view user_agent, const ClientEnrichment& expected) {
    const ClientEnrichment client = parser().Parse(user_agent);
    EXPECT_EQ(client.browserFamily, expected.browserFamily) << user_agent;
    EXPECT_EQ(client.browserVersion, expected.browserVersion) << user_agent;
    EXPECT_EQ(client.osFamily, expected.osFamily) << user_agent;
    EXPECT_EQ(client.osVersion, expected.osVersion) << user_agent;
    EXPECT_EQ(client.deviceFamily, expected.deviceFamily) << user_agent;
  }

  // Parses every case of a uap-core corpus and requires 99% agreement on the family and, when
  // `version` is given, on "major.minor" built from the corpus's major and minor.
  static void ExpectCorpusAgreement(const std::string& file_name,
                                    std::string ClientEnrichment::*family,
                                    std::string ClientEnrichment::*version) {
    const auto cases = LoadCorpus(file_name);
    ASSERT_GT(cases.size(), 20u);
    std::size_t family_mismatches = 0;
    std::size_t version_mismatches = 0;
    for (const CorpusCase& test_case : cases) {
      const ClientEnrichment client = parser().Parse(test_case.userAgent);
      if (client.*family != test_case.family) ++family_mismatches;
      if (version != nullptr && client.*version != MajorMinor(test_case.major, test_case.minor)) {
        ++version_mismatches;
      }
    }
    std::cout << file_name << ": " << cases.size() << " cases, " << family_mismatches
              << " family mismatches, " << version_mismatches << " version mismatches\n";
    EXPECT_GE(Agreement(family_mismatches, cases.size()), 0.99);
    EXPECT_GE(Agreement(version_mismatches, cases.size()), 0.99);
  }

 private:
  static inline UserAgentParser* parser_ = nullptr;
};

TEST_F(UserAgentParserTest, FewUapCorePatternsAreRejectedByRe2) {
  const UserAgentParserStats stats = parser().Stats();
  std::cout << "uap-core patterns: " << stats.compiledPatterns << " compiled, "
            << stats.rejectedPatterns << " rejected by RE2\n";
  EXPECT_GT(stats.compiledPatterns, 1000u);
  EXPECT_LE(stats.rejectedPatterns, 5u);
}

TEST_F(UserAgentParserTest, BrowsersAgreeWithUapCoreCorpus) {
  ExpectCorpusAgreement("test_ua.yaml", &ClientEnrichment::browserFamily,
                        &ClientEnrichment::browserVersion);
}

TEST_F(UserAgentParserTest, OperatingSystemsAgreeWithUapCoreCorpus) {
  ExpectCorpusAgreement("test_os.yaml", &ClientEnrichment::osFamily, &ClientEnrichment::osVersion);
}

TEST_F(UserAgentParserTest, DevicesAgreeWithUapCoreCorpus) {
  ExpectCorpusAgreement("test_device.yaml", &ClientEnrichment::deviceFamily, nullptr);
}

TEST_F(UserAgentParserTest, ChromeOnWindows10) {
  ExpectParsesAs(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.6099.130 Safari/537.36",
      {"Chrome", "120.0", "Windows", "10", "Other"});
}

TEST_F(UserAgentParserTest, ChromiumEdgeIsNotChrome) {
  ExpectParsesAs(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/97.0.4692.71 Safari/537.36 Edg/97.0.1072.62",
      {"Edge", "97.0", "Windows", "10", "Other"});
}

TEST_F(UserAgentParserTest, SafariOnIphone) {
  ExpectParsesAs(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 15_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/15.2 Mobile/15E148 Safari/604.1",
      {"Mobile Safari", "15.2", "iOS", "15.2", "iPhone"});
}

TEST_F(UserAgentParserTest, CommandLineClients) {
  const ClientEnrichment curl = parser().Parse("curl/7.88.1");
  EXPECT_EQ(curl.browserFamily, "curl");
  EXPECT_EQ(curl.browserVersion, "7.88");
  EXPECT_EQ(curl.osFamily, "Other");

  const ClientEnrichment requests = parser().Parse("python-requests/2.31.0");
  EXPECT_EQ(requests.browserFamily, "Python Requests");
  EXPECT_EQ(requests.browserVersion, "2.31");
}

TEST_F(UserAgentParserTest, EmptyUserAgentIsOther) {
  const ClientEnrichment client = parser().Parse("");
  EXPECT_EQ(client.browserFamily, "Other");
  EXPECT_EQ(client.browserVersion, "");
  EXPECT_EQ(client.osFamily, "Other");
  EXPECT_EQ(client.osVersion, "");
  EXPECT_EQ(client.deviceFamily, "Other");
}

// A hostile 100 KB agent costs no more than its first kMaxUserAgentLength bytes: the parser
// matches only those (how fast that is lives in bench/, not here).
TEST_F(UserAgentParserTest, HostileHundredKilobyteUserAgentIsMatchedOnItsPrefix) {
  std::string hostile = "Mozilla/5.0 (Linux; Android 4.4; ";
  while (hostile.size() < 100 * 1024) hostile += "SmartWatch Build HuaweiA4444 Mobile (;;";
  const ClientEnrichment client = parser().Parse(hostile);
  const ClientEnrichment prefix =
      parser().Parse(hostile.substr(0, UserAgentParser::kMaxUserAgentLength));
  EXPECT_EQ(client.browserFamily, prefix.browserFamily);
  EXPECT_EQ(client.osFamily, prefix.osFamily);
  EXPECT_EQ(client.osVersion, prefix.osVersion);
  EXPECT_EQ(client.deviceFamily, prefix.deviceFamily);
  EXPECT_EQ(client.osFamily, "Android");
  EXPECT_FALSE(client.deviceFamily.empty());
}

TEST_F(UserAgentParserTest, OnlyTheFirstMaxLengthBytesAreMatched) {
  const std::string padding(UserAgentParser::kMaxUserAgentLength, ' ');
  EXPECT_EQ(parser().Parse("curl/8.1 " + padding).browserFamily, "curl");
  EXPECT_EQ(parser().Parse(padding + "curl/8.1").browserFamily, "Other");
}

TEST_F(UserAgentParserTest, ConcurrentParsesAgreeWithSequentialOnes) {
  const auto cases = LoadCorpus("test_ua.yaml");
  std::vector<ClientEnrichment> expected;
  for (const CorpusCase& test_case : cases) expected.push_back(parser().Parse(test_case.userAgent));

  std::vector<std::size_t> disagreements(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < disagreements.size(); ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const std::size_t index = (i * 7 + t * 131) % cases.size();
        if (Fields(parser().Parse(cases[index].userAgent)) != Fields(expected[index])) {
          ++disagreements[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t count : disagreements) EXPECT_EQ(count, 0u);
}

TEST(UserAgentParserLoadTest, CacheServesTheSecondParse) {
  if (!std::filesystem::exists(kRegexesPath)) GTEST_SKIP() << "uap-core not installed";
  auto parser = UserAgentParser::Load(kRegexesPath, 100);
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  const std::string user_agent =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.1 Safari/605.1.15";
  const ClientEnrichment first = (*parser)->Parse(user_agent);
  const UserAgentParserStats after_first = (*parser)->Stats();
  const ClientEnrichment second = (*parser)->Parse(user_agent);
  const UserAgentParserStats after_second = (*parser)->Stats();

  EXPECT_EQ(first.browserFamily, "Safari");
  EXPECT_EQ(Fields(first), Fields(second));
  EXPECT_EQ(after_first.cacheHits, 0u);
  EXPECT_EQ(after_first.cacheMisses, 1u);
  EXPECT_EQ(after_second.cacheHits, 1u);
  EXPECT_EQ(after_second.cacheMisses, 1u);
}

TEST(UserAgentParserLoadTest, ZeroCapacityDisablesTheCache) {
  if (!std::filesystem::exists(kRegexesPath)) GTEST_SKIP() << "uap-core not installed";
  auto parser = UserAgentParser::Load(kRegexesPath, 0);
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  (*parser)->Parse("curl/7.88.1");
  EXPECT_EQ((*parser)->Parse("curl/7.88.1").browserFamily, "curl");
  EXPECT_EQ((*parser)->Stats().cacheHits, 0u);
}

TEST(UserAgentParserLoadTest, MissingFileIsNotFound) {
  auto parser = UserAgentParser::Load("no-such-dir/regexes.yaml");
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), StatusCode::kNotFound);
}

TEST(UserAgentParserLoadTest, MissingSectionIsInvalidInput) {
  const std::string path = testing::TempDir() + "/user_agent_parser_test_regexes.yaml";
  std::ofstream(path) << "user_agent_parsers:\n  - regex: 'curl/(\\d+)'\n"
                      << "os_parsers:\n  - regex: '(Linux)'\n";
  auto parser = UserAgentParser::Load(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(parser.status().message().find("device_parsers"), std::string::npos);
}

constexpr std::array<UapFieldSpec, 3> kVersionedFields = {{
    {"family_replacement", 1},
    {"v1_replacement", 2},
    {"v2_replacement", 3},
}};

std::unique_ptr<UapRuleSection> CompileRules(const std::string& yaml) {
  auto section = UapRuleSection::Compile(YAML::Load(yaml), kVersionedFields, 8 << 20);
  EXPECT_TRUE(section.ok()) << section.status().message();
  return section.ok() ? std::move(section).value() : nullptr;
}

TEST(UserAgentRuleSectionTest, FirstRuleInFileOrderWins) {
  const auto section = CompileRules(R"(
- regex: 'Agent/(\d+)'
  family_replacement: 'Generic'
  v1_replacement: '$1'
- regex: '(Special)Agent/(\d+)'
)");
  ASSERT_NE(section, nullptr);
  const auto fields = section->Match("SpecialAgent/3");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ((*fields)[0], "Generic");
  EXPECT_EQ((*fields)[1], "3");
}

TEST(UserAgentRuleSectionTest, ReplacementsSubstituteGroupsAndTrim) {
  const auto section = CompileRules(R"(
- regex: '(Foo)(?:/(\d+))?(?:\.(\d+))?'
  family_replacement: ' Bar $1 $5 '
  v2_replacement: '$3'
)");
  ASSERT_NE(section, nullptr);
  const auto with_minor = section->Match("Foo/4.2");
  ASSERT_TRUE(with_minor.has_value());
  EXPECT_EQ((*with_minor)[0], "Bar Foo");  // $5 does not exist: empty, then trimmed
  EXPECT_EQ((*with_minor)[1], "4");        // no v1_replacement: group 2
  EXPECT_EQ((*with_minor)[2], "2");
  const auto without_version = section->Match("Foo");
  ASSERT_TRUE(without_version.has_value());
  EXPECT_EQ((*without_version)[1], "");  // group 2 did not take part
  EXPECT_EQ((*without_version)[2], "");
  EXPECT_FALSE(section->Match("Baz").has_value());
}

TEST(UserAgentRuleSectionTest, CaseInsensitiveFlag) {
  const auto section = CompileRules(R"(
- regex: 'lowercase(\d)'
  regex_flag: 'i'
- regex: 'strict(\d)'
)");
  ASSERT_NE(section, nullptr);
  EXPECT_TRUE(section->Match("LowerCase1").has_value());
  EXPECT_FALSE(section->Match("STRICT1").has_value());
}

TEST(UserAgentRuleSectionTest, RejectedPatternIsSkippedAndLaterRulesKeepTheirOrder) {
  const auto section = CompileRules(R"(
- regex: '(Look)(?=ahead)'
- regex: '(Second)'
  family_replacement: 'second rule'
- regex: '(Look)ahead'
  family_replacement: 'third rule'
)");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->rejected_rules(), 1u);
  EXPECT_EQ(section->compiled_rules(), 2u);
  const auto fields = section->Match("Second Lookahead");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ((*fields)[0], "second rule");
  EXPECT_EQ((*section->Match("Lookahead"))[0], "third rule");
}

// Brand and model are not part of ClientEnrichment, but checking them exercises the $1..$9
// substitution of device_parsers, the richest replacements uap-core has.
TEST(UserAgentRuleSectionTest, DeviceBrandAndModelAgreeWithUapCoreCorpus) {
  if (!std::filesystem::exists(kRegexesPath)) GTEST_SKIP() << "uap-core not installed";
  constexpr std::array<UapFieldSpec, 3> kDeviceFields = {{
      {"device_replacement", 1},
      {"brand_replacement", 0},
      {"model_replacement", 1},
  }};
  auto section = UapRuleSection::Compile(YAML::LoadFile(kRegexesPath)["device_parsers"],
                                         kDeviceFields, 64 << 20);
  ASSERT_TRUE(section.ok()) << section.status().message();
  const auto cases = LoadCorpus("test_device.yaml");
  std::size_t brand_mismatches = 0;
  std::size_t model_mismatches = 0;
  for (const CorpusCase& test_case : cases) {
    const auto fields = (*section)->Match(test_case.userAgent);
    const UapRuleSection::Fields found = fields.value_or(UapRuleSection::Fields{});
    if (found[1] != test_case.brand) ++brand_mismatches;
    if (found[2] != test_case.model) ++model_mismatches;
  }
  std::cout << "test_device.yaml: " << cases.size() << " cases, " << brand_mismatches
            << " brand mismatches, " << model_mismatches << " model mismatches\n";
  EXPECT_GE(Agreement(brand_mismatches, cases.size()), 0.99);
  EXPECT_GE(Agreement(model_mismatches, cases.size()), 0.99);
}

TEST(UserAgentCacheTest, StaysWithinCapacityAndKeepsTheNewestEntry) {
  UserAgentCache cache(32);
  ClientEnrichment client;
  for (int i = 0; i < 1000; ++i) {
    client.browserFamily = "family " + std::to_string(i);
    cache.Insert("agent " + std::to_string(i), client);
  }
  std::size_t still_cached = 0;
  for (int i = 0; i < 1000; ++i) {
    if (cache.Find("agent " + std::to_string(i))) ++still_cached;
  }
  EXPECT_GT(still_cached, 0u);
  EXPECT_LE(still_cached, 32u);
  const auto newest = cache.Find("agent 999");
  ASSERT_TRUE(newest.has_value());
  EXPECT_EQ(newest->browserFamily, "family 999");
}

}  // namespace
}  // namespace idguard
