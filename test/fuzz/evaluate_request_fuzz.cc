// Fuzzes the body of POST /v1/evaluate: any input must give a sign-in attempt or an InvalidInput
// error naming what is wrong; an accepted attempt always has an id and a user.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "idguard/ingest/evaluate_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace idguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = ParseEvaluateRequest(text, 1'790'000'000'000'000, "generated-id");
  if (!request.ok()) {
    if (request.status().code() != StatusCode::kInvalidInput) __builtin_trap();
    return 0;
  }
  if (request->signIn.id.empty() || request->signIn.userId.empty()) __builtin_trap();
  if (!request->passwordSha1.empty() && request->passwordSha1.size() != 40) __builtin_trap();
  return 0;
}
