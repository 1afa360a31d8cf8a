// PaddedJsonParser: a simdjson DOM parser plus the padded copy buffer it reads from.
//
// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input. Records arrive as views
// into larger buffers (a CSV field, a line of a file), so they are copied into a buffer owned here
// that grows to the largest record seen and is then reused: no allocation per record. The element
// returned by Parse stays valid until the next Parse on the same object. One per thread.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "ingest/padded_scratch.h"

namespace idguard {

class PaddedJsonParser {
 public:
  simdjson::simdjson_result<simdjson::dom::element> Parse(std::string_view json) {
    const simdjson::padded_string_view padded = scratch_.Copy(json);
    return parser_.parse(padded.data(), padded.size(), /*realloc_if_needed=*/false);
  }

 private:
  simdjson::dom::parser parser_;
  PaddedScratch scratch_;
};

}  // namespace idguard
