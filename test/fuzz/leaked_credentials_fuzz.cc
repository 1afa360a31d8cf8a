// libFuzzer target for LeakedCredentialFeed::Parse: leak feeds come from third parties, so any
// bytes must give either an error naming the source and line or entries that each carry an
// account and a well-formed hash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "idguard/enrich/leaked_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto feed = idguard::LeakedCredentialFeed::Parse(text, "fuzz");
  if (!feed.ok()) {
    if (feed.status().message().find("fuzz:") != 0) std::abort();
    return 0;
  }
  for (const auto& leak : feed->entries()) {
    if (leak.userPrincipalName.empty()) std::abort();
    if (leak.passwordHashSha1.empty() && leak.passwordHashNtlm.empty()) std::abort();
    if (!leak.passwordHashSha1.empty() && leak.passwordHashSha1.size() != 40) std::abort();
    if (!leak.passwordHashNtlm.empty() && leak.passwordHashNtlm.size() != 32) std::abort();
  }
  return 0;
}
