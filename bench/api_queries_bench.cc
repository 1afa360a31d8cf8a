// The API's list calls over a large store, through ApiService::Handle (token check, OData
// parsing, SQL, JSON): first pages of riskyUsers and signIns with and without filters, and pages
// deep into a keyset walk, which must cost what the first page costs.
//
// The store is built once and kept in $TMPDIR (idguard-api-bench-<users>-<signins>.db): by
// default 1,000,000 risky users and 10,000,000 sign-ins over 30 days, written directly as store
// batches (no detection work). IDGUARD_API_BENCH_USERS and IDGUARD_API_BENCH_SIGNINS make it
// smaller. Each benchmark reports p50, p95 and p99 of its calls as counters (milliseconds).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.h"
#include "idguard/api/api_service.h"
#include "idguard/export/graph_json.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

constexpr EventTime kStart = 1'790'000'000LL * kMicrosPerSecond;
constexpr EventTime kSpan = 30 * kMicrosPerDay;

using bench::Guid;
using bench::SplitMix;

std::int64_t EnvCount(const char* name, std::int64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoll(value) : fallback;
}

struct BenchStore {
  std::string path;
  std::int64_t users = 0;
  std::int64_t signIns = 0;
  std::string token;
  std::unique_ptr<api::ApiService> service;
};

RiskLevel LevelOf(std::uint64_t user) {
  const std::uint64_t bucket = SplitMix(user * 31) % 100;
  return bucket < 5 ? RiskLevel::high : bucket < 20 ? RiskLevel::medium : RiskLevel::low;
}

void Build(BenchStore& bench) {
  std::cerr << "building " << bench.path << " (" << bench.users << " risky users, " << bench.signIns
            << " sign-ins); kept for later runs\n";
  const auto started = std::chrono::steady_clock::now();
  auto store = OpenSqliteStore(bench.path + ".building");
  if (!store.ok()) throw std::runtime_error(store.status().message());
  (void)(*store)->BeginBulkLoad();
  constexpr std::int64_t kBatch = 100'000;
  for (std::int64_t first = 0; first < bench.users; first += kBatch) {
    StoreBatch batch;
    for (std::int64_t i = first; i < std::min(first + kBatch, bench.users); ++i) {
      RiskyUser user;
      user.id = Guid(static_cast<std::uint64_t>(i));
      user.userPrincipalName = "user" + std::to_string(i) + "@contoso.example";
      user.userDisplayName = "User " + std::to_string(i);
      user.riskLevel = LevelOf(static_cast<std::uint64_t>(i));
      user.riskState = SplitMix(i) % 10 == 0 ? RiskState::dismissed : RiskState::atRisk;
      user.riskLastUpdatedDateTime = kStart + static_cast<EventTime>(SplitMix(i + 1) % kSpan);
      std::string json;
      AppendRiskyUserJson(json, user);
      batch.riskyUsers.push_back({std::move(user), std::move(json)});
    }
    if (Status s = (*store)->Write(batch); !s.ok()) throw std::runtime_error(s.message());
  }
  const EventTime step = kSpan / std::max<std::int64_t>(1, bench.signIns);
  for (std::int64_t first = 0; first < bench.signIns; first += kBatch) {
    StoreBatch batch;
    for (std::int64_t i = first; i < std::min(first + kBatch, bench.signIns); ++i) {
      const std::uint64_t user = SplitMix(i * 7) % static_cast<std::uint64_t>(bench.users);
      SignIn s;
      s.id = Guid(static_cast<std::uint64_t>(i) + (1ULL << 50));
      s.createdDateTime = kStart + i * step;
      s.userId = Guid(user);
      s.userPrincipalName = "user" + std::to_string(user) + "@contoso.example";
      s.userDisplayName = "User " + std::to_string(user);
      s.appId = Guid(SplitMix(i + 3) % 200 + (1ULL << 45));
      s.appDisplayName = "App " + std::to_string(SplitMix(i + 3) % 200);
      s.ipAddress = "198.51." + std::to_string(SplitMix(i + 5) % 256) + "." +
                    std::to_string(SplitMix(i + 9) % 256);
      s.location.countryOrRegion = SplitMix(i + 11) % 10 == 0 ? "DE" : "NL";
      s.location.city = "Amsterdam";
      s.userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0";
      if (SplitMix(i + 13) % 100 == 0) {
        s.riskLevelAggregated = s.riskLevelDuringSignIn = LevelOf(user);
        s.riskState = RiskState::atRisk;
        s.riskEventTypes_v2 = {"unfamiliarFeatures"};
      }
      batch.signIns.push_back(StoredSignIn::From(std::move(s)));
    }
    // Nothing was learned from these sign-ins: mark them covered, so opening the store does
    // not learn them again.
    batch.profileCheckpoint = true;
    if (Status s = (*store)->Write(batch); !s.ok()) throw std::runtime_error(s.message());
  }
  (void)(*store)->EndBulkLoad();
  store->reset();
  std::filesystem::rename(bench.path + ".building", bench.path);
  std::cerr << "built in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s\n";
}

BenchStore& Store() {
  static BenchStore bench = [] {
    BenchStore b;
    b.users = EnvCount("IDGUARD_API_BENCH_USERS", 1'000'000);
    b.signIns = EnvCount("IDGUARD_API_BENCH_SIGNINS", 10'000'000);
    b.path =
        (std::filesystem::temp_directory_path() /
         ("idguard-api-bench-" + std::to_string(b.users) + "-" + std::to_string(b.signIns) + ".db"))
            .string();
    if (!std::filesystem::exists(b.path)) Build(b);
    auto token = api::GenerateApiToken();
    auto store = OpenSqliteStore(b.path);
    StoreBatch batch;
    StoredApiToken stored;
    stored.token = {
        "bench-" + token->sha256.substr(0, 8), "bench", "security-reader", 0, false, ""};
    stored.tokenSha256 = token->sha256;
    batch.apiTokens.push_back(stored);
    (void)(*store)->Write(batch);
    store->reset();
    b.token = token->token;
    LiveEngineOptions options;
    options.dbPath = b.path;
    std::ostringstream log;
    auto engine = LiveEngine::Open(options, log);
    if (!engine.ok()) throw std::runtime_error(engine.status().message());
    api::ApiOptions api_options;
    api_options.dbPath = b.path;
    auto service = api::ApiService::Create(api_options, std::move(engine).value());
    if (!service.ok()) throw std::runtime_error(service.status().message());
    b.service = std::move(service).value();
    return b;
  }();
  return bench;
}

api::HttpResponse Call(const std::string& target) {
  BenchStore& bench = Store();
  api::HttpRequest request;
  request.method = "GET";
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  request.requestId = "bench";
  request.remoteAddress = "127.0.0.1";
  request.headers.emplace_back("host", "bench");
  request.headers.emplace_back("authorization", "Bearer " + bench.token);
  return bench.service->Handle(request);
}

using bench::ReportPercentiles;

void RunQuery(benchmark::State& state, const std::string& target) {
  Store();
  std::vector<double> millis;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    api::HttpResponse response = Call(target);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (response.status != 200) {
      state.SkipWithError(
          ("status " + std::to_string(response.status) + ": " + response.body).c_str());
      return;
    }
    bytes = response.body.size();
  }
  state.counters["response_bytes"] = static_cast<double>(bytes);
  ReportPercentiles(state, millis);
}

void BM_RiskyUsersFirstPage(benchmark::State& state) {
  RunQuery(state, "/v1.0/identityProtection/riskyUsers");
}
void BM_RiskyUsersHighAtRiskNewestFirst(benchmark::State& state) {
  RunQuery(state,
           "/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20'high'%20and%20"
           "riskState%20eq%20'atRisk'&$orderby=riskLastUpdatedDateTime%20desc&$top=50");
}
void BM_RiskyUsersByNamePrefix(benchmark::State& state) {
  RunQuery(state,
           "/v1.0/identityProtection/riskyUsers?$filter=startsWith(userPrincipalName,'user12345')");
}
void BM_SignInsFirstPage(benchmark::State& state) {
  RunQuery(state, "/v1.0/auditLogs/signIns?$top=50");
}
void BM_SignInsRiskyHigh(benchmark::State& state) {
  RunQuery(state, "/v1.0/auditLogs/signIns?$filter=riskLevelAggregated%20eq%20'high'&$top=50");
}
void BM_SignInsOfOneUser(benchmark::State& state) {
  RunQuery(state, "/v1.0/auditLogs/signIns?$filter=userId%20eq%20'" + Guid(4242) + "'&$top=50");
}
void BM_SignInsLastDayFromGermany(benchmark::State& state) {
  RunQuery(state, "/v1.0/auditLogs/signIns?$filter=createdDateTime%20ge%20" +
                      FormatTimestamp(kStart + kSpan - kMicrosPerDay) +
                      "%20and%20location/countryOrRegion%20eq%20'DE'&$top=50");
}

// A page of 1000 sign-ins reached by following nextLink `depth` times: keyset paging makes it
// cost the same at every depth.
void BM_SignInsPageAtDepth(benchmark::State& state) {
  const int depth = static_cast<int>(state.range(0));
  std::string target = "/v1.0/auditLogs/signIns?$top=1000";
  for (int page = 0; page < depth; ++page) {
    api::HttpResponse response = Call(target);
    const auto at = response.body.find("\"@odata.nextLink\":\"http://bench");
    if (at == std::string::npos) {
      state.SkipWithError("the store has fewer pages");
      return;
    }
    const auto start = at + std::string("\"@odata.nextLink\":\"http://bench").size();
    target = response.body.substr(start, response.body.find('"', start) - start);
  }
  RunQuery(state, target);
  state.counters["rows_before"] = depth * 1000.0;
}

BENCHMARK(BM_RiskyUsersFirstPage)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_RiskyUsersHighAtRiskNewestFirst)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_RiskyUsersByNamePrefix)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_SignInsFirstPage)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_SignInsRiskyHigh)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_SignInsOfOneUser)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_SignInsLastDayFromGermany)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_SignInsPageAtDepth)
    ->Arg(0)
    ->Arg(10)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);

}  // namespace
}  // namespace idguard
