// libFuzzer target for UserAgentParser::Parse: user agents are attacker-controlled, so any byte
// string must parse without crashing, give non-empty families, and parse the same way twice.
// Needs uap-core's regexes.yaml (Debian package uap-core); without it the target does nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "idguard/enrich/user_agent_parser.h"

namespace {

const idguard::UserAgentParser* SharedParser() {
  // A small cache so that repeated inputs also exercise hits and evictions.
  static const auto parser = [] {
    auto loaded = idguard::UserAgentParser::Load("/usr/share/uap-core/regexes.yaml", 64);
    return loaded.ok() ? std::move(loaded).value() : nullptr;
  }();
  return parser.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const idguard::UserAgentParser* parser = SharedParser();
  if (parser == nullptr) return 0;
  const std::string_view user_agent(reinterpret_cast<const char*>(data), size);
  const idguard::ClientEnrichment client = parser->Parse(user_agent);
  if (client.browserFamily.empty() || client.osFamily.empty() || client.deviceFamily.empty()) {
    std::abort();
  }
  // The second call may come from the cache; it must not differ from the parse that filled it.
  const idguard::ClientEnrichment again = parser->Parse(user_agent);
  if (again.browserFamily != client.browserFamily ||
      again.browserVersion != client.browserVersion || again.osFamily != client.osFamily ||
      again.osVersion != client.osVersion || again.deviceFamily != client.deviceFamily) {
    std::abort();
  }
  return 0;
}
