#include "pipeline/output_file.h"

#include <cerrno>
#include <cstring>

#include "idguard/core/json_writer.h"

namespace idguard {
namespace {

constexpr std::size_t kMaxRejectedRecordBytes = std::size_t{16} * 1024;

}  // namespace

Result<OutputFile> OutputFile::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  std::setvbuf(file, nullptr, _IOFBF, 1 << 20);
  return OutputFile(path, file);
}

Result<OutputFile> OutputFile::OpenLarge(const std::string& path) {
  auto direct = DirectFileWriter::Open(path);
  if (!direct.ok()) return direct.status();
  if (*direct == nullptr) return Open(path);
  return OutputFile(path, std::move(direct.value()));
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

Status OutputFile::Close() {
  if (direct_) {
    Status closed = direct_->Close();
    direct_.reset();
    return closed;
  }
  if (file_ == nullptr) return Status::Ok();
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) return Status::IoError("error writing " + path_);
  return Status::Ok();
}

void WriteReject(OutputFile& rejects, const std::string& file, std::uint64_t line,
                 const std::string& reason, std::string_view record) {
  std::string json;
  JsonWriter w(json);
  w.BeginObject();
  w.Member("file", file);
  w.Member("line", static_cast<std::int64_t>(line));
  w.Member("reason", reason);
  w.Member("record", record.substr(0, kMaxRejectedRecordBytes));
  w.EndObject();
  rejects.WriteLine(json);
}

}  // namespace idguard
