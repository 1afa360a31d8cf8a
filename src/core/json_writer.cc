#include "idguard/core/json_writer.h"

#include <cassert>
#include <charconv>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace idguard {
namespace {

bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Length of the run of plain ASCII (nothing to escape, no UTF-8 to check) that starts `text`.
// Serializing sign-ins is mostly copying such runs; with SSE2 (every x86-64) sixteen bytes are
// tested at once.
std::size_t PlainRunLength(std::string_view text) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // As signed bytes, both control characters and non-ASCII (0x80 and up) are below 0x20.
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_cmplt_epi8(bytes, space));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (i < text.size() && IsPlain(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

}  // namespace

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
    if ((needs_comma_ & bit) != 0) out_.push_back(',');
    needs_comma_ |= bit;
  }
}

void JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  assert(depth_ < 64 && "JSON nested deeper than 64 levels");
  needs_comma_ &= ~(std::uint64_t{1} << depth_);
  ++depth_;
}

void JsonWriter::EndObject() {
  assert(depth_ > 0 && "EndObject without BeginObject");
  --depth_;
  out_.push_back('}');
}

void JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  assert(depth_ < 64 && "JSON nested deeper than 64 levels");
  needs_comma_ &= ~(std::uint64_t{1} << depth_);
  ++depth_;
}

void JsonWriter::EndArray() {
  assert(depth_ > 0 && "EndArray without BeginArray");
  --depth_;
  out_.push_back(']');
}

void JsonWriter::Key(std::string_view name) {
  Separate();
  out_.push_back('"');
  assert(name.find_first_of("\"\\") == std::string_view::npos && "member names need no escaping");
  out_.append(name);
  out_.append("\":");
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  out_.push_back('"');
  AppendEscaped(out_, value);
  out_.push_back('"');
}

void JsonWriter::Null() {
  Separate();
  out_.append("null");
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_.append(value ? "true" : "false");
}

void JsonWriter::Int(std::int64_t value) {
  Separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
}

void JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    out_.append("null");
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
}

void JsonWriter::Timestamp(EventTime value) {
  Separate();
  out_.push_back('"');
  AppendTimestamp(out_, value);
  out_.push_back('"');
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
}

void JsonWriter::MemberOrNull(std::string_view name, std::string_view value) {
  Key(name);
  if (value.empty()) {
    Null();
  } else {
    String(value);
  }
}

void JsonWriter::MemberOrNull(std::string_view name, const std::optional<double>& value) {
  Key(name);
  if (value) {
    Double(*value);
  } else {
    Null();
  }
}

void JsonWriter::MemberOrNull(std::string_view name, const std::optional<bool>& value) {
  Key(name);
  if (value) {
    Bool(*value);
  } else {
    Null();
  }
}

void JsonWriter::MemberStrings(std::string_view name, const std::vector<std::string>& values) {
  Key(name);
  BeginArray();
  for (const auto& value : values) String(value);
  EndArray();
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t length;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // Reject overlong encodings and surrogates.
  if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (lead == 0xED && byte(i + 1) > 0x9F) return 0;
  if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xF4 && byte(i + 1) > 0x8F) return 0;
  return length;
}

}  // namespace

void JsonWriter::AppendEscaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < value.size()) {
    if (const std::size_t run = PlainRunLength(value.substr(i)); run > 0) {
      out.append(value.data() + i, run);
      i += run;
      if (i == value.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '"':
        out.append("\\\"");
        ++i;
        continue;
      case '\\':
        out.append("\\\\");
        ++i;
        continue;
      case '\n':
        out.append("\\n");
        ++i;
        continue;
      case '\r':
        out.append("\\r");
        ++i;
        continue;
      case '\t':
        out.append("\\t");
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
      ++i;
      continue;
    }
    const std::size_t length = Utf8SequenceLength(value, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD replacement character
      ++i;
    } else {
      out.append(value.data() + i, length);
      i += length;
    }
  }
}

}  // namespace idguard
