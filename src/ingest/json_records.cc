#include "idguard/ingest/json_records.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace idguard {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t SkipSpace(std::string_view text, std::size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

std::size_t SkipBom(std::string_view text) {
  return text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
}

// The first member name of the object starting at text[pos] == '{', or empty.
std::string_view FirstKey(std::string_view text, std::size_t pos) {
  pos = SkipSpace(text, pos + 1);
  if (pos >= text.size() || text[pos] != '"') return {};
  const std::size_t end = text.find('"', pos + 1);
  if (end == std::string_view::npos) return {};
  return text.substr(pos + 1, end - pos - 1);
}

bool IsContainerKey(std::string_view key) {
  return key == "value" || key == "records" || key.substr(0, 7) == "@odata.";
}

// Counts newlines incrementally so line numbers cost O(file) overall.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  std::uint64_t LineAt(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < position_) {
      position_ = 0;
      line_ = 1;
    }
    line_ += static_cast<std::uint64_t>(
        std::count(text_.begin() + static_cast<std::ptrdiff_t>(position_),
                   text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    position_ = offset;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::uint64_t line_ = 1;
};

// Expands a JSON array, or the "value"/"records" array of a page object, found in
// document[begin, end) into record spans.
Status ExpandContainer(std::string_view document, std::size_t begin, std::size_t end,
                       LineCounter& lines, std::vector<RecordSpan>& records) {
  const std::uint64_t start_line = lines.LineAt(begin);
  simdjson::padded_string padded(document.data() + begin, end - begin);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(padded).get(doc)) {
    return Status::InvalidInput("line " + std::to_string(start_line) + ": " +
                                simdjson::error_message(error));
  }
  simdjson::ondemand::array array;
  simdjson::ondemand::object page;
  // Decide by the first byte: a failed get_array() leaves the document unusable, even for rewind().
  if (document[begin] == '[') {
    if (doc.get_array().get(array) != simdjson::SUCCESS) {
      return Status::InvalidInput("line " + std::to_string(start_line) + ": malformed JSON array");
    }
  } else {
    if (doc.get_object().get(page) != simdjson::SUCCESS) {
      return Status::InvalidInput("line " + std::to_string(start_line) +
                                  ": expected a JSON array or object");
    }
    bool found = false;
    for (auto member : page) {
      std::string_view key;
      if (member.unescaped_key().get(key) != simdjson::SUCCESS) break;
      if (key == "value" || key == "records") {
        if (member.value().get_array().get(array) != simdjson::SUCCESS) {
          return Status::InvalidInput("line " + std::to_string(start_line) + ": field " +
                                      std::string(key) + " must be an array");
        }
        found = true;
        break;
      }
    }
    if (!found) {
      return Status::InvalidInput("line " + std::to_string(start_line) +
                                  ": a page object needs a \"value\" or \"records\" array");
    }
  }
  std::size_t index = 0;
  for (auto element : array) {
    std::string_view raw;
    simdjson::ondemand::object value;
    const char* location = nullptr;
    if (element.get_object().get(value) != simdjson::SUCCESS ||
        value.raw_json().get(raw) != simdjson::SUCCESS) {
      if (doc.current_location().get(location) == simdjson::SUCCESS) {
        const std::size_t offset = begin + static_cast<std::size_t>(location - padded.data());
        return Status::InvalidInput("line " + std::to_string(lines.LineAt(offset)) +
                                    ": malformed JSON or not an object in element " +
                                    std::to_string(index));
      }
      return Status::InvalidInput("line " + std::to_string(start_line) +
                                  ": malformed JSON or not an object in element " +
                                  std::to_string(index));
    }
    while (!raw.empty() && IsSpace(raw.back()))
      raw.remove_suffix(1);  // raw_json keeps trailing space
    const std::size_t offset = begin + static_cast<std::size_t>(raw.data() - padded.data());
    records.push_back({offset, static_cast<std::uint32_t>(raw.size()), lines.LineAt(offset)});
    ++index;
  }
  return Status::Ok();
}

}  // namespace

Status SplitJsonRecords(std::string_view document, std::vector<RecordSpan>& records,
                        const ScanProgress& progress) {
  LineCounter lines(document);
  std::size_t pos = SkipSpace(document, SkipBom(document));
  if (pos >= document.size()) return Status::Ok();
  if (document[pos] == '[') return ExpandContainer(document, pos, document.size(), lines, records);
  if (document[pos] != '{') {
    return Status::InvalidInput("line " + std::to_string(lines.LineAt(pos)) +
                                ": expected a JSON object or array");
  }
  // A document whose first object does not end on its first line is one pretty-printed object:
  // either a page/capture or a single record.
  const std::size_t first_newline = document.find('\n', pos);
  const std::string_view first_line = document.substr(
      pos, first_newline == std::string_view::npos ? document.npos : first_newline - pos);
  std::string_view trimmed = first_line;
  while (!trimmed.empty() && IsSpace(trimmed.back())) trimmed.remove_suffix(1);
  const bool single_line_objects = !trimmed.empty() && trimmed.back() == '}';
  if (!single_line_objects) {
    if (IsContainerKey(FirstKey(document, pos))) {
      return ExpandContainer(document, pos, document.size(), lines, records);
    }
    std::size_t end = document.size();
    while (end > pos && IsSpace(document[end - 1])) --end;
    records.push_back({pos, static_cast<std::uint32_t>(end - pos), lines.LineAt(pos)});
    return Status::Ok();
  }
  // NDJSON: one object per line; a line may itself be a page or capture.
  std::size_t line_start = 0;
  std::uint64_t line_number = 0;
  while (line_start < document.size()) {
    std::size_t line_end = document.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = document.size();
    ++line_number;
    std::size_t begin = line_number == 1 ? SkipBom(document) : line_start;
    begin = SkipSpace(document.substr(0, line_end), begin);
    std::size_t end = line_end;
    while (end > begin && IsSpace(document[end - 1])) --end;
    if (end > begin) {
      if (document[begin] == '{' && IsContainerKey(FirstKey(document.substr(0, end), begin))) {
        if (Status s = ExpandContainer(document, begin, end, lines, records); !s.ok()) return s;
      } else {
        records.push_back({begin, static_cast<std::uint32_t>(end - begin), line_number});
      }
    }
    if (progress && line_start / kScanProgressInterval != line_end / kScanProgressInterval) {
      progress(line_start);
    }
    line_start = line_end + 1;
  }
  return Status::Ok();
}

InputFormat DetectInputFormat(std::string_view document, bool& is_csv) {
  const std::size_t pos = SkipSpace(document, SkipBom(document));
  is_csv = pos < document.size() && document[pos] != '{' && document[pos] != '[';
  if (is_csv) return InputFormat::loganalytics;
  // Look at the member names in the first few kilobytes of the first record.
  const std::string_view head = document.substr(pos, 8192);
  // Okta System Log events, raw or as a Sentinel Okta_CL export (which also has TimeGenerated).
  if (head.find("\"eventType\"") != std::string_view::npos &&
      (head.find("\"uuid") != std::string_view::npos) &&
      (head.find("\"published") != std::string_view::npos)) {
    return InputFormat::okta;
  }
  if (head.find("\"category\"") != std::string_view::npos &&
      head.find("\"properties\"") != std::string_view::npos) {
    return InputFormat::diagnostic;
  }
  if (head.find("\"createdDateTime\"") != std::string_view::npos ||
      head.find("\"userPrincipalName\"") != std::string_view::npos) {
    return InputFormat::graph;
  }
  if (head.find("\"TimeGenerated\"") != std::string_view::npos ||
      head.find("\"UserPrincipalName\"") != std::string_view::npos ||
      head.find("\"CreatedDateTime\"") != std::string_view::npos) {
    return InputFormat::loganalytics;
  }
  return InputFormat::graph;
}

}  // namespace idguard
