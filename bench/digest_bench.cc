// Short hex digests as idguard computes them for ids (a sign-in or detection key of a few dozen
// bytes), several per sign-in and one per API request (the token).
#include <benchmark/benchmark.h>

#include <string>

#include "idguard/core/digest.h"

namespace idguard {
namespace {

void BM_Sha256HexShort(benchmark::State& state) {
  std::string key = "evaluate|000000000000-00000000|user-0000|request";
  std::size_t i = 0;
  for (auto _ : state) {
    key[0] = static_cast<char>('a' + (i++ & 15));
    benchmark::DoNotOptimize(Sha256Hex(key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sha256HexShort);

}  // namespace
}  // namespace idguard
