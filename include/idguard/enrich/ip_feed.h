// IpFeed: the addresses and CIDR ranges of a threat-intelligence list, in the FireHOL netset
// format (one IPv4/IPv6 address or CIDR range per line, `#` comments, blank lines), as published
// for Tor exit nodes, anonymising VPNs and attacker infrastructure.
//
// Lookups binary-search disjoint ranges (about 100 ns for 100k entries). CIDR blocks are either
// nested or disjoint, so a block inside a larger listed block is dropped when the feed is built
// and a match always names the outermost listed block. Immutable after Parse; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/enrich/ip_address.h"

namespace idguard {

class IpFeed {
 public:
  // Parses netset text; an error names `source_name`, the line and the offending text.
  static Result<IpFeed> Parse(std::string_view text, const std::string& source_name);
  static Result<IpFeed> LoadFile(const std::string& path);
  // One feed out of several (a kind given by more than one file).
  static IpFeed Merge(const std::vector<IpFeed>& feeds);

  // The listed entry that holds `address`, as written in the feed, or nullopt.
  std::optional<std::string_view> Match(const IpAddress& address) const;
  // Entries read, before nested blocks were dropped.
  std::size_t entriesRead() const { return entriesRead_; }
  std::size_t ranges() const { return ranges_.size(); }

 private:
  struct Key {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    friend bool operator<(const Key& a, const Key& b) {
      return a.high != b.high ? a.high < b.high : a.low < b.low;
    }
    friend bool operator==(const Key& a, const Key& b) {
      return a.high == b.high && a.low == b.low;
    }
  };
  struct Range {
    Key first;
    Key last;
    std::string entry;
  };
  static Key KeyOf(const IpAddress& address);
  // Sorts and drops blocks nested in another listed block.
  void Normalize();

  std::vector<Range> ranges_;  // sorted by first, disjoint
  std::size_t entriesRead_ = 0;
};

}  // namespace idguard
