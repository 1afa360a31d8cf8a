// A reusable buffer that copies one record and adds the zero padding simdjson reads past the
// end of its input, so records can come from anywhere (a mapped file, a socket buffer).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace idguard {

class PaddedScratch {
 public:
  simdjson::padded_string_view Copy(std::string_view record) {
    const std::size_t needed = record.size() + simdjson::SIMDJSON_PADDING;
    if (buffer_.size() < needed) buffer_.resize(needed * 2);
    if (!record.empty()) std::memcpy(buffer_.data(), record.data(), record.size());
    std::memset(buffer_.data() + record.size(), 0, simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(buffer_.data(), record.size(), buffer_.size());
  }

 private:
  std::vector<char> buffer_;
};

}  // namespace idguard
