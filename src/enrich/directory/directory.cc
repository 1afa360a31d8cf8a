#include "idguard/enrich/directory.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "idguard/core/text_lines.h"

namespace idguard {
namespace {

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IoError("cannot open " + path);
  std::stringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return Status::IoError("cannot read " + path);
  return contents.str();
}

Result<Directory> Directory::LoadNdjson(std::string_view text, const std::string& source_name) {
  Directory directory;
  simdjson::dom::parser parser;
  Status status =
      ForEachNonBlankLine(text, [&](std::uint64_t line_number, std::string_view line) -> Status {
        const std::string where = source_name + ":" + std::to_string(line_number);
        simdjson::dom::object object;
        if (auto error = parser.parse(line.data(), line.size()).get_object().get(object)) {
          return Status::InvalidInput(where + ": not a JSON object (" +
                                      simdjson::error_message(error) + ")");
        }
        DirectoryUser user;
        std::string_view value;
        if (object["id"].get_string().get(value) != simdjson::SUCCESS || value.empty()) {
          return Status::InvalidInput(where + ": field id is required");
        }
        user.id = std::string(value);
        if (object["userPrincipalName"].get_string().get(value) == simdjson::SUCCESS) {
          user.userPrincipalName = std::string(value);
        }
        if (object["displayName"].get_string().get(value) == simdjson::SUCCESS) {
          user.displayName = std::string(value);
        }
        bool flag = false;
        if (object["accountEnabled"].get_bool().get(flag) == simdjson::SUCCESS) {
          user.accountEnabled = flag;
        }
        if (object["isMfaRegistered"].get_bool().get(flag) == simdjson::SUCCESS) {
          user.isMfaRegistered = flag;
        }
        simdjson::dom::array groups;
        if (object["groupIds"].get_array().get(groups) == simdjson::SUCCESS) {
          for (auto group : groups) {
            if (group.get_string().get(value) != simdjson::SUCCESS) {
              return Status::InvalidInput(where + ": groupIds must hold strings");
            }
            user.groupIds.emplace_back(value);
          }
        }
        if (object["passwordHashSha1"].get_string().get(value) == simdjson::SUCCESS) {
          if (value.size() != 40 || !IsHex(value)) {
            return Status::InvalidInput(where + ": passwordHashSha1 must be 40 hex characters");
          }
          user.passwordHashSha1 = AsciiLower(value);
        }
        if (object["passwordHashNtlm"].get_string().get(value) == simdjson::SUCCESS) {
          if (value.size() != 32 || !IsHex(value)) {
            return Status::InvalidInput(where + ": passwordHashNtlm must be 32 hex characters");
          }
          user.passwordHashNtlm = AsciiLower(value);
        }
        if (directory.by_id_.count(user.id) != 0) {
          return Status::InvalidInput(where + ": duplicate user id " + user.id);
        }
        const std::size_t index = directory.users_.size();
        directory.by_id_.emplace(user.id, index);
        if (!user.userPrincipalName.empty()) {
          directory.by_upn_.emplace(AsciiLower(user.userPrincipalName), index);
        }
        directory.users_.push_back(std::move(user));
        return Status::Ok();
      });
  if (!status.ok()) return status;
  return directory;
}

Result<Directory> Directory::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return LoadNdjson(text.value(), path);
}

const DirectoryUser* Directory::FindById(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &users_[it->second];
}

const DirectoryUser* Directory::FindByUserPrincipalName(const std::string& upn) const {
  auto it = by_upn_.find(AsciiLower(upn));
  return it == by_upn_.end() ? nullptr : &users_[it->second];
}

}  // namespace idguard
