// Reading the small JSON bodies of the action calls: {"userIds": ["...", ...]}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"

namespace idguard::api {

// The strings of the array `member` of the JSON object `body`. Errors say what is wrong: not a
// JSON object, the member missing or not an array of strings, an empty or too long list.
Result<std::vector<std::string>> ReadIdList(std::string_view body, std::string_view member,
                                            std::size_t max_ids);

// The string member `member` of the JSON object `body`; nullopt when the body is empty or has no
// such member. Errors say what is wrong.
Result<std::optional<std::string>> ReadOptionalString(std::string_view body,
                                                      std::string_view member);

}  // namespace idguard::api
