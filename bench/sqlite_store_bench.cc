// Sign-ins written per second by the SQLite store, in batches of 10k and 100k rows, with every
// index maintained, in WAL mode and in bulk-load mode (rollback journal, then back to WAL).
//
// Each configuration writes into a fresh file in $TMPDIR. Rows look like production: random GUID
// ids, 100k distinct users, a few hundred addresses and apps, a ~650-byte stored document, and
// event times 2.6 s apart (the ~33,000 sign-ins a day of a 10,000-user tenant), so the 400k rows
// span 12 days. items_per_second counts rows written; `rows_per_s_with_rebuild` also charges
// EndBulkLoad to the rows.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

constexpr std::int64_t kTotalRows = 400'000;
constexpr std::int64_t kMicrosBetweenRows = 2'600'000;

using bench::Guid;
using bench::SplitMix;

// A batch of `size` sign-ins; ids are rewritten for each write so every row is new.
StoreBatch MakeBatch(int size) {
  StoreBatch batch;
  batch.signIns.reserve(size);
  for (int i = 0; i < size; ++i) {
    SignIn s;
    const std::uint64_t user = SplitMix(i) % 100'000;
    s.userId = Guid(user + (1ULL << 40));
    s.userDisplayName = "User " + std::to_string(user);
    s.userPrincipalName = "user" + std::to_string(user) + "@contoso.example";
    s.appId = Guid(SplitMix(i + 7) % 300 + (1ULL << 41));
    s.appDisplayName = "Application " + std::to_string(i % 300);
    s.ipAddress = "203.0." + std::to_string(i % 256) + "." + std::to_string(SplitMix(i) % 200);
    s.location.countryOrRegion = i % 5 == 0 ? "DE" : "NL";
    s.location.city = "Amsterdam";
    s.location.state = "Noord-Holland";
    s.location.geoCoordinates = {52.37403, 4.88969, std::nullopt};
    s.correlationId = Guid(i + (1ULL << 42));
    s.sessionId = Guid(i + (1ULL << 43));
    s.resourceId = Guid(SplitMix(i + 11) % 50 + (1ULL << 44));
    s.resourceDisplayName = "Resource " + std::to_string(i % 50);
    s.resourceTenantId = s.homeTenantId = Guid(1ULL << 45);
    s.userAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36";
    s.clientAppUsed = "Browser";
    s.deviceDetail.operatingSystem = "Windows10";
    s.deviceDetail.browser = "Chrome 120.0.0";
    s.network.autonomousSystemNumber = 1136;
    s.network.autonomousSystemOrganization = "KPN B.V.";
    s.client = {"Chrome", "120.0", "Windows", "10", "Other"};
    s.id = Guid(i);  // placeholder of the final length; Renumber overwrites it in place
    batch.signIns.push_back(StoredSignIn::From(std::move(s)));
  }
  return batch;
}

// Gives the batch's rows the next `size` ids and times; kept out of the timed region.
void Renumber(StoreBatch& batch, std::uint64_t& next) {
  for (StoredSignIn& row : batch.signIns) {
    row.signIn.id = Guid(next);
    row.signIn.createdDateTime = 1'700'000'000LL * kMicrosPerSecond + next * kMicrosBetweenRows;
    // The id follows the format byte and its one-byte length; the document keeps its size.
    row.document.replace(2, 36, row.signIn.id);
    ++next;
  }
}

void BM_WriteSignIns(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  const bool bulk = state.range(1) != 0;
  const auto dir =
      std::filesystem::temp_directory_path() / ("idguard-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = OpenSqliteStore((dir / "store.db").string());
  if (!opened.ok()) {
    state.SkipWithError(opened.status().message().c_str());
    return;
  }
  auto store = std::move(opened).value();
  if (bulk && !store->BeginBulkLoad().ok()) {
    state.SkipWithError("BeginBulkLoad failed");
    return;
  }

  StoreBatch batch = MakeBatch(batch_size);
  std::uint64_t next = 0;
  std::int64_t document_bytes = 0;
  for (const StoredSignIn& row : batch.signIns)
    document_bytes += static_cast<std::int64_t>(row.document.size());
  double written_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Renumber(batch, next);
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    const Status status = store->Write(batch);
    written_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!status.ok()) {
      state.SkipWithError(status.message().c_str());
      break;
    }
  }
  const auto rebuild_start = std::chrono::steady_clock::now();
  if (bulk && !store->EndBulkLoad().ok()) state.SkipWithError("EndBulkLoad failed");
  const double rebuild_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - rebuild_start).count();

  const auto rows = static_cast<double>(state.iterations() * batch_size);
  state.SetItemsProcessed(state.iterations() * batch_size);
  state.counters["document_bytes_per_row"] = static_cast<double>(document_bytes) / batch_size;
  state.counters["rebuild_s"] = rebuild_seconds;
  state.counters["rows_per_s_with_rebuild"] = rows / (written_seconds + rebuild_seconds);
  state.counters["file_MB"] =
      static_cast<double>(std::filesystem::file_size(dir / "store.db")) / (1 << 20);
  store.reset();
  std::filesystem::remove_all(dir);
}

// Every configuration writes kTotalRows rows, so the tables and indices end the same size and the
// figures compare.
void Configure(benchmark::internal::Benchmark* b, int batch, int bulk) {
  b->ArgNames({"batch", "bulk"})
      ->Args({batch, bulk})
      ->Iterations(kTotalRows / batch)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}
BENCHMARK(BM_WriteSignIns)->Apply([](auto* b) { Configure(b, 10'000, 0); });
BENCHMARK(BM_WriteSignIns)->Apply([](auto* b) { Configure(b, 10'000, 1); });
BENCHMARK(BM_WriteSignIns)->Apply([](auto* b) { Configure(b, 100'000, 0); });
BENCHMARK(BM_WriteSignIns)->Apply([](auto* b) { Configure(b, 100'000, 1); });

}  // namespace
}  // namespace idguard
