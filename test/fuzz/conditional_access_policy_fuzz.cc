// Fuzzes reading a conditionalAccessPolicy body (POST and PATCH) and validating it. Any input must
// give a policy or an InvalidInput error; a policy that validates must write JSON that reads back
// and validates again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idguard/policy/conditional_access_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace idguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = ReadPolicyJson(text, ConditionalAccessPolicy{});
  if (!policy.ok()) {
    if (policy.status().code() != StatusCode::kInvalidInput) __builtin_trap();
    return 0;
  }
  if (!ValidatePolicy(*policy).ok()) return 0;
  std::string json;
  AppendPolicyJson(json, *policy);
  auto again = ReadPolicyJson(json, ConditionalAccessPolicy{});
  if (!again.ok() || !ValidatePolicy(*again).ok()) __builtin_trap();
  return 0;
}
