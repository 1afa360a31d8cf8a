// Which users must be refused while idguard cannot be asked. Each evaluate answer carries a fail
// mode for its user and application: "closed" when an enforced policy that disables resilience
// defaults covers them, "open" otherwise, which leaves the decision to the integration's own
// default (docs/EVALUATE.md). pam_idguard remembers the "closed" ones per application and user in
// a directory (`fail_cache=DIR`) and forgets a pair when an answer says "open"; during an outage
// a remembered pair fails closed whatever `fail=` says.
//
// The directory decides logins, so only the module's user (root, in sshd) may change it or see
// its names: it must be that user's, with no permissions for anyone else, and every directory
// above it must be writable only by root or that user (or be sticky, as /tmp). Entries are read
// and written relative to the opened directory, and never through a link. Entries older than the
// configured age are ignored, so a policy change made while a user was away still reaches them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace idguard::pam {

enum class FailMode { open, closed };
std::optional<FailMode> ParseFailMode(std::string_view text);

// The entry's file name: application and user, each with every byte outside [A-Za-z0-9_-]
// written as %XX, joined by '.'. Different pairs never share a name, and no name leaves the
// directory. Empty when the name would be longer than a file name may be.
std::string FailModeEntryName(std::string_view app_id, std::string_view user);

class FailModeCache {
 public:
  FailModeCache(std::string directory, std::chrono::seconds max_age)
      : directory_(std::move(directory)), maxAge_(max_age) {}

  // Records idguard's latest fail mode for the pair: "closed" is kept, "open" forgets the pair.
  // Returns why not when it could not.
  std::optional<std::string> Record(std::string_view app_id, std::string_view user,
                                    FailMode mode) const;

  // How long ago the pair was last answered "closed", when that is within the maximum age.
  // `problem` says why the directory or the entry could not be used (it stays empty when the pair
  // is simply not kept, or its entry is too old).
  std::optional<std::chrono::seconds> ClosedSince(std::string_view app_id, std::string_view user,
                                                  std::string& problem) const;

 private:
  // The directory, opened and checked; -1 with `problem` set when it must not be used.
  int OpenDirectory(std::string& problem) const;

  std::string directory_;
  std::chrono::seconds maxAge_;
};

}  // namespace idguard::pam
