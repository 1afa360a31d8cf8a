#include "idguard/api/portal_account.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "idguard/core/json_writer.h"

namespace idguard::api {

std::string PortalAccountId(std::string_view user_name) {
  std::string id(user_name);
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return id;
}

Status ValidatePortalUserName(std::string_view user_name) {
  if (user_name.empty() || user_name.size() > 64) {
    return Status::InvalidInput("a user name has 1 to 64 characters");
  }
  const bool allowed = std::all_of(user_name.begin(), user_name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ||
           c == '-';
  });
  if (!allowed) {
    return Status::InvalidInput("a user name has only letters, digits and . _ @ -");
  }
  return Status::Ok();
}

Status ValidatePortalPassword(std::string_view password) {
  if (password.size() < 12) return Status::InvalidInput("a password has at least 12 characters");
  if (password.size() > 256) return Status::InvalidInput("a password has at most 256 characters");
  return Status::Ok();
}

std::string PortalAccountJson(const PortalAccount& account) {
  std::string out;
  JsonWriter writer(out);
  writer.BeginObject();
  writer.Member("userName", account.userName);
  writer.Member("role", account.role);
  writer.Member("passwordHash", account.passwordHash);
  writer.Member("email", account.email);
  writer.MemberTimestamp("createdDateTime", account.createdDateTime);
  writer.EndObject();
  return out;
}

Result<PortalAccount> ParsePortalAccount(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("a portal account is not a JSON object");
  }
  PortalAccount account;
  auto text = [&](const char* name, std::string& out) -> Status {
    std::string_view value;
    if (object[name].get_string().get(value) != simdjson::SUCCESS) {
      return Status::InvalidInput(std::string("a portal account has no string '") + name + "'");
    }
    out = value;
    return Status::Ok();
  };
  for (auto [name, out] :
       {std::pair{"userName", &account.userName}, std::pair{"role", &account.role},
        std::pair{"passwordHash", &account.passwordHash}, std::pair{"email", &account.email}}) {
    if (Status read = text(name, *out); !read.ok()) return read;
  }
  std::string created;
  if (Status read = text("createdDateTime", created); !read.ok()) return read;
  account.createdDateTime = ParseTimestamp(created).value_or(0);
  return account;
}

}  // namespace idguard::api
