// Deterministic synthetic data for the benchmarks: scattered 64-bit values and GUID-shaped ids.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace idguard::bench {

// SplitMix64: a well-mixed value for each input, the same on every run.
inline std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A GUID-shaped id derived from `n`: unique per n and scattered like real object ids.
inline std::string Guid(std::uint64_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t hi = SplitMix(n);
  const std::uint64_t lo = SplitMix(n ^ 0x5555555555555555ULL);
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    const std::uint64_t word = i < 16 ? hi : lo;
    out += kHex[(word >> ((i % 16) * 4)) & 0xf];
  }
  return out;
}

// Sorts the measured call times (in `unit`) and reports p50, p95 and p99 as counters named
// p50_<unit>, ... on the benchmark.
inline void ReportPercentiles(benchmark::State& state, std::vector<double>& times,
                              const std::string& unit = "ms") {
  if (times.empty()) return;
  std::sort(times.begin(), times.end());
  auto at = [&](double q) {
    return times[std::min(times.size() - 1, static_cast<std::size_t>(q * times.size()))];
  };
  state.counters["p50_" + unit] = at(0.50);
  state.counters["p95_" + unit] = at(0.95);
  state.counters["p99_" + unit] = at(0.99);
}

}  // namespace idguard::bench
