// SourceActivity: what one kind of source (an address, a /24, an ASN) did across accounts in a
// sliding window — which accounts failed a password from it, how often, and which signed in with
// valid credentials. passwordSpray and maliciousIPAddress judge sources by it.
//
// Bounded: a source exists once a sign-in (failed or valid) came from it; it remembers at most
// kMaxAccountsPerSource accounts (the least recent goes first), at most `max_sources` sources are
// tracked (sources idle for a window are swept, amortised over the sign-ins; when the map is full
// of active sources, new ones are not tracked), and at most kMaxMarks account marks exist in all.
// A mark is 24 bytes; a source with one mark takes about 120 bytes with its map node, so 1,000,000
// sources with one account each take about 120 MB, and the mark budget caps the marks at 96 MB
// whatever the sources do. Deterministic; saved and restored for checkpoints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "idguard/core/binary_codec.h"
#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

class SourceActivity {
 public:
  static constexpr std::size_t kMaxAccountsPerSource = 128;
  static constexpr std::size_t kMaxMarks = 4'000'000;

  struct Mark {
    std::uint32_t account = 0;  // hash of the account id; a rare collision only merges two counts
    std::uint32_t failures = 0;
    EventTime lastSeen = 0;
    bool succeeded = false;  // signed in with valid credentials from the source in the window
  };
  struct Summary {
    std::uint32_t failedAccounts = 0;     // accounts with a failure in the window
    std::uint32_t succeededAccounts = 0;  // accounts with valid credentials in the window
    std::uint32_t failures = 0;
    EventTime firstSeen = 0;  // of the marks still in the window
  };

  SourceActivity(EventTime window, std::size_t max_sources)
      : window_(window), max_sources_(max_sources) {}

  // A password failure of `account` from `source` at `now`.
  void AddFailure(std::uint64_t source, std::string_view account, EventTime now);
  // Valid credentials of `account` from `source` at `now`.
  void AddSuccess(std::uint64_t source, std::string_view account, EventTime now);
  // The source's activity in the window ending at `now`; empty when it is not tracked. Forgets
  // marks older than the window first, so it is not const; O(1) while none is that old.
  Summary Summarize(std::uint64_t source, EventTime now);
  // True when `account` failed from `source` in the window ending at `now`.
  bool AccountFailed(std::uint64_t source, std::string_view account, EventTime now) const;

  std::size_t sources() const { return sources_.size(); }
  std::size_t marks() const { return marks_; }

  void Save(ByteWriter& writer) const;
  Status Restore(ByteReader& reader);

 private:
  // Marks plus running totals over them, so a summary needs no pass over the marks; the account
  // keys are also kept apart so that finding an account scans 4 bytes per mark.
  struct Source {
    std::vector<Mark> marks;
    std::vector<std::uint32_t> accounts;  // accounts[i] == marks[i].account
    EventTime lastSeen = 0;
    EventTime oldest = 0;  // no mark was last seen before this (a lower bound)
    std::uint32_t failedAccounts = 0;
    std::uint32_t succeededAccounts = 0;
    std::uint32_t failures = 0;
  };
  static void Count(Source& source, const Mark& mark, int sign);
  Source* Touch(std::uint64_t source, EventTime now, bool create);
  Mark& MarkOf(Source& source, std::uint32_t account, EventTime now);
  void Expire(Source& source, EventTime now);
  void MaybeSweep(EventTime now);

  EventTime window_;
  std::size_t max_sources_;
  std::unordered_map<std::uint64_t, Source> sources_;
  std::size_t marks_ = 0;
  std::uint64_t since_sweep_ = 0;
};

}  // namespace idguard
