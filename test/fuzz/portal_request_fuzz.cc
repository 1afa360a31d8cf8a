// Fuzzes what the portal's sign-in reads from a client and from the store: the sign-in body, the
// Cookie header, and a stored portal account. Any input gives a value or an InvalidInput error,
// never a crash; an accepted sign-in names exactly one way in; the session cookie found is a piece
// of the header; an account read back after writing is unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/portal/portal_routes.h"
#include "idguard/api/portal_account.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace idguard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto sign_in = api::ReadPortalSignIn(text);
  if (sign_in.ok()) {
    const bool with_password = !sign_in->userName.empty() && !sign_in->password.empty();
    if (with_password == !sign_in->token.empty()) __builtin_trap();
  } else if (sign_in.status().code() != StatusCode::kInvalidInput) {
    __builtin_trap();
  }

  api::HttpRequest request;
  request.headers.emplace_back("cookie", std::string(text));
  const std::string_view cookie = api::SessionCookie(request);
  const std::string& header = request.headers.back().second;
  if (!cookie.empty() && (cookie.data() < header.data() ||
                          cookie.data() + cookie.size() > header.data() + header.size())) {
    __builtin_trap();
  }

  auto account = api::ParsePortalAccount(text);
  if (account.ok()) {
    auto again = api::ParsePortalAccount(api::PortalAccountJson(*account));
    if (!again.ok() || again->userName != account->userName || again->role != account->role ||
        again->passwordHash != account->passwordHash || again->email != account->email) {
      __builtin_trap();
    }
  } else if (account.status().code() != StatusCode::kInvalidInput) {
    __builtin_trap();
  }
  return 0;
}
