// Percent-decoding and splitting of request targets: path segments and query options.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace idguard::api {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings). Returns
// nullopt for a malformed escape or an encoded NUL.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Appends `text` percent-encoded for use inside a query value.
void AppendPercentEncoded(std::string& out, std::string_view text);

// The decoded name=value pairs of a query string, in order. Returns nullopt when a name or value
// is malformed, with `bad_part` set to the raw part.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query,
                                                                           std::string& bad_part);

// The decoded, non-empty segments of a path ("/v1.0/a/b" → {"v1.0", "a", "b"}); nullopt when a
// segment is malformed.
std::optional<std::vector<std::string>> SplitPath(std::string_view path);

}  // namespace idguard::api
