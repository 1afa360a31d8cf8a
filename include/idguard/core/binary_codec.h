// ByteWriter / ByteReader: a small varint codec for engine state blobs (profiles, statistics).
// The reader never reads past its input and reports truncation through ok(), so a corrupt blob
// yields an error, not a crash. Plain values; not synchronised.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace idguard {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void U64(std::uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void I64(std::int64_t value) {  // zig-zag
    U64((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  void F64(double value) {
    char bytes[8];
    std::memcpy(bytes, &value, 8);
    out_.append(bytes, 8);
  }
  void Str(std::string_view value) {
    U64(value.size());
    out_.append(value);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint64_t U64() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      value |= std::uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Fail();
  }
  std::int64_t I64() {
    const std::uint64_t raw = U64();
    return static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  double F64() {
    if (in_.size() - pos_ < 8) return static_cast<double>(Fail());
    double value;
    std::memcpy(&value, in_.data() + pos_, 8);
    pos_ += 8;
    return value;
  }
  std::string Str() {
    const std::uint64_t size = U64();
    if (!ok_ || size > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string value(in_.substr(pos_, size));
    pos_ += size;
    return value;
  }
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace idguard
