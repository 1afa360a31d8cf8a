// ASCII-only text helpers for column names and scalar values.
//
// Log Analytics names and the literals compared here (true, SignInLogs, ...) are ASCII, so
// case-folding byte by byte is exact and avoids locale-dependent std::tolower. Pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace idguard {

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) {
      return false;
    }
  }
  return true;
}

// Drops surrounding spaces and tabs; exports pad values and names inconsistently.
inline std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace idguard
