// What to do for a login while idguard cannot be asked, as idguard last said for that user and
// application. Each evaluate answer carries a fail mode: "closed" when an enforced policy that
// disables resilience defaults covers the user and application, "open" otherwise
// (docs/EVALUATE.md). pam_idguard keeps the latest one per application and user in a directory
// (`fail_cache=DIR`), so that during an outage each login fails as its policies say instead of
// as one module-wide setting.
//
// The directory decides logins, so it must be root's (or the module's user's) alone: one that
// others can write to, or that is not a plain directory, is not used. Entries older than the
// configured age are ignored, so a policy change made while a user was away still reaches them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace idguard::pam {

enum class FailMode { open, closed };
std::optional<FailMode> ParseFailMode(std::string_view text);
std::string_view ToString(FailMode mode);

// The entry's file name: application and user, each with every byte outside [A-Za-z0-9_-]
// written as %XX, joined by '.'. Different pairs never share a name, and no name leaves the
// directory. Empty when the name would be longer than a file name may be.
std::string FailModeEntryName(std::string_view app_id, std::string_view user);

class FailModeCache {
 public:
  FailModeCache(std::string directory, std::chrono::seconds max_age)
      : directory_(std::move(directory)), maxAge_(max_age) {}

  // Keeps `mode` for the pair; returns why not when it could not.
  std::optional<std::string> Store(std::string_view app_id, std::string_view user,
                                   FailMode mode) const;

  struct Entry {
    FailMode mode = FailMode::open;
    std::chrono::seconds age{0};
  };
  // The pair's entry when there is a usable one. `problem` says why the directory or the entry
  // could not be used (it stays empty when there is simply no entry, or it is too old).
  std::optional<Entry> Lookup(std::string_view app_id, std::string_view user,
                              std::string& problem) const;

 private:
  std::optional<std::string> CheckDirectory() const;

  std::string directory_;
  std::chrono::seconds maxAge_;
};

}  // namespace idguard::pam
