// Fuzzes the stored sign-in decoder: any bytes give a sign-in or an error, never a crash, and a
// sign-in that decodes re-encodes to bytes that decode and re-encode identically. (Bytes, not
// SignIn equality: a NaN coordinate is a valid double that never equals itself.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idguard/store/sign_in_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  auto decoded = idguard::DecodeSignInDocument(document);
  if (!decoded.ok()) return 0;
  std::string again;
  idguard::EncodeSignInDocument(decoded.value(), again);
  auto round_trip = idguard::DecodeSignInDocument(again);
  if (!round_trip.ok()) __builtin_trap();
  std::string third;
  idguard::EncodeSignInDocument(round_trip.value(), third);
  if (third != again) __builtin_trap();
  return 0;
}
