#include "idguard/enrich/ip_feed.h"

#include <algorithm>

#include "idguard/enrich/directory.h"  // ReadWholeFile

namespace idguard {
namespace {

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

IpFeed::Key IpFeed::KeyOf(const IpAddress& address) {
  Key key;
  for (int i = 0; i < 8; ++i) key.high = (key.high << 8) | address.bytes()[i];
  for (int i = 8; i < 16; ++i) key.low = (key.low << 8) | address.bytes()[i];
  return key;
}

Result<IpFeed> IpFeed::Parse(std::string_view text, const std::string& source_name) {
  IpFeed feed;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto range = CidrRange::Parse(line);
    if (!range) {
      return Status::InvalidInput(source_name + ":" + std::to_string(line_number) + ": '" +
                                  std::string(line.substr(0, 64)) +
                                  "' is not an IP address or CIDR range");
    }
    // The range on the 128-bit form: IPv4 lives in ::ffff:0:0/96.
    const int bits = range->prefix.IsV4() ? 96 + range->length : range->length;
    Key first = KeyOf(range->prefix);
    Key last = first;
    if (bits < 64) {
      const std::uint64_t host_high = bits == 0 ? ~std::uint64_t{0} : (~std::uint64_t{0} >> bits);
      first.high &= ~host_high;
      first.low = 0;
      last.high = first.high | host_high;
      last.low = ~std::uint64_t{0};
    } else if (bits < 128) {
      const std::uint64_t host_low = ~std::uint64_t{0} >> (bits - 64);
      first.low &= ~host_low;
      last.low = first.low | host_low;
    }
    feed.ranges_.push_back({first, last, std::string(line)});
    ++feed.entriesRead_;
  }
  feed.Normalize();
  return feed;
}

Result<IpFeed> IpFeed::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return Parse(text.value(), path);
}

IpFeed IpFeed::Merge(const std::vector<IpFeed>& feeds) {
  IpFeed merged;
  for (const IpFeed& feed : feeds) {
    merged.ranges_.insert(merged.ranges_.end(), feed.ranges_.begin(), feed.ranges_.end());
    merged.entriesRead_ += feed.entriesRead_;
  }
  merged.Normalize();
  return merged;
}

void IpFeed::Normalize() {
  // Larger blocks first among those that start at the same address, so the outer one is kept.
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) {
    return !(a.first == b.first) ? a.first < b.first : b.last < a.last;
  });
  std::vector<Range> kept;
  kept.reserve(ranges_.size());
  for (Range& range : ranges_) {
    if (!kept.empty() && !(kept.back().last < range.first)) continue;  // nested in the last kept
    kept.push_back(std::move(range));
  }
  ranges_ = std::move(kept);
}

std::optional<std::string_view> IpFeed::Match(const IpAddress& address) const {
  const Key key = KeyOf(address);
  // The last range starting at or before the address is the only one that can hold it.
  auto after = std::upper_bound(ranges_.begin(), ranges_.end(), key,
                                [](const Key& k, const Range& range) { return k < range.first; });
  if (after == ranges_.begin()) return std::nullopt;
  const Range& candidate = *(after - 1);
  if (candidate.last < key) return std::nullopt;
  return std::string_view(candidate.entry);
}

}  // namespace idguard
