// OutputFile: a buffered NDJSON output file. Write errors are remembered and reported by
// Close, so the hot path does not check every line. Move-only; not synchronised. A large output
// (the replay's signIns.ndjson) is opened with OpenLarge, which writes past the page cache where
// the file system allows it (DirectFileWriter).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "idguard/core/status.h"
#include "pipeline/direct_file_writer.h"

namespace idguard {

class OutputFile {
 public:
  static Result<OutputFile> Open(const std::string& path);
  static Result<OutputFile> OpenLarge(const std::string& path);
  OutputFile(OutputFile&& other) noexcept
      : path_(std::move(other.path_)),
        file_(std::exchange(other.file_, nullptr)),
        direct_(std::move(other.direct_)) {}
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  ~OutputFile();

  void WriteLine(std::string_view line) {
    if (direct_) {
      direct_->Append(line);
      direct_->Append("\n");
      return;
    }
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
  }
  Status Close();

 private:
  OutputFile(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  OutputFile(std::string path, std::unique_ptr<DirectFileWriter> direct)
      : path_(std::move(path)), direct_(std::move(direct)) {}
  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<DirectFileWriter> direct_;  // set instead of file_ when writing direct
};

// Writes one line of a rejects file: where the record was, why it was refused and (a bounded
// prefix of) the record itself.
void WriteReject(OutputFile& rejects, const std::string& file, std::uint64_t line,
                 const std::string& reason, std::string_view record);

}  // namespace idguard
