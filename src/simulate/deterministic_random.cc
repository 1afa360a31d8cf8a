#include "simulate/deterministic_random.h"

#include <cmath>

namespace idguard::simulate {
namespace {

constexpr std::uint64_t kMask48 = (std::uint64_t{1} << 48) - 1;

// A bijection on 48-bit values: xor-shifts and odd multipliers are each invertible mod 2^48.
std::uint64_t Permute48(std::uint64_t x) {
  x &= kMask48;
  x ^= x >> 24;
  x = (x * 0x9e3779b97f4bULL) & kMask48;
  x ^= x >> 23;
  x = (x * 0xc2b2ae3d27d5ULL) & kMask48;
  x ^= x >> 24;
  return x;
}

void AppendHex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kDigits[(value >> shift) & 0xf]);
  }
}

}  // namespace

std::uint32_t Random::Poisson(double mean) {
  if (mean <= 0) {
    return 0;
  }
  if (mean > 30) {
    const double draw = Normal(mean, std::sqrt(mean));
    return draw <= 0 ? 0 : static_cast<std::uint32_t>(std::floor(draw + 0.5));
  }
  const double limit = PortableExp(-mean);
  std::uint32_t count = 0;
  double product = Uniform();
  while (product > limit) {
    ++count;
    product *= Uniform();
  }
  return count;
}

double PortableExp(double x) {
  constexpr double kLn2 = 0.6931471805599453;
  // e^x = 2^n * e^r with |r| <= ln2/2, where the Taylor series converges quickly.
  const double n = std::floor(x / kLn2 + 0.5);
  const double r = x - n * kLn2;
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k < 20; ++k) {
    term *= r / k;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(n));
}

double PortableCos(double x) {
  const double x2 = x * x;
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k < 16; ++k) {
    term *= -x2 / ((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

void AppendGuid(std::string& out, std::uint64_t domain, std::uint64_t counter) {
  const std::uint64_t a = Mix64(domain ^ Mix64(counter + 0x632be59bd9b4e019ULL));
  const std::uint64_t b = Mix64(a);
  AppendHex(out, a >> 32, 8);
  out.push_back('-');
  AppendHex(out, (a >> 16) & 0xffff, 4);
  out.push_back('-');
  AppendHex(out, 0x4000 | (a & 0x0fff), 4);
  out.push_back('-');
  AppendHex(out, 0x8000 | (b & 0x3fff), 4);
  out.push_back('-');
  AppendHex(out, Permute48(counter ^ Mix64(domain)), 12);
}

std::string GuidFor(std::uint64_t domain, std::uint64_t counter) {
  std::string guid;
  guid.reserve(36);
  AppendGuid(guid, domain, counter);
  return guid;
}

}  // namespace idguard::simulate
