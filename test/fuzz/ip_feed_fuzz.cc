// libFuzzer target for IpFeed::Parse: feed files come from third parties, so any bytes must give
// either a clear error or a feed in which every listed entry matches its own first address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "idguard/enrich/ip_feed.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto feed = idguard::IpFeed::Parse(text, "fuzz");
  if (!feed.ok()) {
    if (feed.status().message().find("fuzz:") != 0) std::abort();  // errors name source and line
    return 0;
  }
  if (feed->ranges() > feed->entriesRead()) std::abort();
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string line(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const auto range = idguard::CidrRange::Parse(line);
    if (range && !feed->Match(range->prefix)) std::abort();  // a listed address must match
  }
  return 0;
}
