// RFC 4180 CSV splitting for Log Analytics exports.
//
// Both functions run the same small state machine so that a document split into rows and each row
// split into fields agree on where quoted fields begin and end. Quotes are only special at the
// start of a field; a quote inside an unquoted field is kept as text, as spreadsheet tools write
// it. Text after a closing quote is kept too (lenient, never an error) so a slightly malformed
// export still loads. The scanners jump between quotes with memchr: exports carry large quoted
// JSON columns, and per-byte work there dominates the cost.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/ingest/loganalytics_parser.h"

namespace idguard {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Where the scanner is inside a field.
enum class CsvState { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

std::string_view WithoutTrailingCr(std::string_view text) {
  if (!text.empty() && text.back() == '\r') {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Status SplitCsvRecords(std::string_view document, std::vector<RecordSpan>& rows,
                       const ScanProgress& progress) {
  rows.clear();
  std::size_t pos = 0;
  if (document.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    pos = kUtf8Bom.size();
  }

  const char* data = document.data();
  const std::size_t size = document.size();
  std::uint64_t line = 1;
  std::uint64_t row_line = 1;
  std::uint64_t quote_line = 0;
  std::size_t row_start = pos;
  CsvState state = CsvState::kFieldStart;

  auto end_row = [&](std::size_t end) -> Status {
    const std::string_view row = WithoutTrailingCr(document.substr(row_start, end - row_start));
    if (row.size() > std::numeric_limits<std::uint32_t>::max()) {
      return Status::InvalidInput("row starting on line " + std::to_string(row_line) +
                                  " is longer than 4 GiB");
    }
    // Blank lines carry no record; skipping them keeps a trailing newline harmless.
    if (!row.empty()) {
      rows.push_back(RecordSpan{row_start, static_cast<std::uint32_t>(row.size()), row_line});
    }
    if (progress && row_start / kScanProgressInterval != end / kScanProgressInterval) {
      progress(row_start);
    }
    return Status::Ok();
  };

  while (pos < size) {
    if (state == CsvState::kQuoted) {
      // Jump to the next quote, counting the newlines a multi-line field spans.
      const void* found = std::memchr(data + pos, '"', size - pos);
      const std::size_t quote =
          found == nullptr ? size
                           : static_cast<std::size_t>(static_cast<const char*>(found) - data);
      for (const char* p = data + pos;
           (p = static_cast<const char*>(std::memchr(p, '\n', data + quote - p))) != nullptr; ++p) {
        ++line;
      }
      if (found == nullptr) {
        return Status::InvalidInput("unterminated quoted field starting on line " +
                                    std::to_string(quote_line));
      }
      pos = quote + 1;
      state = CsvState::kQuoteInQuoted;
      continue;
    }
    const char c = data[pos];
    switch (state) {
      case CsvState::kFieldStart:
        if (c == '"') {
          state = CsvState::kQuoted;
          quote_line = line;
        } else if (c != ',' && c != '\n') {
          state = CsvState::kUnquoted;
        }
        break;
      case CsvState::kQuoteInQuoted:
        if (c == '"') {
          state = CsvState::kQuoted;  // a doubled quote inside a quoted field
        } else if (c == ',') {
          state = CsvState::kFieldStart;
        } else if (c != '\n') {
          state = CsvState::kUnquoted;
        }
        break;
      case CsvState::kUnquoted:
        if (c == ',') {
          state = CsvState::kFieldStart;
        }
        break;
      case CsvState::kQuoted:
        break;  // handled above
    }
    if (c == '\n') {
      if (Status status = end_row(pos); !status.ok()) {
        return status;
      }
      ++line;
      row_line = line;
      row_start = pos + 1;
      state = CsvState::kFieldStart;
    }
    ++pos;
  }
  if (state == CsvState::kQuoted) {
    return Status::InvalidInput("unterminated quoted field starting on line " +
                                std::to_string(quote_line));
  }
  return row_start < size ? end_row(size) : Status::Ok();
}

Status SplitCsvFields(std::string_view row, std::vector<std::string>& fields) {
  row = WithoutTrailingCr(row);
  const char* data = row.data();
  const std::size_t size = row.size();
  std::size_t count = 0;
  // Reuses the strings already in `fields` so a parser that keeps the vector between rows does
  // not allocate once the buffers have grown to the row's field sizes.
  auto next_field = [&]() -> std::string& {
    if (count == fields.size()) {
      fields.emplace_back();
    }
    std::string& field = fields[count++];
    field.clear();
    return field;
  };

  std::size_t pos = 0;
  while (true) {
    std::string& field = next_field();
    if (pos < size && data[pos] == '"') {
      ++pos;
      while (true) {
        const void* found = std::memchr(data + pos, '"', size - pos);
        if (found == nullptr) {
          fields.resize(count);
          return Status::InvalidInput("unterminated quoted field in column " +
                                      std::to_string(count));
        }
        const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(found) - data);
        field.append(data + pos, quote - pos);
        pos = quote + 1;
        if (pos < size && data[pos] == '"') {
          field.push_back('"');
          ++pos;
          continue;
        }
        break;
      }
    }
    // Unquoted text, or text after a closing quote: everything up to the next comma.
    const void* comma = pos < size ? std::memchr(data + pos, ',', size - pos) : nullptr;
    const std::size_t end =
        comma == nullptr ? size : static_cast<std::size_t>(static_cast<const char*>(comma) - data);
    field.append(data + pos, end - pos);
    if (comma == nullptr) {
      break;
    }
    pos = end + 1;
  }
  fields.resize(count);
  return Status::Ok();
}

}  // namespace idguard
