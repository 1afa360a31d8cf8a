#include "pipeline/output_file.h"

#include <cerrno>
#include <cstring>

namespace idguard {

Result<OutputFile> OutputFile::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  std::setvbuf(file, nullptr, _IOFBF, 1 << 20);
  return OutputFile(path, file);
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

Status OutputFile::Close() {
  if (file_ == nullptr) return Status::Ok();
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) return Status::IoError("error writing " + path_);
  return Status::Ok();
}

}  // namespace idguard
