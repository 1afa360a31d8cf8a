// JsonWriter: a small append-only JSON writer for Graph-shaped output.
//
// It appends to a caller-owned std::string (reuse it across documents to avoid allocations),
// escapes strings per RFC 8259 (invalid UTF-8 bytes become U+FFFD so output is always valid JSON),
// writes numbers with std::to_chars so output is locale-independent and byte-identical across runs,
// and inserts commas itself. It does not validate nesting beyond a debug assert; callers pair
// Begin/End calls. Not thread-safe; use one writer per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/time.h"

namespace idguard {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();

  // Object member name; must be followed by exactly one value. Names are idguard's own constants
  // and are written without escaping.
  void Key(std::string_view name);

  void String(std::string_view value);
  void Null();
  void Bool(bool value);
  void Int(std::int64_t value);
  void Double(double value);
  void Timestamp(EventTime value);
  // Inserts already-serialized JSON (e.g. a nested document) verbatim.
  void Raw(std::string_view json);

  // Convenience members: Key + value.
  void Member(std::string_view name, std::string_view value) {
    Key(name);
    String(value);
  }
  void Member(std::string_view name, const char* value) {
    Key(name);
    String(value);
  }
  void Member(std::string_view name, bool value) {
    Key(name);
    Bool(value);
  }
  void Member(std::string_view name, std::int64_t value) {
    Key(name);
    Int(value);
  }
  void Member(std::string_view name, int value) {
    Key(name);
    Int(value);
  }
  void MemberTimestamp(std::string_view name, EventTime value) {
    Key(name);
    Timestamp(value);
  }
  // Writes null when the string is empty: Graph uses null for absent strings.
  void MemberOrNull(std::string_view name, std::string_view value);
  void MemberOrNull(std::string_view name, const std::optional<double>& value);
  void MemberOrNull(std::string_view name, const std::optional<bool>& value);
  void MemberStrings(std::string_view name, const std::vector<std::string>& values);

  static void AppendEscaped(std::string& out, std::string_view value);

 private:
  void Separate();
  std::string& out_;
  // Bit d of needs_comma_ is set when the container at depth d already holds a value, so the next
  // one needs a leading comma. 64 levels are far more than any Graph document nests.
  std::uint64_t needs_comma_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace idguard
