// PaddedJsonParser: a simdjson DOM parser plus the padded copy buffer it reads from.
//
// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input. Records arrive as views
// into larger buffers (a CSV field, a line of a file), so they are copied into a buffer owned here
// that grows to the largest record seen and is then reused: no allocation per record. The element
// returned by Parse stays valid until the next Parse on the same object. One per thread.
#pragma once

#include <simdjson.h>

#include <cstring>
#include <memory>
#include <string_view>

namespace idguard {

class PaddedJsonParser {
 public:
  simdjson::simdjson_result<simdjson::dom::element> Parse(std::string_view json) {
    if (json.size() + simdjson::SIMDJSON_PADDING > capacity_) {
      capacity_ = json.size() + simdjson::SIMDJSON_PADDING;
      buffer_ = std::make_unique<char[]>(capacity_);
    }
    if (!json.empty()) {
      std::memcpy(buffer_.get(), json.data(), json.size());
    }
    std::memset(buffer_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    return parser_.parse(buffer_.get(), json.size(), /*realloc_if_needed=*/false);
  }

 private:
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
};

}  // namespace idguard
