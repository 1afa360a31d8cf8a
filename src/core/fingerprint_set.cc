#include "idguard/core/fingerprint_set.h"

#include <xxhash.h>

#include <bit>

namespace idguard {
namespace {

// Slots per string the table keeps at most: 4/3 (a load factor of 3/4).
std::size_t CapacityFor(std::size_t count) {
  const std::size_t needed = count + count / 3 + 1;
  return std::bit_ceil(needed < 16 ? std::size_t{16} : needed);
}

}  // namespace

FingerprintSet::Fingerprint FingerprintSet::Of(std::string_view text) {
  const XXH128_hash_t hash = XXH3_128bits(text.data(), text.size());
  Fingerprint fingerprint{hash.low64, hash.high64};
  if (fingerprint.empty()) fingerprint.low = 1;  // keep the empty marker free
  return fingerprint;
}

std::size_t FingerprintSet::Find(const Fingerprint& fingerprint) const {
  // Linear probing from the low bits; the fingerprint is already a well-mixed hash.
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = static_cast<std::size_t>(fingerprint.low) & mask;
  while (!slots_[slot].empty() && !(slots_[slot] == fingerprint)) slot = (slot + 1) & mask;
  return slot;
}

void FingerprintSet::Rehash(std::size_t capacity) {
  std::vector<Fingerprint> old = std::move(slots_);
  slots_.assign(capacity, Fingerprint{});
  for (const Fingerprint& fingerprint : old) {
    if (!fingerprint.empty()) slots_[Find(fingerprint)] = fingerprint;
  }
}

void FingerprintSet::Reserve(std::size_t count) {
  const std::size_t capacity = CapacityFor(count);
  if (capacity > slots_.size()) Rehash(capacity);
}

bool FingerprintSet::Insert(std::string_view text) {
  if (CapacityFor(size_ + 1) > slots_.size()) Rehash(CapacityFor((size_ + 1) * 2));
  const Fingerprint fingerprint = Of(text);
  const std::size_t slot = Find(fingerprint);
  if (!slots_[slot].empty()) return false;
  slots_[slot] = fingerprint;
  ++size_;
  return true;
}

bool FingerprintSet::Contains(std::string_view text) const {
  if (slots_.empty()) return false;
  return !slots_[Find(Of(text))].empty();
}

}  // namespace idguard
