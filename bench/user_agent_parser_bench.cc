// Cost of UserAgentParser::Parse per user agent: uncached (every call runs the three RE2::Set
// passes and the winning rules) and cached (a hit in the sharded LRU). The user agents are
// uap-core's own test corpus, parsed once before timing so the DFAs are warm in both cases; a
// first-sight parse, while the DFAs still build states for it, costs several times the uncached
// one.
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "idguard/enrich/user_agent_parser.h"

namespace idguard {
namespace {

const std::string kRegexesPath = "/usr/share/uap-core/regexes.yaml";
const std::string kCorpusPath = "/usr/share/uap-core/tests/test_ua.yaml";

std::vector<std::string> CorpusUserAgents() {
  std::vector<std::string> user_agents;
  for (const YAML::Node& entry : YAML::LoadFile(kCorpusPath)["test_cases"]) {
    user_agents.push_back(entry["user_agent_string"].as<std::string>());
  }
  return user_agents;
}

void RunParse(benchmark::State& state, std::size_t cache_capacity) {
  if (!std::filesystem::exists(kRegexesPath) || !std::filesystem::exists(kCorpusPath)) {
    state.SkipWithError("uap-core not installed");
    return;
  }
  auto parser = UserAgentParser::Load(kRegexesPath, cache_capacity);
  if (!parser.ok()) {
    state.SkipWithError(parser.status().message().c_str());
    return;
  }
  const std::vector<std::string> user_agents = CorpusUserAgents();
  for (const std::string& user_agent : user_agents) (*parser)->Parse(user_agent);

  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*parser)->Parse(user_agents[next]));
    next = next + 1 == user_agents.size() ? 0 : next + 1;
  }
  state.counters["distinct_user_agents"] = static_cast<double>(user_agents.size());
}

void BM_UserAgentParseUncached(benchmark::State& state) { RunParse(state, 0); }
void BM_UserAgentParseCached(benchmark::State& state) { RunParse(state, 20000); }

// A 100 KB agent built to make regex engines backtrack, uncached: what one hostile request costs.
void BM_UserAgentParseHostile(benchmark::State& state) {
  if (!std::filesystem::exists(kRegexesPath)) {
    state.SkipWithError("uap-core not installed");
    return;
  }
  auto parser = UserAgentParser::Load(kRegexesPath, 0);
  if (!parser.ok()) {
    state.SkipWithError(parser.status().message().c_str());
    return;
  }
  std::string hostile = "Mozilla/5.0 (Linux; Android 4.4; ";
  while (hostile.size() < 100 * 1024) hostile += "SmartWatch Build HuaweiA4444 Mobile (;;";
  (*parser)->Parse(hostile);
  for (auto _ : state) benchmark::DoNotOptimize((*parser)->Parse(hostile));
}

BENCHMARK(BM_UserAgentParseUncached)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_UserAgentParseCached)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_UserAgentParseHostile)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace idguard
