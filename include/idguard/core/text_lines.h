// Text helpers for the small configuration files. Line iteration for the small NDJSON configuration
// files (directory, named locations): calls `visit` with the 1-based line number and the line of
// every line that is not blank, stopping at the first error it returns. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "idguard/core/status.h"

namespace idguard {

Status ForEachNonBlankLine(std::string_view text,
                           const std::function<Status(std::uint64_t, std::string_view)>& visit);

// The text with ASCII letters in lower case (user principal names, hex digests).
std::string AsciiLower(std::string_view text);

}  // namespace idguard
