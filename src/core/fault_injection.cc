#include "idguard/core/fault_injection.h"

#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <string>

namespace idguard {
namespace {

struct CrashRequest {
  std::string point;
  long long arrival = 0;  // 0: no crash requested
};

CrashRequest ReadCrashRequest() {
  const char* value = std::getenv("IDGUARD_CRASH_AT");
  if (value == nullptr) return {};
  const std::string_view text(value);
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return {};
  long long arrival = 0;
  const auto digits = text.substr(colon + 1);
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), arrival);
  if (parsed.ec != std::errc() || arrival <= 0) return {};
  return {std::string(text.substr(0, colon)), arrival};
}

}  // namespace

void CrashIfRequestedAt(std::string_view point) {
  static const CrashRequest request = ReadCrashRequest();
  static std::atomic<long long> arrivals{0};
  if (request.arrival == 0 || point != request.point) return;
  if (arrivals.fetch_add(1, std::memory_order_relaxed) + 1 == request.arrival) raise(SIGKILL);
}

}  // namespace idguard
