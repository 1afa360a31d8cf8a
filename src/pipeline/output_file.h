// OutputFile: a buffered NDJSON output file. Write errors are remembered and reported by
// Close, so the hot path does not check every line. Move-only; not synchronised.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "idguard/core/status.h"

namespace idguard {

class OutputFile {
 public:
  static Result<OutputFile> Open(const std::string& path);
  OutputFile(OutputFile&& other) noexcept
      : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)) {}
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  ~OutputFile();

  void WriteLine(std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
  }
  Status Close();

 private:
  OutputFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Writes one line of a rejects file: where the record was, why it was refused and (a bounded
// prefix of) the record itself.
void WriteReject(OutputFile& rejects, const std::string& file, std::uint64_t line,
                 const std::string& reason, std::string_view record);

}  // namespace idguard
