// RecordParser: turns one input record (a JSON object or a CSV row) into a SignIn.
//
// Container handling (NDJSON, JSON array, Graph page, CSV rows) is separate: splitters find the
// records and their line numbers, a RecordParser reads one record. Errors are returned as a Status
// naming the field and why; the caller prefixes the file and line. A parser keeps per-thread
// scratch state (simdjson parser, CSV column map), so use one instance per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "idguard/core/sign_in.h"
#include "idguard/core/status.h"

namespace idguard {

// Where a record sits in its input: byte range and the 1-based line it starts on.
struct RecordSpan {
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint64_t line = 0;
};

// Called by splitters as they advance through a large document with the offset below which
// they no longer need the bytes; a mapped-file reader releases those pages.
using ScanProgress = std::function<void(std::uint64_t offset)>;
inline constexpr std::uint64_t kScanProgressInterval = std::uint64_t{32} << 20;

enum class InputFormat { graph, loganalytics, diagnostic, okta };
std::string_view ToString(InputFormat format);

class RecordParser {
 public:
  virtual ~RecordParser() = default;
  // Parses one record. `record` must stay valid during the call; the SignIn owns its strings.
  // A NotFound status means the record is valid but holds no sign-in (an Okta event of another
  // kind): the caller counts it and moves on. Any other error is a malformed record.
  virtual Result<SignIn> Parse(std::string_view record) = 0;
  // The same into an existing SignIn, which a parser may reuse the storage of (see
  // ClearForReuse). On success `into` holds exactly what Parse would return; on an error its
  // content is unspecified.
  virtual Status ParseInto(std::string_view record, SignIn& into) {
    auto parsed = Parse(record);
    if (!parsed.ok()) return parsed.status();
    into = std::move(parsed.value());
    return Status::Ok();
  }
};

}  // namespace idguard
