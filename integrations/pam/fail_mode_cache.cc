#include "fail_mode_cache.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace idguard::pam {
namespace {

constexpr std::size_t kMaxEntryName = 255;  // NAME_MAX on Linux file systems
constexpr std::string_view kClosedContent = "closed\n";
constexpr std::time_t kStampAheadOfClock = 1;  // seconds

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

// A directory above the cache: whoever may write to it could put another directory in the
// cache's place. Root's or the module user's, and writable by no one else unless sticky (/tmp),
// where others cannot rename what they do not own.
std::optional<std::string> CheckParent(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return SystemError("fail_cache parent " + path);
  const bool trusted_owner = info.st_uid == 0 || info.st_uid == geteuid();
  const bool others_write = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (!S_ISDIR(info.st_mode) || !trusted_owner || (others_write && (info.st_mode & S_ISVTX) == 0)) {
    return "fail_cache parent " + path + " may be changed by users other than root";
  }
  return std::nullopt;
}

}  // namespace

std::optional<FailMode> ParseFailMode(std::string_view text) {
  if (text == "open") return FailMode::open;
  if (text == "closed") return FailMode::closed;
  return std::nullopt;
}

std::string FailModeEntryName(std::string_view app_id, std::string_view user) {
  std::string name;
  AppendEncoded(name, app_id);
  name += '.';
  AppendEncoded(name, user);
  if (name.size() > kMaxEntryName) return "";
  return name;
}

int FailModeCache::OpenDirectory(std::string& problem) const {
  if (!directory_.starts_with('/')) {
    problem = "fail_cache " + directory_ + " is not an absolute path";
    return -1;
  }
  for (std::size_t slash = directory_.find('/', 1); slash != std::string::npos;
       slash = directory_.find('/', slash + 1)) {
    if (auto bad = CheckParent(directory_.substr(0, slash))) {
      problem = *bad;
      return -1;
    }
  }
  if (auto bad = CheckParent("/")) {
    problem = *bad;
    return -1;
  }
  const int fd = open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    problem = SystemError("fail_cache " + directory_);
    return -1;
  }
  struct stat info {};
  if (fstat(fd, &info) != 0 || info.st_uid != geteuid() || (info.st_mode & 077) != 0) {
    close(fd);
    problem = "fail_cache " + directory_ + " must belong to uid " + std::to_string(geteuid()) +
              " with no permissions for others (chmod 700)";
    return -1;
  }
  return fd;
}

std::optional<std::string> FailModeCache::Record(std::string_view app_id, std::string_view user,
                                                 FailMode mode) const {
  std::string problem;
  const FileDescriptor directory(OpenDirectory(problem));
  if (directory.get() < 0) return problem;
  const std::string name = FailModeEntryName(app_id, user);
  if (name.empty()) return "the application and user name are too long for an entry";
  if (mode == FailMode::open) {
    if (unlinkat(directory.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
      return SystemError("cannot forget " + directory_ + "/" + name);
    }
    return std::nullopt;
  }
  // Written aside and renamed over the entry, so a reader never sees half of one.
  unsigned char random[8] = {};
  if (getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    return SystemError("no random name for a new entry");
  }
  char pending[32];
  std::snprintf(pending, sizeof pending, ".pending-%02x%02x%02x%02x%02x%02x%02x%02x", random[0],
                random[1], random[2], random[3], random[4], random[5], random[6], random[7]);
  {
    const FileDescriptor file(openat(directory.get(), pending,
                                     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0) return SystemError("cannot write in " + directory_);
    const ssize_t written = write(file.get(), kClosedContent.data(), kClosedContent.size());
    // Flushed before the rename: after a crash the entry is whole or the old one.
    if (written != static_cast<ssize_t>(kClosedContent.size()) || fsync(file.get()) != 0) {
      std::string why = written >= 0 && written < static_cast<ssize_t>(kClosedContent.size())
                            ? "cannot write in " + directory_ + ": short write"
                            : SystemError("cannot write in " + directory_);
      unlinkat(directory.get(), pending, 0);
      return why;
    }
  }
  if (renameat(directory.get(), pending, directory.get(), name.c_str()) != 0) {
    std::string why = SystemError("cannot keep the fail mode in " + directory_);
    unlinkat(directory.get(), pending, 0);
    return why;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> FailModeCache::ClosedSince(std::string_view app_id,
                                                               std::string_view user,
                                                               std::string& problem) const {
  problem.clear();
  const FileDescriptor directory(OpenDirectory(problem));
  if (directory.get() < 0) return std::nullopt;
  const std::string name = FailModeEntryName(app_id, user);
  if (name.empty()) return std::nullopt;
  const std::string path = directory_ + "/" + name;
  // Non-blocking: a FIFO planted as an entry must not stall the login.
  const FileDescriptor file(
      openat(directory.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno != ENOENT) problem = SystemError("cannot read " + path);
    return std::nullopt;
  }
  struct stat info {};
  if (fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != geteuid() ||
      (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    problem = path + " is not a file that only uid " + std::to_string(geteuid()) + " may write";
    return std::nullopt;
  }
  const std::time_t now = std::time(nullptr);
  // The kernel may stamp a file just written from a finer clock than time() reads, so an entry
  // can be a second ahead of `now` the moment it is made; that one is new. An entry further in
  // the future (a clock set back) counts as old: it cannot say when it was made.
  if (info.st_mtime > now + kStampAheadOfClock) return std::nullopt;
  const auto age = std::chrono::seconds(info.st_mtime > now ? 0 : now - info.st_mtime);
  if (age > maxAge_) return std::nullopt;
  char text[16] = {};
  const ssize_t length = read(file.get(), text, sizeof text);
  const std::string_view content(text, length > 0 ? static_cast<std::size_t>(length) : 0);
  if (content != kClosedContent) {
    problem = path + " does not say closed";
    return std::nullopt;
  }
  return age;
}

}  // namespace idguard::pam
