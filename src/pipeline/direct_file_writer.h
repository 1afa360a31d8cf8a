// DirectFileWriter: writes one large output file sequentially with O_DIRECT, from a thread of its
// own. A replay writes about 2 KB of signIns.ndjson per sign-in. Through the page cache each byte
// is copied into a fresh cache page, and gigabytes of dirty pages make the kernel throttle the
// writer until they are written back. With O_DIRECT the disk reads the bytes from the process's own
// buffers: at 2 GB, 0.2 s of CPU instead of 4 s (dd, docs/PERFORMANCE.md).
//
// Lines are gathered in 1 MiB buffers aligned to the disk's blocks; a full buffer goes to the
// writer thread while the caller fills the next one. Close writes the tail (less than a block)
// without O_DIRECT. Not synchronised: one thread appends.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "pipeline/worker_thread.h"

namespace idguard {

class DirectFileWriter {
 public:
  // Creates or truncates `path`. Returns null (with no error) when its file system refuses
  // O_DIRECT (tmpfs, some overlay file systems): the caller then writes through the page cache.
  static Result<std::unique_ptr<DirectFileWriter>> Open(const std::string& path);
  ~DirectFileWriter();
  DirectFileWriter(const DirectFileWriter&) = delete;
  DirectFileWriter& operator=(const DirectFileWriter&) = delete;

  void Append(std::string_view bytes) {
    while (!bytes.empty()) {
      const std::size_t room = kBufferBytes - filled_;
      const std::size_t take = bytes.size() < room ? bytes.size() : room;
      std::copy_n(bytes.data(), take, current_.get() + filled_);
      filled_ += take;
      bytes.remove_prefix(take);
      if (filled_ == kBufferBytes) SubmitCurrent();
    }
  }
  // Writes what is left and closes the file; reports the first error of any write.
  Status Close();

  static constexpr std::size_t kBlockBytes = 4096;
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

 private:
  struct AlignedFree {
    void operator()(char* buffer) const;
  };
  using Buffer = std::unique_ptr<char[], AlignedFree>;
  struct Block {
    Buffer buffer;
    std::size_t size = 0;
    std::uint64_t offset = 0;
  };

  DirectFileWriter(std::string path, int fd);
  Buffer TakeBuffer();
  void SubmitCurrent();
  Status WriteBlock(Block& block);

  std::string path_;
  int fd_ = -1;
  Buffer current_;
  std::size_t filled_ = 0;
  std::uint64_t offset_ = 0;  // of the current buffer in the file
  Status submitError_;
  std::mutex spareMutex_;
  std::vector<Buffer> spare_;                  // buffers the writer thread is done with
  std::optional<WorkerThread<Block>> writer_;  // last: stopped before the rest goes
};

}  // namespace idguard
