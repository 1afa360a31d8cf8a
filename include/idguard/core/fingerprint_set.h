// FingerprintSet: a set of strings kept as 128-bit fingerprints (XXH3-128) in one flat table.
//
// The replay remembers every sign-in id it has seen, a million and more per run, to skip
// duplicates. A node-based set of strings spends about 90 bytes and two allocations per id; this
// table spends 16 to 32 bytes and none. Two different strings with the same 128-bit fingerprint
// would be taken for one; for a billion ids the chance is about 10^-21. Not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace idguard {

class FingerprintSet {
 public:
  // Makes room for `count` strings in total without growing again.
  void Reserve(std::size_t count);
  // Adds `text`; false when it was already there.
  bool Insert(std::string_view text);
  bool Contains(std::string_view text) const;
  std::size_t size() const { return size_; }

 private:
  struct Fingerprint {
    std::uint64_t low = 0;
    std::uint64_t high = 0;  // low == high == 0 marks an empty slot
    bool empty() const { return low == 0 && high == 0; }
    bool operator==(const Fingerprint&) const = default;
  };
  static Fingerprint Of(std::string_view text);
  // The slot holding `fingerprint`, or the empty slot where it belongs.
  std::size_t Find(const Fingerprint& fingerprint) const;
  void Rehash(std::size_t capacity);

  std::vector<Fingerprint> slots_;  // capacity is a power of two, at most 3/4 full
  std::size_t size_ = 0;
};

}  // namespace idguard
