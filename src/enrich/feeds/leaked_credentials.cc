#include "idguard/enrich/leaked_credentials.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "idguard/core/text_lines.h"
#include "idguard/enrich/directory.h"

namespace idguard {
namespace {

// Lower-case hex of exactly `size` characters, or nullopt.
std::optional<std::string> Hex(std::string_view text, std::size_t size) {
  if (text.size() != size) return std::nullopt;
  std::string lower(text);
  for (char& c : lower) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

}  // namespace

Result<LeakedCredentialFeed> LeakedCredentialFeed::Parse(std::string_view text,
                                                         const std::string& source_name) {
  LeakedCredentialFeed feed;
  simdjson::dom::parser parser;
  Status status =
      ForEachNonBlankLine(text, [&](std::uint64_t line_number, std::string_view line) -> Status {
        std::string where = source_name;
        where.append(":").append(std::to_string(line_number)).append(": ");
        simdjson::dom::object object;
        if (auto error = parser.parse(line.data(), line.size()).get_object().get(object)) {
          return Status::InvalidInput(where.append("not a JSON object (")
                                          .append(simdjson::error_message(error))
                                          .append(")"));
        }
        LeakedCredential leak;
        std::string_view value;
        if (object["userPrincipalName"].get_string().get(value) != simdjson::SUCCESS ||
            value.empty()) {
          return Status::InvalidInput(where.append("field userPrincipalName is required"));
        }
        leak.userPrincipalName = std::string(value);
        if (object["passwordHashSha1"].get_string().get(value) == simdjson::SUCCESS) {
          auto hex = Hex(value, 40);
          if (!hex) {
            return Status::InvalidInput(where.append("passwordHashSha1 must be 40 hex characters"));
          }
          leak.passwordHashSha1 = std::move(*hex);
        }
        if (object["passwordHashNtlm"].get_string().get(value) == simdjson::SUCCESS) {
          auto hex = Hex(value, 32);
          if (!hex) {
            return Status::InvalidInput(where.append("passwordHashNtlm must be 32 hex characters"));
          }
          leak.passwordHashNtlm = std::move(*hex);
        }
        if (leak.passwordHashSha1.empty() && leak.passwordHashNtlm.empty()) {
          return Status::InvalidInput(
              where.append("one of passwordHashSha1 or passwordHashNtlm is required"));
        }
        if (object["discoveredDateTime"].get_string().get(value) == simdjson::SUCCESS) {
          leak.discoveredDateTime = ParseTimestamp(value);
          if (!leak.discoveredDateTime) {
            return Status::InvalidInput(
                where.append("discoveredDateTime is not a timestamp: ").append(value));
          }
        }
        if (object["source"].get_string().get(value) == simdjson::SUCCESS) {
          leak.source = std::string(value);
        }
        feed.entries_.push_back(std::move(leak));
        return Status::Ok();
      });
  if (!status.ok()) return status;
  return feed;
}

Result<LeakedCredentialFeed> LeakedCredentialFeed::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return Parse(text.value(), path);
}

void LeakedCredentialFeed::Append(const LeakedCredentialFeed& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
}

}  // namespace idguard
