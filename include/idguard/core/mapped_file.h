// MappedFile: a read-only memory mapping of a whole input file. Inputs can be larger than
// memory; DropBefore() tells the kernel the caller is done with a prefix so resident memory
// stays bounded on sequential passes. Move-only; not synchronised.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "idguard/core/status.h"

namespace idguard {

class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {data_, size_}; }
  const std::string& path() const { return path_; }
  // Releases the pages before `offset` from this process's resident set.
  void DropBefore(std::size_t offset) const { DropRange(0, offset); }
  // Releases the whole pages inside [begin, end) from this process's resident set.
  void DropRange(std::size_t begin, std::size_t end) const;

 private:
  std::string path_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace idguard
