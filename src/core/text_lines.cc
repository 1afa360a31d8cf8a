#include "idguard/core/text_lines.h"

#include <algorithm>
#include <cctype>

namespace idguard {

Status ForEachNonBlankLine(std::string_view text,
                           const std::function<Status(std::uint64_t, std::string_view)>& visit) {
  std::uint64_t line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (Status s = visit(line_number, line); !s.ok()) return s;
  }
  return Status::Ok();
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace idguard
