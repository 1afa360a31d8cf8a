// Deterministic random numbers for the tenant simulator.
//
// The simulator promises byte-identical output for a seed, on every run and with every standard
// library. The std:: distributions are implementation-defined (libstdc++ and libc++ draw
// differently), so the generator (xoshiro256**, seeded through splitmix64) and every distribution
// here are written out using only +, -, *, / and sqrt, which IEEE 754 rounds identically
// everywhere. Streams are keyed by what they describe (seed, user, day), so the draws for one user
// and day do not depend on how many numbers anything else consumed. A Random is a plain value;
// not synchronised.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>

namespace idguard::simulate {

// splitmix64's output function: a bijection on 64-bit values that scrambles every bit.
inline std::uint64_t Mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// One 64-bit key for a stream named by several values (seed, purpose, user, day, ...).
inline std::uint64_t StreamKey(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t key = 0x6a09e667f3bcc909ULL;
  for (std::uint64_t part : parts) {
    key = Mix64(key ^ (part + 0x9e3779b97f4a7c15ULL));
  }
  return key;
}

class Random {
 public:
  explicit Random(std::uint64_t key) {
    for (auto& word : state_) {
      key += 0x9e3779b97f4a7c15ULL;
      word = Mix64(key);
    }
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }

  // Uniform integer in [0, n); rejection keeps it unbiased. n must be positive.
  std::uint64_t Below(std::uint64_t n) {
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x = Next();
    while (x >= limit) {
      x = Next();
    }
    return x % n;
  }
  // Uniform integer in [low, high], both inclusive.
  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(high - low) + 1));
  }

  bool Chance(double probability) { return Uniform() < probability; }

  // Approximately normal (Irwin-Hall sum of twelve uniforms): bounded at six standard deviations,
  // which suits times of day and durations better than true tails would.
  double Normal(double mean, double deviation) {
    double sum = -6.0;
    for (int i = 0; i < 12; ++i) {
      sum += Uniform();
    }
    return mean + deviation * sum;
  }

  // Poisson-distributed count (Knuth's product method; a rounded normal above mean 30).
  std::uint32_t Poisson(double mean);

  // Index drawn with probability proportional to its weight; weights must not all be zero.
  std::size_t Weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double pick = Uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (pick < weights[i]) {
        return i;
      }
      pick -= weights[i];
    }
    return weights.size() - 1;
  }

  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

// e^x and cos x from arithmetic alone, so results do not depend on the platform's libm.
double PortableExp(double x);
double PortableCos(double x);  // accurate for |x| <= pi

// A GUID-shaped identifier ("8-4-4-4-12" lower-case hex, version 4, RFC 4122 variant). The last
// 48 bits are a bijection of `counter` under `domain`, so ids of one domain never collide for
// counters below 2^48; the rest is pseudo-random.
std::string GuidFor(std::uint64_t domain, std::uint64_t counter);
void AppendGuid(std::string& out, std::uint64_t domain, std::uint64_t counter);

}  // namespace idguard::simulate
