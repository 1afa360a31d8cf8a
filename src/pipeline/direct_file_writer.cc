#include "pipeline/direct_file_writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

namespace idguard {
namespace {

// Three buffers wait while one is written and the caller fills another: 5 MiB in all.
constexpr std::size_t kBuffersPending = 3;

Status WriteAll(int fd, const char* data, std::size_t size, std::uint64_t offset,
                const std::string& path) {
  while (size > 0) {
    const ssize_t wrote = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (wrote < 0) {
      if (errno == EINTR) continue;
      // A device whose blocks are larger than DirectFileWriter's: write through the page cache.
      const int flags = ::fcntl(fd, F_GETFL);
      if (errno == EINVAL && flags >= 0 && (flags & O_DIRECT) != 0 &&
          ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) == 0) {
        continue;
      }
      return Status::IoError("error writing " + path + ": " + std::strerror(errno));
    }
    if (wrote == 0) return Status::IoError("error writing " + path + ": nothing written");
    data += wrote;
    size -= static_cast<std::size_t>(wrote);
    offset += static_cast<std::uint64_t>(wrote);
  }
  return Status::Ok();
}

}  // namespace

void DirectFileWriter::AlignedFree::operator()(char* buffer) const {
  ::munmap(buffer, kBufferBytes);
}

Result<std::unique_ptr<DirectFileWriter>> DirectFileWriter::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0644);
  if (fd < 0) {
    if (errno == EINVAL) return std::unique_ptr<DirectFileWriter>();  // no O_DIRECT here
    return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<DirectFileWriter>(new DirectFileWriter(path, fd));
}

DirectFileWriter::DirectFileWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
  current_ = TakeBuffer();  // here, once the spare list and its mutex exist
  writer_.emplace("idg-write", kBuffersPending, [this](Block& block) {
    Status written = WriteBlock(block);
    std::lock_guard lock(spareMutex_);
    spare_.push_back(std::move(block.buffer));
    return written;
  });
}

DirectFileWriter::~DirectFileWriter() {
  writer_.reset();
  if (fd_ >= 0) ::close(fd_);
}

DirectFileWriter::Buffer DirectFileWriter::TakeBuffer() {
  {
    std::lock_guard lock(spareMutex_);
    if (!spare_.empty()) {
      Buffer buffer = std::move(spare_.back());
      spare_.pop_back();
      return buffer;
    }
  }
  // Mapped rather than allocated: page-aligned as O_DIRECT needs, and resident only as far as
  // written (the allocator would round such blocks up to its own large pages).
  void* memory =
      ::mmap(nullptr, kBufferBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  return Buffer(static_cast<char*>(memory));
}

void DirectFileWriter::SubmitCurrent() {
  Block block{std::move(current_), filled_, offset_};
  offset_ += filled_;
  filled_ = 0;
  if (Status s = writer_->Submit(std::move(block)); !s.ok() && submitError_.ok()) submitError_ = s;
  current_ = TakeBuffer();
}

Status DirectFileWriter::WriteBlock(Block& block) {
  return WriteAll(fd_, block.buffer.get(), block.size, block.offset, path_);
}

Status DirectFileWriter::Close() {
  if (fd_ < 0) return Status::Ok();
  // Whole blocks still go direct; the last partial block through the page cache.
  const std::size_t whole = filled_ - filled_ % kBlockBytes;
  Status status = submitError_;
  if (whole > 0 && status.ok()) {
    status = WriteAll(fd_, current_.get(), whole, offset_, path_);
  }
  if (Status finished = writer_->Finish(); !finished.ok() && status.ok()) status = finished;
  if (status.ok() && filled_ > whole) {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) {
      status = Status::IoError("error writing " + path_ + ": " + std::strerror(errno));
    } else {
      status = WriteAll(fd_, current_.get() + whole, filled_ - whole, offset_ + whole, path_);
    }
  }
  writer_.reset();
  if (::close(fd_) != 0 && status.ok()) {
    status = Status::IoError("error writing " + path_ + ": " + std::strerror(errno));
  }
  fd_ = -1;
  return status;
}

}  // namespace idguard
