#include "fail_mode_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace idguard::pam {
namespace {

constexpr std::size_t kMaxEntryName = 255;  // NAME_MAX on Linux file systems

void AppendEncoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (plain) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
}

std::string SystemError(const std::string& what) { return what + ": " + std::strerror(errno); }

// The module's user (root inside sshd) owns it and nobody else may write to it: anyone who could
// would choose how logins fail.
bool OwnedAlone(const struct stat& info) {
  return info.st_uid == geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::optional<FailMode> ParseFailMode(std::string_view text) {
  if (text == "open") return FailMode::open;
  if (text == "closed") return FailMode::closed;
  return std::nullopt;
}

std::string_view ToString(FailMode mode) { return mode == FailMode::closed ? "closed" : "open"; }

std::string FailModeEntryName(std::string_view app_id, std::string_view user) {
  std::string name;
  AppendEncoded(name, app_id);
  name += '.';
  AppendEncoded(name, user);
  if (name.size() > kMaxEntryName) return "";
  return name;
}

std::optional<std::string> FailModeCache::CheckDirectory() const {
  struct stat info {};
  if (lstat(directory_.c_str(), &info) != 0) return SystemError("fail_cache " + directory_);
  if (!S_ISDIR(info.st_mode)) return "fail_cache " + directory_ + " is not a directory";
  if (!OwnedAlone(info)) {
    return "fail_cache " + directory_ + " must belong to uid " + std::to_string(geteuid()) +
           " and be writable by it alone";
  }
  return std::nullopt;
}

std::optional<std::string> FailModeCache::Store(std::string_view app_id, std::string_view user,
                                                FailMode mode) const {
  if (auto problem = CheckDirectory()) return problem;
  const std::string name = FailModeEntryName(app_id, user);
  if (name.empty()) return "the application and user name are too long for an entry";
  // Written aside and renamed over the entry, so a reader never sees half of one.
  std::string pending = directory_ + "/.pending-XXXXXX";
  FileDescriptor file(mkstemp(pending.data()));  // mode 0600
  if (file.get() < 0) return SystemError("cannot write in " + directory_);
  const std::string text = std::string(ToString(mode)) + "\n";
  const bool written =
      write(file.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (!written || rename(pending.c_str(), (directory_ + "/" + name).c_str()) != 0) {
    std::string problem = SystemError("cannot keep the fail mode in " + directory_);
    unlink(pending.c_str());
    return problem;
  }
  return std::nullopt;
}

std::optional<FailModeCache::Entry> FailModeCache::Lookup(std::string_view app_id,
                                                          std::string_view user,
                                                          std::string& problem) const {
  problem.clear();
  if (auto unusable = CheckDirectory()) {
    problem = *unusable;
    return std::nullopt;
  }
  const std::string name = FailModeEntryName(app_id, user);
  if (name.empty()) return std::nullopt;
  const std::string path = directory_ + "/" + name;
  FileDescriptor file(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno != ENOENT) problem = SystemError("cannot read " + path);
    return std::nullopt;
  }
  struct stat info {};
  if (fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode) || !OwnedAlone(info)) {
    problem = path + " is not a file that only uid " + std::to_string(geteuid()) + " may write";
    return std::nullopt;
  }
  const std::time_t now = std::time(nullptr);
  const auto age = std::chrono::seconds(now > info.st_mtime ? now - info.st_mtime : 0);
  if (age > maxAge_) return std::nullopt;
  char text[16] = {};
  const ssize_t length = read(file.get(), text, sizeof text);
  std::string_view content(text, length > 0 ? static_cast<std::size_t>(length) : 0);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    content.remove_suffix(1);
  }
  const auto mode = ParseFailMode(content);
  if (!mode) {
    problem = path + " holds neither open nor closed";
    return std::nullopt;
  }
  return Entry{*mode, age};
}

}  // namespace idguard::pam
