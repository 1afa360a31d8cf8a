// Throughput of the Log Analytics CSV path on a synthetic 1,000-row export shaped like a portal
// SigninLogs download: quoted JSON in the dynamic columns, a US-format timestamp, 30 columns.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "idguard/ingest/loganalytics_parser.h"

namespace idguard {
namespace {

constexpr int kRows = 1000;

std::string SyntheticExport() {
  std::string document =
      "\xEF\xBB\xBFTenantId,Category,ResultType,ResultDescription,CorrelationId,AppDisplayName,"
      "AppId,AuthenticationRequirement,ClientAppUsed,ConditionalAccessPolicies_dynamic,"
      "ConditionalAccessPolicies_string,ConditionalAccessStatus,CreatedDateTime [UTC],"
      "DeviceDetail_dynamic,IsInteractive,Id,IPAddress,LocationDetails_dynamic,MfaDetail_dynamic,"
      "ResourceDisplayName,ResourceIdentity,Status_dynamic,TokenIssuerType,UserAgent,"
      "UserDisplayName,UserId,UserPrincipalName,ResourceTenantId,HomeTenantId,Type\r\n";
  for (int i = 0; i < kRows; ++i) {
    const std::string n = std::to_string(i);
    const int second = i % 60;
    document +=
        "2ad3fc79-1859-42fa-9011-6f8df2251b22,SignInLogs," +
        std::string(i % 10 == 0 ? "50126" : "0") +
        ",,f9ff9ee8-d565-478b-bc95-8b4f0d468fe1,Azure Portal,"
        "c44b4083-3bb0-49c1-b47d-974e53cbdf3c,singleFactorAuthentication,Browser,"
        "\"[{\"\"enforcedSessionControls\"\":[],\"\"enforcedGrantControls\"\":[\"\"Mfa\"\"],"
        "\"\"displayName\"\":\"\"Require MFA\"\",\"\"result\"\":\"\"success\"\","
        "\"\"id\"\":\"\"defb835a-eb9f-4346-a2ca-7a9184867bf1\"\"}]\",,success,"
        "\"4/28/2021, 2:08:" +
        (second < 10 ? "0" : "") + std::to_string(second) +
        ".221 PM\","
        "\"{\"\"operatingSystem\"\":\"\"Windows 10\"\",\"\"deviceId\"\":\"\"\"\","
        "\"\"browser\"\":\"\"Edge 90.0.818\"\"}\",TRUE,"
        "cfb68155-70f5-4e28-b046-" +
        std::string(12 - n.size(), '0') + n + ",175.45.176." + std::to_string(i % 250) +
        ",\"{\"\"countryOrRegion\"\":\"\"IL\"\",\"\"geoCoordinates\"\":{\"\"longitude\"\":"
        "34.79964828491211,\"\"latitude\"\":32.02956008911133},\"\"state\"\":\"\"Tel "
        "Aviv\"\",\"\"city\"\":\"\"Azor\"\"}\",{},Windows Azure Service Management API,"
        "797f4846-ba00-4fd7-ba43-dac1f8f63013,\"{\"\"errorCode\"\":0}\",AzureAD,"
        "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/90.0.4430.85 Safari/537.36 Edg/90.0.818.49\",Adele Vance,"
        "9b117c67-170e-4aed-9702-658b3fddc889,adelev@example.onmicrosoft.com,"
        "2ad3fc79-1859-42fa-9011-6f8df2251b22,2ad3fc79-1859-42fa-9011-6f8df2251b22,"
        "SigninLogs\r\n";
  }
  return document;
}

// Splitting only: the cost of finding rows in a document.
void BM_LogAnalyticsCsvSplit(benchmark::State& state) {
  const std::string document = SyntheticExport();
  std::vector<RecordSpan> rows;
  for (auto _ : state) {
    if (!SplitCsvRecords(document, rows).ok()) {
      state.SkipWithError("split failed");
    }
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(document.size()));
}
BENCHMARK(BM_LogAnalyticsCsvSplit);

// Split plus parse of every row into a SignIn: the rate ingest sees.
void BM_LogAnalyticsCsvParse(benchmark::State& state) {
  const std::string document = SyntheticExport();
  std::vector<RecordSpan> rows;
  auto parser = MakeLogAnalyticsCsvParser();
  for (auto _ : state) {
    if (!SplitCsvRecords(document, rows).ok() ||
        !parser->SetHeader(std::string_view(document).substr(rows[0].offset, rows[0].length))
             .ok()) {
      state.SkipWithError("header failed");
      break;
    }
    for (std::size_t i = 1; i < rows.size(); ++i) {
      auto parsed =
          parser->Parse(std::string_view(document).substr(rows[i].offset, rows[i].length));
      if (!parsed.ok()) {
        state.SkipWithError(parsed.status().message().c_str());
        return;
      }
      benchmark::DoNotOptimize(parsed.value().createdDateTime);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(document.size()));
}
BENCHMARK(BM_LogAnalyticsCsvParse);

}  // namespace
}  // namespace idguard
